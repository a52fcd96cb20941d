/**
 * The text of every named (prepared) statement of the PostgreSQL adapter, and of the
 * fixed unnamed ones beside them, is committed as `statements.snapshot.sql` (for the
 * default schema), so a change to hot SQL (claim, renew, the finish variants, release,
 * abort, handoff, log appends) shows up in review as a diff of SQL, not of string
 * building. Regenerate deliberately with STINT_UPDATE_SNAPSHOTS=1.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { HEAVY_TASK_FIELDS, type HeavyTaskField } from "../../../src/storage/port/types.js";
import { claimStatements } from "../../../src/storage/postgres/claim.js";
import { workerStatements } from "../../../src/storage/postgres/workers.js";
import { limitedClaimStatements } from "../../../src/storage/postgres/claim-limited.js";
import { createOrGetStatements } from "../../../src/storage/postgres/create-or-get.js";
import type { Statement } from "../../../src/storage/postgres/connection.js";
import { finishStatements } from "../../../src/storage/postgres/finish.js";
import { FINISH_BIND_TYPES } from "../../../src/storage/postgres/finish/binds.js";
import { handoffStatements } from "../../../src/storage/postgres/handoff.js";
import { appendLogsStatement } from "../../../src/storage/postgres/logs.js";
import { sqlNames, type SqlNames } from "../../../src/storage/postgres/names.js";
import { notifySql } from "../../../src/storage/postgres/notify.js";
import { DEFAULT_SCHEMA } from "../../../src/storage/postgres/options.js";
import { taskGetStatement, taskStatements } from "../../../src/storage/postgres/tasks.js";
import { retentionStatements } from "../../../src/storage/postgres/retention.js";

import { waitChildrenStatements } from "../../../src/storage/postgres/finish/wait-children.js";
const SNAPSHOT = fileURLToPath(new URL("./statements.snapshot.sql", import.meta.url));

type Entry = Statement | string;

/** The reads by id as the adapter's own callers make them: whole rows, and without heavy columns. */
function taskReads(names: SqlNames): Record<string, Statement> {
  const all = new Set<HeavyTaskField>(HEAVY_TASK_FIELDS);
  const none = new Set<HeavyTaskField>();
  return {
    GET: taskGetStatement(names, "get", all, false),
    GET_MANY: taskGetStatement(names, "get_many", all, false),
    GET_LIGHT: taskGetStatement(names, "get", none, false),
    GET_MANY_LIGHT: taskGetStatement(names, "get_many", none, false),
    GET_CHARGED: taskGetStatement(names, "get", all, true),
  };
}

function postgresStatements(names: SqlNames): Record<string, Record<string, Entry>> {
  return {
    "claim.ts": claimStatements(names),
    "claim-limited.ts": limitedClaimStatements(names),
    "create-or-get.ts": createOrGetStatements(names),
    "finish.ts": finishStatements(names),
    "handoff.ts": handoffStatements(names),
    "finish/wait-children.ts": waitChildrenStatements(names),
    "tasks.ts": { ...taskStatements(names), ...taskReads(names) },
    "logs.ts": { APPEND: appendLogsStatement(names), APPEND_FENCED: appendLogsStatement(names, true) },
    "notify.ts": { NOTIFY: notifySql(names) },
    "workers.ts": workerStatements(names),
    "retention.ts": retentionStatements(names),
  };
}

/** Every statement under a `-- file KEY name` header (unnamed ones: `(unnamed)`), in a stable order. */
function render(names: SqlNames): string {
  const parts: string[] = [];
  for (const [file, statements] of Object.entries(postgresStatements(names))) {
    for (const [key, entry] of Object.entries(statements)) {
      const [name, text] = typeof entry === "string" ? ["(unnamed)", entry] : [entry.name, entry.text];
      parts.push(`-- ${file} ${key} ${name}\n${text.trim()};\n`);
    }
  }
  return parts.join("\n");
}

describe("PostgreSQL statements", () => {
  it("are exactly the committed snapshot", () => {
    const sql = render(sqlNames(DEFAULT_SCHEMA));
    if (process.env.STINT_UPDATE_SNAPSHOTS === "1") writeFileSync(SNAPSHOT, sql);
    assert.equal(sql, readFileSync(SNAPSHOT, "utf8"), "a statement changed: review it, then rerun with STINT_UPDATE_SNAPSHOTS=1");
  });

  it("have one name per text, different in another schema", () => {
    // Two adapters in one process may share a server session: a name stands for one text.
    const named = (schema: string) =>
      Object.values(postgresStatements(sqlNames(schema))).flatMap((group) => Object.values(group).filter((e): e is Statement => typeof e !== "string"));
    const mine = named(DEFAULT_SCHEMA);
    const texts = new Map<string, string>();
    for (const s of mine) {
      assert.equal(texts.get(s.name) ?? s.text, s.text, `${s.name} names one text`);
      texts.set(s.name, s.text);
    }
    const other = new Set(named("other_schema").map((s) => s.name));
    assert.ok(mine.every((s) => !other.has(s.name)), "another schema's statements have other names");
  });

  it("cast each finish field where binds.ts puts it", () => {
    // The finish statements name their bind positions as written; binds.ts lays the
    // values out in its own order. Every cast of $1–$19 must be that field's type (an
    // array of it in the batch statements), or a value would land in another column.
    const finish = finishStatements(sqlNames(DEFAULT_SCHEMA));
    const variants = { FINISH_ONE: "", FINISH_ONE_SLIM: "", FINISH: "[]", FINISH_SLIM: "[]", FINISH_LOGS: "[]", FINISH_LOGS_SLIM: "[]" } as const;
    for (const [key, suffix] of Object.entries(variants)) {
      const { text } = finish[key as keyof typeof variants];
      const seen = new Set<number>();
      for (const [, position, type] of text.matchAll(/\$(\d+)::(\w+(?:\[\])?)/g)) {
        const n = Number(position);
        if (n > FINISH_BIND_TYPES.length) continue; // the log's binds (logs.ts appendLogsValues)
        assert.equal(type, `${FINISH_BIND_TYPES[n - 1]}${suffix}`, `${key}: $${n}`);
        seen.add(n);
      }
      assert.equal(seen.size, FINISH_BIND_TYPES.length, `${key} casts every field`);
    }
  });
});

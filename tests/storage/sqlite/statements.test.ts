/**
 * The text of every fixed statement the SQLite adapter prepares is committed as
 * `statements.snapshot.sql`, so a change to hot SQL (claim, renew, finish, release,
 * abort, log appends) shows up in review as a diff of SQL, not of string building.
 * Regenerate deliberately with STINT_UPDATE_SNAPSHOTS=1.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { ABORT_WATCH_STATEMENTS } from "../../../src/storage/sqlite/abort-watch.js";
import { CLAIM_STATEMENTS } from "../../../src/storage/sqlite/claim.js";
import { FINISH_STATEMENTS } from "../../../src/storage/sqlite/finish.js";
import { LOG_STATEMENTS } from "../../../src/storage/sqlite/logs.js";
import { migrate } from "../../../src/storage/sqlite/migrate.js";
import { openDb } from "../../../src/storage/sqlite/connection.js";
import { TASK_STATEMENTS } from "../../../src/storage/sqlite/tasks.js";
import { RETENTION_STATEMENTS } from "../../../src/storage/sqlite/retention.js";

import { WAIT_CHILDREN_STATEMENTS } from "../../../src/storage/sqlite/wait-children.js";
const SNAPSHOT = fileURLToPath(new URL("./statements.snapshot.sql", import.meta.url));

const GROUPS: Record<string, Record<string, string>> = {
  "claim.ts": CLAIM_STATEMENTS,
  "finish.ts": FINISH_STATEMENTS,
  "tasks.ts": TASK_STATEMENTS,
  "logs.ts": LOG_STATEMENTS,
  "abort-watch.ts": ABORT_WATCH_STATEMENTS,
  "wait-children.ts": WAIT_CHILDREN_STATEMENTS,
  "retention.ts": RETENTION_STATEMENTS,
};

/** Every statement under a `-- file NAME` header, in a stable order. */
function render(): string {
  const parts: string[] = [];
  for (const [file, statements] of Object.entries(GROUPS)) {
    for (const [name, text] of Object.entries(statements)) parts.push(`-- ${file} ${name}\n${text.trim()};\n`);
  }
  return parts.join("\n");
}

describe("SQLite statements", () => {
  it("are exactly the committed snapshot", () => {
    const sql = render();
    if (process.env.STINT_UPDATE_SNAPSHOTS === "1") writeFileSync(SNAPSHOT, sql);
    assert.equal(sql, readFileSync(SNAPSHOT, "utf8"), "a statement changed: review it, then rerun with STINT_UPDATE_SNAPSHOTS=1");
  });

  it("each prepares against the migrated schema", () => {
    // A snapshot of text that no longer parses (a renamed column) would be worthless.
    const db = openDb(":memory:", 1000);
    try {
      migrate(db);
      for (const statements of Object.values(GROUPS)) {
        for (const [name, text] of Object.entries(statements)) {
          assert.doesNotThrow(() => db.raw.prepare(text), `${name} prepares`);
        }
      }
    } finally {
      db.raw.close();
    }
  });
});

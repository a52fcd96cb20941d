/**
 * src/storage/postgres/schema.sql is generated from a migrated store (scripts/dump-pg-schema.ts):
 * a migration added without regenerating it, or a hand edit, fails here.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { isPostgresReachable } from "../../helpers/stores.js";
import { normaliseDump } from "../../../scripts/dump-pg-schema.js";

const root = join(import.meta.dirname, "../../..");
const reachable = await isPostgresReachable();

describe("postgres schema dump", () => {
  it("names the schema stint and drops what differs between runs", () => {
    const dump = ["SET statement_timeout = 0;", "\\restrict abc", "--", "-- Dumped from database version 15.1", "CREATE TABLE stint_dump_x1.t (a int);", "", "", "", "--", "\\unrestrict abc"].join("\n");
    const text = normaliseDump(dump, "stint_dump_x1");
    assert.match(text, /CREATE TABLE stint\.t \(a int\);/);
    assert.doesNotMatch(text, /SET |restrict|Dumped|stint_dump_x1|\n\n\n/);
  });

  it("is up to date with the migrations", { skip: !reachable && "PostgreSQL not reachable" }, async () => {
    const run = promisify(execFile);
    await run(process.execPath, ["--import", "tsx", join(root, "scripts/dump-pg-schema.ts"), "--check"], { cwd: root }).catch(
      (error: { stderr?: string }) => assert.fail(error.stderr || String(error)),
    );
  });
});

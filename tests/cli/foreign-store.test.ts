/**
 * Every command that opens a store refuses a path that holds something else (another
 * application's SQLite database, /etc/passwd, a text file, a directory) with one line and
 * exit 2, and leaves it as it was (no WAL switch, no tables, no -wal/-shm files).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { assertUsageError, EXAMPLES_CONFIG, runCli } from "./helpers.js";

const TASK_ID = "0123456789abcdef01234567";

describe("every command that opens a store refuses a path that holds no Stint store, and leaves it as it was", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-foreign-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const appDb = join(dir, "app.db");
  const db = new Database(appDb);
  db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY)");
  db.close();
  const appBytes = readFileSync(appDb);
  const folder = join(dir, "folder");
  mkdirSync(folder);
  const text = join(dir, "notes.txt");
  writeFileSync(text, "not a database\n".repeat(100));

  const targets: [string, string, RegExp][] = [
    ["another application's SQLite database", appDb, /a SQLite database without Stint's tables/],
    ["/etc/passwd", "/etc/passwd", /not a SQLite database/],
    ["a text file", text, /not a SQLite database/],
    ["a directory", folder, /a directory/],
  ];
  const commands: [string, string[]][] = [
    ["migrate", ["migrate"]],
    ["trigger", ["trigger", "importCsv", "--input", '{"file":"x.csv"}', "--config", EXAMPLES_CONFIG]],
    ["worker", ["worker", "--config", EXAMPLES_CONFIG]],
    ["serve", ["serve", "--config", EXAMPLES_CONFIG, "--port", "0"]],
    ["dev", ["dev", "--config", EXAMPLES_CONFIG, "--port", "0"]],
    ["tasks", ["tasks"]],
    ["logs", ["logs", TASK_ID]],
    ["abort", ["abort", TASK_ID]],
  ];
  // Every command against one kind of path, rotating: each kind meets two commands.
  const runs = commands.map(([name, args], i) => [name, args, targets[i % targets.length]] as const);
  for (const [name, args, [what, path, reason]] of runs) {
    it(`${name}: ${what}`, async () => {
      const result = await runCli([...args, "--database", `sqlite:${path}`], { cwd: dir });
      assertUsageError(result, new RegExp(`No Stint database at ${escape(path)} \\(${reason.source}; sqlite:${escape(path)}, from --database\\); check --database \\[STORE_NOT_FOUND\\]`));
      assert.deepEqual(readFileSync(appDb), appBytes, "the other application's database is unchanged");
      assert.deepEqual(readdirSync(dir).sort(), ["app.db", "folder", "notes.txt"], "no -wal, -shm or new file");
      assert.deepEqual(readdirSync(folder), []);
    });
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Which commands may create the store, and which refuse one they cannot use: a SQLite
 * file that is not there for tasks/logs/abort (a mistyped path must not become a new
 * empty store), an in-memory store for anything but `dev`.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isInMemory, openStorage, parseDatabaseUrl } from "../../src/config/database.js";
import { ErrorCode } from "../../src/domain/errors.js";
import { createSqliteStorage } from "../../src/storage/sqlite/index.js";
import { assertUsageError, EXAMPLES_CONFIG, runCli } from "./helpers.js";
import { isPostgresReachable, POSTGRES_TEST_URL } from "../helpers/stores.js";
import Database from "better-sqlite3";
import pg from "pg";

const TASK_ID = "0123456789abcdef01234567";

describe("tasks, logs and abort refuse a SQLite file that does not exist", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-missing-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const commands: [string, string[]][] = [
    ["tasks", ["tasks"]],
    ["logs", ["logs", TASK_ID]],
    ["abort", ["abort", TASK_ID, "--config", EXAMPLES_CONFIG]],
  ];

  for (const [name, args] of commands) {
    it(`${name}: names the file and the flag, exits 2 and creates neither the file nor its directory`, async () => {
      const file = join(dir, "no", "such", "dir", "x.db");
      const result = await runCli([...args, "--database", `sqlite:${file}`], { cwd: dir });
      assertUsageError(result, new RegExp(`No Stint database at ${escape(file)} \\(sqlite:${escape(file)}, from --database\\); check --database, or create the store with: stint migrate \\[STORE_NOT_FOUND\\]`));
      assert.equal(existsSync(join(dir, "no")), false);
    });
  }

  it("refuses a SQLite file that holds no Stint store (another application's) and adds no tables to it", async () => {
    const file = join(dir, "app.db");
    const app = new Database(file);
    app.exec("CREATE TABLE users (id INTEGER PRIMARY KEY)");
    app.close();
    const result = await runCli(["tasks", "--database", `sqlite:${file}`], { cwd: dir });
    assertUsageError(result, /No Stint database at .*app\.db .*\[STORE_NOT_FOUND\]/);
    const after = new Database(file, { readonly: true });
    const tables = (after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    after.close();
    assert.deepEqual(tables, ["users"]);
    rmSync(file, { force: true });
  });

  it("refuses a file that is not a SQLite database at all, leaving it as it was", async () => {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "not a database\n".repeat(100));
    const result = await runCli(["tasks", "--database", `sqlite:${file}`], { cwd: dir });
    assertUsageError(result, /No Stint database at .*notes\.txt .*\[STORE_NOT_FOUND\]/);
    assert.equal(readFileSync(file, "utf8"), "not a database\n".repeat(100));
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith("notes")), ["notes.txt"]);
    rmSync(file, { force: true });
  });

  it("refuses a PostgreSQL schema that holds no Stint store (a mistyped one) and does not create it", async (t) => {
    if (!(await isPostgresReachable())) return t.skip("PostgreSQL not reachable");
    const schema = `stint_cli_typo_${process.pid}`;
    const database = `${POSTGRES_TEST_URL}${POSTGRES_TEST_URL.includes("?") ? "&" : "?"}schema=${schema}`;
    for (const args of [["tasks"], ["logs", TASK_ID], ["abort", TASK_ID]]) {
      const result = await runCli([...args, "--database", database], { cwd: dir });
      assertUsageError(result, /No Stint database at the PostgreSQL schema it names .*\[STORE_NOT_FOUND\]/);
    }
    const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
      assert.equal(rows.length, 0, "the schema was created");
    } finally {
      await client.end();
    }
  });

  it("a relative path is resolved in the working directory, and nothing is created there", async () => {
    const result = await runCli(["tasks", "--database", "sqlite:./typo.db"], { cwd: dir });
    assertUsageError(result, new RegExp(`No Stint database at ${escape(join(dir, "typo.db"))} \\(sqlite:\\./typo\\.db, from --database\\)`));
    assert.deepEqual(readdirSync(dir), []);
  });

  it("names STINT_DATABASE_URL, or the default, when that is where the URL came from", async () => {
    const fromEnv = await runCli(["logs", TASK_ID], { cwd: dir, env: { STINT_DATABASE_URL: "sqlite:./env.db" } });
    assertUsageError(fromEnv, /\(sqlite:\.\/env\.db, from STINT_DATABASE_URL\); check STINT_DATABASE_URL, or create/);
    const byDefault = await runCli(["tasks"], { cwd: dir });
    assertUsageError(byDefault, /No Stint database at .*\.stint\/stint\.db \(sqlite:\.\/\.stint\/stint\.db, the default\); pass --database or set STINT_DATABASE_URL/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it("migrate and trigger still create the store, and tasks then reads it", async () => {
    const migrated = join(dir, "made", "by-migrate.db");
    const migrate = await runCli(["migrate", "--database", `sqlite:${migrated}`], { cwd: dir });
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.ok(existsSync(migrated));

    const triggered = join(dir, "made", "by-trigger.db");
    const trigger = await runCli(
      ["trigger", "checksumDirectory", "--input", '{"directory":"src"}', "--delay", "600", "--config", EXAMPLES_CONFIG, "--database", `sqlite:${triggered}`],
    );
    assert.equal(trigger.code, 0, trigger.stderr);
    const tasks = await runCli(["tasks", "--database", `sqlite:${triggered}`]);
    assert.equal(tasks.code, 0, tasks.stderr);
    assert.match(tasks.stdout, /checksumDirectory\s+pending/);
  });
});

describe("commands other than dev refuse an in-memory store", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-memory-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const commands: [string, string[]][] = [
    ["trigger", ["trigger", "checksumTree", "--input", '{"directories":["src"]}']],
    ["tasks", ["tasks"]],
    ["logs", ["logs", TASK_ID]],
    ["abort", ["abort", TASK_ID]],
    ["worker", ["worker"]],
    ["serve", ["serve", "--port", "0"]],
    ["migrate", ["migrate"]],
  ];

  for (const database of ["sqlite::memory:", "sqlite:file::memory:", "sqlite:file:shared?mode=memory&cache=shared"]) {
    it(`${database}: every one says why, exits 2, starts nothing and stores nothing`, async () => {
      const results = await Promise.all(
        commands.map(([, args]) => runCli([...args, "--config", EXAMPLES_CONFIG, "--database", database], { cwd: dir, timeoutMs: 30_000 })),
      );
      results.forEach((result, index) => {
        const name = commands[index][0];
        assertUsageError(
          result,
          new RegExp(`^stint: ${escape(database)} \\(from --database\\) is an in-memory store: it lives inside one process, so \`stint ${name}\` .*use stint dev .*a file \\(--database sqlite:\\./stint\\.db\\) or PostgreSQL \\[STORE_IN_MEMORY\\]$`),
        );
      });
      // better-sqlite3 takes no URI filenames: a `file:` name reaching it would be created as a file.
      assert.deepEqual(readdirSync(dir), []);
    });
  }

  it("names the config file when the in-memory URL comes from it", async () => {
    const config = join(dir, "memory.config.mjs");
    writeFileSync(config, 'export default { database: "sqlite::memory:", definitions: [] };\n');
    const result = await runCli(["tasks", "--config", config], { cwd: dir });
    assertUsageError(result, /^stint: sqlite::memory: \(from `database` in memory\.config\.mjs\) is an in-memory store/);
    rmSync(config);
  });

  it("refuses other SQLite URI filenames instead of creating a file named after them", async () => {
    const result = await runCli(["migrate", "--database", "sqlite:file:x.db"], { cwd: dir });
    assertUsageError(result, /^stint: --database: Unsupported database URL "sqlite:file:x\.db".*\[INVALID_DATABASE_URL\]$/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe("opening a SQLite store that must exist (the option behind the refusal)", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-sqlite-must-exist-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("fails with STORE_NOT_FOUND and creates nothing; an existing file opens", async () => {
    const file = join(dir, "sub", "x.db");
    assert.throws(() => createSqliteStorage({ filename: file, fileMustExist: true }), { code: ErrorCode.StoreNotFound, message: `No Stint database at ${file}.` });
    await assert.rejects(openStorage(`sqlite:${file}`, { mustExist: true }), { code: ErrorCode.StoreNotFound });
    assert.deepEqual(readdirSync(dir), []);

    const created = createSqliteStorage({ filename: file });
    await created.migrate();
    await created.close();
    const reopened = await openStorage(`sqlite:${file}`, { mustExist: true });
    await reopened.ping();
    await reopened.close();
  });

  it("parses every in-memory spelling as one private in-memory store", () => {
    for (const url of ["sqlite::memory:", "sqlite://:memory:", "sqlite:file::memory:", "sqlite:file::memory:?cache=shared", "sqlite:file:db1?mode=memory&cache=shared"]) {
      assert.ok(isInMemory(parseDatabaseUrl(url)), url);
    }
    assert.equal(isInMemory(parseDatabaseUrl("sqlite:./memory.db")), false);
    assert.throws(() => parseDatabaseUrl("sqlite:file:./x.db"), { code: "INVALID_DATABASE_URL" });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

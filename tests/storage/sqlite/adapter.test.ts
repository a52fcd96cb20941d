/** What only the SQLite adapter does: files, pragmas, native errors, schema versions. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { once } from "node:events";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { isStintError } from "../../../src/domain/errors.js";
import { createSqliteStorage } from "../../../src/storage/sqlite/index.js";
import { toStintError } from "../../../src/storage/sqlite/errors.js";
import { migrations } from "../../../src/storage/sqlite/migrations.generated.js";
import { createTask } from "../../../src/testing/contract/fixtures.js";

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), "stint-sqlite-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("SQLite adapter", () => {
  it("creates the database file and its missing parent directories", async () => {
    using tmp = tempDir();
    const filename = join(tmp.dir, "a", "b", "stint.db");
    const adapter = createSqliteStorage({ filename });
    await adapter.migrate();
    await adapter.close();
    assert.equal(existsSync(filename), true);
  });

  it("opens a new file that another connection is writing, waiting as long as the busy timeout allows", async () => {
    using tmp = tempDir();
    const filename = join(tmp.dir, "stint.db");
    new Database(filename).close(); // a new file, still in rollback-journal mode
    // Another connection (a thread, so it can let go while this one waits) holds the write
    // lock for 300 ms. Switching to WAL then fails at once with SQLITE_BUSY, whatever the
    // busy timeout: the adapter must retry it. (The other connection's table is Stint's
    // migrations table: a file holding other tables only is refused as not a store.)
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const holder = new Worker(
      `const { workerData, parentPort } = require("node:worker_threads");
       const db = new (require(workerData.driver))(workerData.filename);
       db.exec("CREATE TABLE stint_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_on INTEGER NOT NULL) STRICT; BEGIN; INSERT INTO stint_migrations VALUES (0, 'held', 0)");
       parentPort.postMessage("holding");
       setTimeout(() => { db.exec("COMMIT"); db.close(); }, 300);`,
      { eval: true, workerData: { driver, filename } },
    );
    await once(holder, "message");
    const started = Date.now();
    const adapter = createSqliteStorage({ filename, busyTimeoutMs: 5000 });
    try {
      await adapter.migrate();
      assert.ok(Date.now() - started >= 250, "it waited for the other connection");
    } finally {
      await adapter.close();
      await holder.terminate();
    }
  });

  it("works on a private in-memory database", async () => {
    const adapter = createSqliteStorage({ filename: ":memory:" });
    await adapter.migrate();
    const task = await createTask(adapter);
    assert.equal((await adapter.taskGet({ id: task.id }))?.id, task.id);
    await adapter.close();
  });

  it("declares polling-only, multi-process capabilities", () => {
    const adapter = createSqliteStorage({ filename: ":memory:" });
    assert.deepEqual({ ...adapter.capabilities }, { supportsNotify: false, supportsHandoff: false });
    void adapter.close();
  });

  it("puts the file in WAL mode", async () => {
    using tmp = tempDir();
    const filename = join(tmp.dir, "stint.db");
    const adapter = createSqliteStorage({ filename });
    await adapter.migrate();
    await adapter.close();
    const db = new Database(filename, { readonly: true });
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    db.close();
  });

  it("fails a write with STORAGE_UNAVAILABLE when another process holds the lock past the busy timeout", async () => {
    using tmp = tempDir();
    const filename = join(tmp.dir, "stint.db");
    const adapter = createSqliteStorage({ filename, busyTimeoutMs: 50 });
    await adapter.migrate();
    const other = new Database(filename);
    other.exec("BEGIN IMMEDIATE");
    try {
      await assert.rejects(createTask(adapter), (e) => isStintError(e, "STORAGE_UNAVAILABLE"));
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    assert.ok(await createTask(adapter), "writes work again once the lock is gone");
    await adapter.close();
  });

  it("translates a full database into STORAGE_FULL", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (x TEXT)");
    db.pragma("max_page_count = 2");
    let native: unknown;
    try {
      db.prepare("INSERT INTO t VALUES (?)").run("x".repeat(100_000));
    } catch (error) {
      native = error;
    }
    db.close();
    assert.equal((native as { code?: string }).code, "SQLITE_FULL");
    const translated = toStintError(native);
    assert.ok(isStintError(translated, "STORAGE_FULL"));
    assert.equal((translated as Error).cause, native);
  });

  it("says which migrations it applied to a new file, and none the next time", async () => {
    using tmp = tempDir();
    const adapter = createSqliteStorage({ filename: join(tmp.dir, "stint.db") });
    const latest = migrations.length;
    assert.deepEqual(await adapter.migrate(), { applied: migrations.map(({ version, name }) => ({ version, name })), version: latest });
    assert.deepEqual(await adapter.migrate(), { applied: [], version: latest });
    await adapter.close();
  });

  it("refuses a database migrated by a newer Stint", async () => {
    using tmp = tempDir();
    const filename = join(tmp.dir, "stint.db");
    const adapter = createSqliteStorage({ filename });
    await adapter.migrate();
    const db = new Database(filename);
    db.prepare("INSERT INTO stint_migrations (version, name, applied_on) VALUES (999, 'future', 0)").run();
    db.close();
    await assert.rejects(adapter.migrate(), (e) => isStintError(e, "STORAGE_UNAVAILABLE") && /version 999/.test((e as Error).message));
    await adapter.close();
  });

  it("counts the tasks a database already holds when the task-count migration (0002) runs", async () => {
    using tmp = tempDir();
    const filename = join(tmp.dir, "stint.db");
    const before = createSqliteStorage({ filename });
    await before.migrate();
    for (let i = 0; i < 3; i++) await createTask(before);
    await before.close();
    // Back to the schema of version 1, tasks kept: as a database made before 0002.
    const db = new Database(filename);
    db.exec(`DROP TRIGGER stint_tasks_count_insert; DROP TRIGGER stint_tasks_count_delete; DROP TABLE stint_task_count;
             DELETE FROM stint_migrations WHERE version = 2`);
    db.close();
    const after = createSqliteStorage({ filename });
    await after.migrate();
    const list = () => after.taskList({ filters: [], sort: [{ field: "id", direction: "desc" }], limit: 1 });
    assert.equal((await list()).totalCount, 3);
    await createTask(after);
    assert.equal((await list()).totalCount, 4);
    await after.close();
  });

  it("answers STORAGE_UNAVAILABLE once closed", async () => {
    const adapter = createSqliteStorage({ filename: ":memory:" });
    await adapter.migrate();
    await adapter.close();
    await adapter.close();
    await assert.rejects(adapter.ping(), (e) => isStintError(e, "STORAGE_UNAVAILABLE"));
  });
});

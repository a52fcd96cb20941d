/**
 * A settled task (terminal, no hook owed) is never claimed, even with a due time left on
 * its row (as the old lease hand-back wrote one). The port cannot make such a row any
 * more, so it is written here with SQL.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createSqliteStorage } from "../../../src/storage/sqlite/index.js";
import type { StorageAdapter } from "../../../src/storage/port/index.js";
import { claim, claimOne, createTask, DEF, T0 } from "../../../src/testing/contract/fixtures.js";

/** A migrated SQLite store in a file of its own, closed and removed afterwards. */
async function withFileStore(fn: (adapter: StorageAdapter, filename: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "stint-sqlite-"));
  const filename = join(dir, "stint.db");
  const adapter = createSqliteStorage({ filename });
  try {
    await adapter.migrate();
    await fn(adapter, filename);
  } finally {
    await adapter.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A plain connection to the same file, for what the port cannot write or read. */
function withRaw<T>(filename: string, fn: (db: Database.Database) => T): T {
  const db = new Database(filename);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe("SQLite claim of a settled row with a due time", () => {
  it("clears, in migration 0003, the due time older versions left on settled rows", async () => {
    await withFileStore(async (adapter, filename) => {
      const settled = await createTask(adapter, { runAt: T0 });
      const owed = await createTask(adapter, { runAt: T0 + 1 });
      const [a, b] = await claim(adapter, { now: T0 + 1 });
      await adapter.taskFinishMany({ finishes: [
        { id: settled.id, leaseToken: a.leaseToken, now: T0 + 2, status: "success" },
        { id: owed.id, leaseToken: b.leaseToken, now: T0 + 2, status: "failed", hookLeaseMs: 5_000 },
      ] });
      withRaw(filename, (raw) => {
        // As an older version's late hand-back left it, and as before migration 0003.
        raw.prepare("UPDATE stint_tasks SET due_at = ?, lease_expires_at = ? WHERE id = ?").run(T0 + 3, T0 + 3, settled.id);
        raw.prepare("DELETE FROM stint_migrations WHERE version = 3").run();
      });
      await adapter.migrate();
      withRaw(filename, (check) => {
        const rows = check.prepare("SELECT id, due_at AS dueAt, lease_owner AS owner FROM stint_tasks ORDER BY id").all() as { id: string; dueAt: number | null; owner: string | null }[];
        assert.deepEqual(rows.find((r) => r.id === settled.id), { id: settled.id, dueAt: null, owner: null });
        assert.equal(rows.find((r) => r.id === owed.id)?.dueAt, T0 + 2 + 5_000, "a hook still owed keeps its due time");
      });
    });
  });

  it("skips a terminal row without hook_pending and takes the task due after it", async () => {
    await withFileStore(async (adapter, filename) => {
      const settled = await createTask(adapter, { runAt: T0 });
      const held = await claimOne(adapter, { now: T0 });
      await adapter.taskFinishMany({ finishes: [{ id: settled.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success" }] });
      const other = await createTask(adapter, { runAt: T0 + 5 });
      withRaw(filename, (raw) => {
        const changed = raw
          .prepare("UPDATE stint_tasks SET due_at = ?, lease_expires_at = ? WHERE id = ? AND status = 'success' AND hook_pending = 0")
          .run(T0 + 2, T0 + 2, settled.id).changes;
        assert.equal(changed, 1);
      });
      const before = await adapter.taskGet({ id: settled.id });
      // Not the next due time either (a worker would poll without pause).
      assert.equal(await adapter.taskNextDueAt({ definitionIds: [DEF] }), T0 + 5);
      // Due first in the claim index, yet neither claimed nor counted against the limit.
      const [next] = await claim(adapter, { limit: 1, now: T0 + 1_000_000 });
      assert.equal(next?.task.id, other.id);
      assert.equal(next?.kind, "iteration");
      // Nothing else is due while the other task's lease runs.
      assert.deepEqual(await claim(adapter, { now: T0 + 1_000_001 }), []);
      assert.deepEqual(await adapter.taskGet({ id: settled.id }), before);
    });
  });
});

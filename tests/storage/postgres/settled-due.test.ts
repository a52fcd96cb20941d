/**
 * A settled task (terminal, no hook owed) is never claimed, even with a due time left on
 * its row (as the old lease hand-back wrote one). The port cannot make such a row any
 * more, so it is written here with SQL.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isPostgresReachable, postgresStore, withAdminClient as admin } from "../../helpers/stores.js";
import { claim, claimOne, createTask, DEF, T0 } from "../../../src/testing/contract/fixtures.js";

const reachable = await isPostgresReachable();

describe("postgres claim of a settled row with a due time", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  it("clears, in migration 0004, the due time older versions left on settled rows", async () => {
    const store = await postgresStore.create();
    const { adapter } = store;
    try {
      const schema = new URL(store.url).searchParams.get("schema")!;
      const settled = await createTask(adapter, { runAt: T0 });
      const owed = await createTask(adapter, { runAt: T0 + 1 });
      const [a, b] = await claim(adapter, { now: T0 + 1 });
      await adapter.taskFinishMany({ finishes: [
        { id: settled.id, leaseToken: a.leaseToken, now: T0 + 2, status: "success" },
        { id: owed.id, leaseToken: b.leaseToken, now: T0 + 2, status: "failed", hookLeaseMs: 5_000 },
      ] });
      // As an older version's late hand-back left it, and as before migration 0004.
      await admin(async (c) => {
        await c.query(`UPDATE "${schema}".tasks SET due_at = $1, lease_expires_at = $1 WHERE id = $2`, [new Date(T0 + 3), settled.id]);
        await c.query(`DELETE FROM "${schema}".stint_migrations WHERE version = 4`);
      });
      await adapter.migrate();
      const { rows } = await admin((c) => c.query<{ id: string; due_at: Date | null; lease_owner: string | null }>(`SELECT id, due_at, lease_owner FROM "${schema}".tasks`));
      assert.deepEqual(rows.find((r) => r.id === settled.id), { id: settled.id, due_at: null, lease_owner: null });
      assert.equal(rows.find((r) => r.id === owed.id)?.due_at?.getTime(), T0 + 2 + 5_000, "a hook still owed keeps its due time");
    } finally {
      await store.cleanup();
    }
  });

  it("skips a terminal row without hook_pending and takes the task due after it", async () => {
    const store = await postgresStore.create();
    const { adapter } = store;
    try {
      const schema = new URL(store.url).searchParams.get("schema")!;
      const settled = await createTask(adapter, { runAt: T0 });
      const held = await claimOne(adapter, { now: T0 });
      await adapter.taskFinishMany({ finishes: [{ id: settled.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success" }] });
      const other = await createTask(adapter, { runAt: T0 + 5 });
      const { rowCount } = await admin((c) =>
        c.query(
          `UPDATE "${schema}".tasks SET due_at = $1, lease_expires_at = $1
           WHERE id = $2 AND status = 'success' AND NOT hook_pending`,
          [new Date(T0 + 2), settled.id],
        ),
      );
      assert.equal(rowCount, 1);
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
    } finally {
      await store.cleanup();
    }
  });
});

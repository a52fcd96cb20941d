/**
 * Renewals, finishes and log appends of the same tasks at the same time. Every multi-row
 * write locks its rows in id order, yet PostgreSQL can still report a deadlock here (a row
 * locked FOR KEY SHARE by a log append, with two lock-then-update statements queued on
 * it); the adapter runs such a statement again, so callers never see it.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { isPostgresReachable, postgresStore, withAdminClient, type TestStore } from "../../helpers/stores.js";
import { claim, T0, taskParams } from "../../../src/testing/contract/fixtures.js";

const reachable = await isPostgresReachable();

describe("postgres lock contention", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  const stores: TestStore[] = [];
  after(() => Promise.all(stores.map((s) => s.cleanup())));

  it("renews, finishes and appends logs to the same tasks at once without an error", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const { adapter } = store;
    const failures: string[] = [];
    let appended = 0;
    const random = (n: number) => Math.floor(Math.random() * n);
    for (let round = 0; round < 12; round++) {
      const tasks = await adapter.taskCreateMany({ tasks: Array.from({ length: 30 }, (_, i) => taskParams({ id: `r${round}-${String(i).padStart(2, "0")}`, runAt: T0 })) });
      const claimed = await claim(adapter, { limit: 30, now: T0 + 1, leaseMs: 60_000 });
      assert.equal(claimed.length, tasks.length);
      const pick = () => {
        const chosen = [...claimed].sort(() => Math.random() - 0.5).slice(0, 1 + random(12));
        return chosen.sort((a, b) => (a.task.id < b.task.id ? -1 : 1));
      };
      const writes: Promise<unknown>[] = [];
      for (let k = 0; k < 60; k++) {
        const roll = random(3);
        const some = pick();
        const write =
          roll === 0
            ? adapter.taskRenewLeases({ workerId: "worker-a", leases: some.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken })), now: T0 + 30, leaseMs: 60_000 })
            : roll === 1
              ? adapter
                  .logAppend({ taskId: some[0].task.id, iteration: 1, executionName: "worker-b", now: T0 + 10, items: [{ message: `a${k}`, type: "info", createdOn: new Date(T0 + 10) }] })
                  .then(() => appended++)
              : adapter.taskFinishMany({ finishes: some.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken, now: T0 + 10 + k, status: "running" as const, keepClaim: { leaseMs: 60_000 } })) });
        writes.push(write.catch((error: Error) => failures.push(`${["renew", "append", "finish"][roll]}: ${error.message}`)));
      }
      await Promise.all(writes);
    }
    assert.deepEqual(failures, []);
    assert.ok(appended > 0);
  });

  it("renews without locking or waiting for rows this worker does not hold", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const { adapter } = store;
    await adapter.taskCreateMany({ tasks: ["own", "other"].map((id) => taskParams({ id, runAt: T0 })) });
    const [own] = await claim(adapter, { workerId: "worker-a", limit: 1, now: T0 + 1, leaseMs: 60_000 });
    const [other] = await claim(adapter, { workerId: "worker-b", limit: 1, now: T0 + 1, leaseMs: 60_000 });
    assert.deepEqual([own.task.id, other.task.id], ["other", "own"].sort());
    assert.equal(own.leaseToken, other.leaseToken, "same token, different owners");
    // Another session holds worker-b's row; worker-a's renewal names it with a matching
    // token (a stale lease). It must answer at once: "lost" for that one, "held" for its own.
    await withAdminClient(async (client) => {
      await client.query(`SET search_path TO "${new URL(store.url).searchParams.get("schema")}"`);
      await client.query("BEGIN");
      await client.query("SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE", [other.task.id]);
      try {
        const renewal = adapter.taskRenewLeases({
          workerId: "worker-a",
          leases: [own, other].map((c) => ({ id: c.task.id, leaseToken: c.leaseToken })),
          now: T0 + 30,
          leaseMs: 60_000,
        });
        const result = await Promise.race([renewal, new Promise<"waiting">((resolve) => setTimeout(() => resolve("waiting"), 2_000))]);
        if (result === "waiting") assert.fail("the renewal waited for a row it does not hold");
        assert.equal(result.states.get(own.task.id), "held");
        assert.equal(result.states.get(other.task.id), "lost");
      } finally {
        await client.query("ROLLBACK");
      }
    });
  });
});

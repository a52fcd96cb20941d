import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import { claim, claimOne, createTask, ids, LEASE_MS, T0, useStore } from "./fixtures.js";

export function leasesContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskRenewLeases / taskReleaseLeases / taskHooksDone", () => {
    const store = useStore(suite);

    it("renews a held lease so nobody can take the task until the new expiry", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const renewed = await store.adapter.taskRenewLeases({
        workerId: "worker-a",
        leases: [{ id: task.id, leaseToken: held.leaseToken }],
        now: T0 + 20_000,
        leaseMs: LEASE_MS,
      });
      assert.equal(renewed.states.get(task.id), "held");
      assert.equal(renewed.leaseExpiresAt, T0 + 20_000 + LEASE_MS);
      assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS + 1 }), []);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + 20_000 + LEASE_MS);
      const later = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 20_000 + LEASE_MS });
      assert.equal(later.task.attempt, 2);
    });

    it("reports a lease lost once another worker took the task over, and leaves the new holder alone", async () => {
      const task = await createTask(store.adapter);
      const old = await claimOne(store.adapter, { workerId: "worker-a" });
      const current = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS });
      const result = await store.adapter.taskRenewLeases({
        workerId: "worker-a",
        leases: [{ id: task.id, leaseToken: old.leaseToken }],
        now: T0 + LEASE_MS + 1,
        leaseMs: LEASE_MS,
      });
      assert.equal(result.states.get(task.id), "lost");
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), current.leaseExpiresAt);
    });

    it("reports a lease lost when a different worker presents the token", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter, { workerId: "worker-a" });
      const result = await store.adapter.taskRenewLeases({
        workerId: "worker-b",
        leases: [{ id: task.id, leaseToken: held.leaseToken }],
        now: T0 + 1,
        leaseMs: LEASE_MS * 10,
      });
      assert.equal(result.states.get(task.id), "lost");
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), held.leaseExpiresAt);
    });

    it("reports a lease aborted once a user aborted the task", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      await store.adapter.taskAbort({ id: task.id, now: T0 + 5, message: "stop", workerId: "api" });
      const result = await store.adapter.taskRenewLeases({
        workerId: "worker-a",
        leases: [{ id: task.id, leaseToken: held.leaseToken }],
        now: T0 + 10,
        leaseMs: LEASE_MS,
      });
      assert.equal(result.states.get(task.id), "aborted");
    });

    it("reports every lease of one call: held, aborted, lost and deleted", async () => {
      const [held, aborted, lost, deleted] = [
        await createTask(store.adapter, { runAt: T0 }),
        await createTask(store.adapter, { runAt: T0 + 1 }),
        await createTask(store.adapter, { runAt: T0 + 2 }),
        await createTask(store.adapter, { runAt: T0 + 3 }),
      ];
      const claimed = await claim(store.adapter, { now: T0 + 3 });
      assert.deepEqual(ids(claimed.map((c) => c.task)), ids([held, aborted, lost, deleted]));
      await store.adapter.taskAbort({ id: aborted.id, now: T0 + 4, message: "stop", workerId: "api" });
      await store.adapter.taskDelete({ id: deleted.id });
      const leases = claimed.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken }));
      leases[2] = { id: lost.id, leaseToken: claimed[2].leaseToken + 100 };
      const result = await store.adapter.taskRenewLeases({ workerId: "worker-a", leases, now: T0 + 5, leaseMs: LEASE_MS });
      assert.deepEqual(
        [...result.states.entries()].sort(),
        [
          [held.id, "held"],
          [aborted.id, "aborted"],
          [lost.id, "lost"],
          [deleted.id, "lost"],
        ].sort(),
      );
    });

    it("gives released claims back so any worker can take them at once, keeping the iteration", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter, { workerId: "worker-a" });
      await store.adapter.taskReleaseLeases({ leases: [{ id: task.id, leaseToken: held.leaseToken }], now: T0 + 10 });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + 10);
      const again = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 10 });
      assert.equal(again.kind, "iteration");
      assert.equal(again.task.iterations, 1);
      assert.notEqual(again.leaseToken, held.leaseToken);
      const fenced = await store.adapter.taskUpdate({ id: task.id, leaseToken: held.leaseToken, now: T0 + 11, input: { x: 1 } });
      assert.equal(fenced, false);
    });

    it("ignores a release with a stale token", async () => {
      const task = await createTask(store.adapter);
      const old = await claimOne(store.adapter, { workerId: "worker-a" });
      const current = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS });
      await store.adapter.taskReleaseLeases({ leases: [{ id: task.id, leaseToken: old.leaseToken }], now: T0 + LEASE_MS + 1 });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), current.leaseExpiresAt);
    });

    it("a hand-back after a terminal finish leaves the settled task alone", async () => {
      // As when an event listener throws after the outcome was stored and the worker's
      // error path hands the claim back: a finish that owes no hook keeps the token.
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const [finished] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success" }] });
      assert.equal(finished.applied, true);
      const before = await store.adapter.taskGet({ id: task.id });
      assert.equal(before?.taskStatus, "success");
      await store.adapter.taskReleaseLeases({ leases: [{ id: task.id, leaseToken: held.leaseToken }], now: T0 + 2 });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), null);
      assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: T0 + 1_000_000 }), []);
      assert.deepEqual(await store.adapter.taskGet({ id: task.id }), before);
    });

    it("a hand-back of a kept hook claim makes the hook due now", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const now = T0 + 1;
      await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now, status: "failed", hookLeaseMs: LEASE_MS * 4 }] });
      await store.adapter.taskReleaseLeases({ leases: [{ id: task.id, leaseToken: held.leaseToken }], now: now + 1 });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), now + 1);
      const hook = await claimOne(store.adapter, { workerId: "worker-b", now: now + 1 });
      assert.equal(hook.kind, "hook");
      assert.equal(hook.task.id, task.id);
      assert.equal(hook.task.taskStatus, "failed");
    });

    it("never shortens a lease: a renewal keeps a hook claim's longer hookLeaseMs", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const hookLeaseMs = LEASE_MS * 4;
      await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success", hookLeaseMs }] });
      const renewed = await store.adapter.taskRenewLeases({
        workerId: "worker-a",
        leases: [{ id: task.id, leaseToken: held.leaseToken }],
        now: T0 + 2,
        leaseMs: LEASE_MS,
      });
      assert.equal(renewed.states.get(task.id), "held");
      // Nobody takes the hook over before the hook lease the finish gave it.
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + 1 + hookLeaseMs);
      assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: T0 + 2 + LEASE_MS }), []);
      const hook = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 1 + hookLeaseMs });
      assert.equal(hook.kind, "hook");
    });

    it("keeps a hand-back: a renewal still in flight from the holder cannot extend the claim again", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter, { workerId: "worker-a" });
      await store.adapter.taskReleaseLeases({ leases: [{ id: task.id, leaseToken: held.leaseToken }], now: T0 + 10 });
      const late = await store.adapter.taskRenewLeases({
        workerId: "worker-a",
        leases: [{ id: task.id, leaseToken: held.leaseToken }],
        now: T0 + 11,
        leaseMs: LEASE_MS,
      });
      assert.equal(late.states.get(task.id), "lost");
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + 10);
      const taken = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 12 });
      assert.equal(taken.task.id, task.id);
      assert.equal(taken.task.attempt, 2, "a takeover of the same iteration");
      assert.equal(taken.task.iterations, 1);
    });

    it("settles a terminal task for good once its hooks are confirmed done", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success", hookLeaseMs: 5_000 }] });
      await store.adapter.taskHooksDone({ items: [{ id: task.id, leaseToken: held.leaseToken }] });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), null);
      assert.deepEqual(await claim(store.adapter, { now: T0 + 1_000_000 }), []);
      assert.equal((await store.adapter.taskGet({ id: task.id }))?.taskStatus, "success");
    });

    it("ignores hooks-done for a claim that owes no hook, so a running task is never stranded", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      await store.adapter.taskHooksDone({ items: [{ id: task.id, leaseToken: held.leaseToken }] });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), held.leaseExpiresAt);
      const [finished] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success" }] });
      assert.equal(finished.applied, true, "the claim is still held");
    });

    it("ignores hooks-done with a stale token: the hook is still owed", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "failed", hookLeaseMs: 5_000 }] });
      await store.adapter.taskHooksDone({ items: [{ id: task.id, leaseToken: held.leaseToken - 1 }] });
      const hook = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 5_001 });
      assert.equal(hook.kind, "hook");
    });
  });
}

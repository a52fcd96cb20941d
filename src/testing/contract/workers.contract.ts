import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import type { WorkerBeat } from "../../storage/port/index.js";
import { WORKER_FORGET_AFTER_MS } from "../../storage/port/index.js";
import { claim, claimOne, createTask, LEASE_MS, T0, useStore } from "./fixtures.js";

function beat(overrides: Partial<WorkerBeat> = {}): WorkerBeat {
  return {
    workerId: "worker-a",
    host: "host-1",
    pid: 4242,
    version: "1.2.3",
    startedAt: T0 - 1000,
    concurrency: 4,
    leaseMs: LEASE_MS,
    heartbeatMs: LEASE_MS / 3,
    tasks: [],
    ...overrides,
  };
}

export function workersContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("worker registry: taskRenewLeases beat / workerList / workerUnregister", () => {
    const store = useStore(suite);

    it("registers an idle worker by its beat alone (no lease to renew)", async () => {
      const result = await store.adapter.taskRenewLeases({ workerId: "worker-a", leases: [], now: T0, leaseMs: LEASE_MS, beat: beat() });
      assert.equal(result.states.size, 0);
      assert.deepEqual(await store.adapter.workerList({ now: T0 }), [
        {
          workerId: "worker-a",
          host: "host-1",
          pid: 4242,
          version: "1.2.3",
          startedAt: T0 - 1000,
          concurrency: 4,
          leaseMs: LEASE_MS,
          heartbeatMs: LEASE_MS / 3,
          lastBeatAt: T0,
          tasks: [],
        },
      ]);
    });

    it("refreshes the row with the renewal of held leases: last beat and the tasks held", async () => {
      const task = await createTask(store.adapter);
      await store.adapter.taskRenewLeases({ workerId: "worker-a", leases: [], now: T0, leaseMs: LEASE_MS, beat: beat() });
      const held = await claimOne(store.adapter);
      const result = await store.adapter.taskRenewLeases({
        workerId: "worker-a",
        leases: [{ id: task.id, leaseToken: held.leaseToken }],
        now: T0 + 10_000,
        leaseMs: LEASE_MS,
        beat: beat({ tasks: [task.id] }),
      });
      assert.equal(result.states.get(task.id), "held", "the beat does not change what the renewal reports");
      const [worker] = await store.adapter.workerList({ now: T0 + 10_000 });
      assert.equal(worker.lastBeatAt, T0 + 10_000);
      assert.deepEqual(worker.tasks, [task.id]);
      // The lease was renewed in the same call.
      assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS + 1 }), []);
    });

    it("never moves a last beat back (a late beat arriving after a newer one)", async () => {
      await store.adapter.taskRenewLeases({ workerId: "worker-a", leases: [], now: T0 + 5000, leaseMs: LEASE_MS, beat: beat() });
      await store.adapter.taskRenewLeases({ workerId: "worker-a", leases: [], now: T0, leaseMs: LEASE_MS, beat: beat() });
      const [worker] = await store.adapter.workerList({ now: T0 + 5000 });
      assert.equal(worker.lastBeatAt, T0 + 5000);
    });

    it("lists workers oldest start first, each with its own values", async () => {
      await store.adapter.taskRenewLeases({ workerId: "w-new", leases: [], now: T0, leaseMs: LEASE_MS, beat: beat({ workerId: "w-new", startedAt: T0, pid: 2 }) });
      await store.adapter.taskRenewLeases({ workerId: "w-old", leases: [], now: T0, leaseMs: LEASE_MS, beat: beat({ workerId: "w-old", startedAt: T0 - 60_000, pid: 1 }) });
      const listed = await store.adapter.workerList({ now: T0 });
      assert.deepEqual(listed.map((w) => [w.workerId, w.pid]), [["w-old", 1], ["w-new", 2]]);
    });

    it("leaves out, and deletes at the next beat, a worker silent longer than an hour (or ten leases)", async () => {
      await store.adapter.taskRenewLeases({ workerId: "dead", leases: [], now: T0, leaseMs: LEASE_MS, beat: beat({ workerId: "dead" }) });
      const longLease = 10 * 60_000; // ten of these are longer than an hour
      await store.adapter.taskRenewLeases({ workerId: "slow", leases: [], now: T0, leaseMs: longLease, beat: beat({ workerId: "slow", leaseMs: longLease }) });
      const justBefore = T0 + WORKER_FORGET_AFTER_MS;
      assert.deepEqual((await store.adapter.workerList({ now: justBefore })).map((w) => w.workerId).sort(), ["dead", "slow"]);
      const after = justBefore + 1;
      assert.deepEqual((await store.adapter.workerList({ now: after })).map((w) => w.workerId), ["slow"]);
      // Another worker's beat deletes the forgotten row: a list at an earlier time no longer sees it.
      await store.adapter.taskRenewLeases({ workerId: "live", leases: [], now: after, leaseMs: LEASE_MS, beat: beat({ workerId: "live" }) });
      assert.deepEqual((await store.adapter.workerList({ now: T0 })).map((w) => w.workerId).sort(), ["live", "slow"]);
      assert.deepEqual((await store.adapter.workerList({ now: T0 + 10 * longLease + 1 })).map((w) => w.workerId), ["live"]);
    });

    it("unregisters a worker (clean stop); false when it had no row", async () => {
      await store.adapter.taskRenewLeases({ workerId: "worker-a", leases: [], now: T0, leaseMs: LEASE_MS, beat: beat() });
      assert.equal(await store.adapter.workerUnregister({ workerId: "worker-a" }), true);
      assert.deepEqual(await store.adapter.workerList({ now: T0 }), []);
      assert.equal(await store.adapter.workerUnregister({ workerId: "worker-a" }), false);
    });

    it("registers nothing for a renewal without a beat", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      await store.adapter.taskRenewLeases({ workerId: "worker-a", leases: [{ id: task.id, leaseToken: held.leaseToken }], now: T0 + 1, leaseMs: LEASE_MS });
      assert.deepEqual(await store.adapter.workerList({ now: T0 + 1 }), []);
    });
  });
}

import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import { claim, claimOne, createTask, DEF, ids, LEASE_MS, sorted, T0, useStore } from "./fixtures.js";

export function claimContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskClaim", () => {
    const store = useStore(suite);

    it("claims due tasks oldest due first, at most limit of them", async () => {
      const late = await createTask(store.adapter, { runAt: T0 + 30 });
      const early = await createTask(store.adapter, { runAt: T0 + 10 });
      const middle = await createTask(store.adapter, { runAt: T0 + 20 });
      const claimed = await claim(store.adapter, { now: T0 + 100, limit: 2 });
      assert.deepEqual(ids(claimed.map((c) => c.task)), [early.id, middle.id]);
      assert.deepEqual(ids((await claim(store.adapter, { now: T0 + 100 })).map((c) => c.task)), [late.id]);
    });

    it("orders tasks due at the same moment by id", async () => {
      const made = [];
      for (let i = 0; i < 4; i += 1) made.push(await createTask(store.adapter, { runAt: T0 }));
      const claimed = await claim(store.adapter);
      assert.deepEqual(ids(claimed.map((c) => c.task)), sorted(ids(made)));
    });

    it("leaves tasks that are not yet due untouched", async () => {
      const future = await createTask(store.adapter, { runAt: T0 + 60_000 });
      assert.deepEqual(await claim(store.adapter, { now: T0 + 59_999 }), []);
      const stored = await store.adapter.taskGet({ id: future.id });
      assert.equal(stored?.taskStatus, "pending");
      assert.equal(stored?.iterations, 0);
      assert.equal(stored?.executionName, "");
    });

    it("only claims tasks of the definitions it is given", async () => {
      const mine = await createTask(store.adapter, { definitionId: DEF });
      const other = await createTask(store.adapter, { definitionId: "otherTask" });
      assert.deepEqual(ids((await claim(store.adapter, { definitionIds: [DEF] })).map((c) => c.task)), [mine.id]);
      assert.deepEqual(await claim(store.adapter, { definitionIds: ["unknownTask"] }), []);
      assert.deepEqual(ids((await claim(store.adapter, { definitionIds: ["x", "otherTask"] })).map((c) => c.task)), [other.id]);
    });

    it("starts a fresh claim as iteration 1, attempt 1, running on the claiming worker", async () => {
      const task = await createTask(store.adapter);
      const claimed = await claimOne(store.adapter, { workerId: "worker-z", now: T0 + 50 });
      assert.equal(claimed.kind, "iteration");
      assert.equal(claimed.leaseExpiresAt, T0 + 50 + LEASE_MS);
      assert.equal(typeof claimed.leaseToken, "number");
      const expected = {
        ...task,
        taskStatus: "running" as const,
        iterations: 1,
        attempt: 1,
        executionName: "worker-z",
        startedOn: new Date(T0 + 50),
        savedOn: new Date(T0 + 50),
      };
      assert.deepEqual(claimed.task, expected);
      assert.deepEqual(await store.adapter.taskGet({ id: task.id }), expected);
    });

    it("does not hand a held task to anyone else before its lease expires", async () => {
      await createTask(store.adapter);
      await claimOne(store.adapter, { workerId: "worker-a" });
      assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS - 1 }), []);
    });

    it("takes over an expired lease as a new attempt of the same iteration with a new token", async () => {
      await createTask(store.adapter);
      const first = await claimOne(store.adapter, { workerId: "worker-a" });
      const second = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS });
      assert.equal(second.kind, "iteration");
      assert.equal(second.task.iterations, 1);
      assert.equal(second.task.attempt, 2);
      assert.equal(second.task.executionName, "worker-b");
      assert.deepEqual(second.task.startedOn, new Date(T0));
      assert.notEqual(second.leaseToken, first.leaseToken);
      const third = await claimOne(store.adapter, { workerId: "worker-c", now: T0 + 2 * LEASE_MS });
      assert.equal(third.task.attempt, 3);
      assert.equal(third.task.iterations, 1);
    });

    it("hands each due task to exactly one of two concurrent claimers", async () => {
      const made = await store.adapter.taskCreateMany({ tasks: Array.from({ length: 30 }, (_, i) => ({ ...taskParamsAt(i) })) });
      const [a, b] = await Promise.all([
        claim(store.adapter, { workerId: "worker-a", limit: 20 }),
        claim(store.adapter, { workerId: "worker-b", limit: 20 }),
      ]);
      assert.ok(a.length <= 20 && b.length <= 20);
      const all = [...ids(a.map((c) => c.task)), ...ids(b.map((c) => c.task))];
      assert.equal(new Set(all).size, all.length, "a task was handed to both claimers");
      assert.deepEqual(sorted(all), sorted(ids(made)));
      for (const c of a) assert.equal(c.task.executionName, "worker-a");
      for (const c of b) assert.equal(c.task.executionName, "worker-b");
    });

    it("hands each task to exactly one of many concurrent claimers over many rounds", async () => {
      await store.adapter.taskCreateMany({ tasks: Array.from({ length: 60 }, (_, i) => taskParamsAt(i)) });
      const seen = new Map<string, string>();
      for (let round = 0; round < 4; round += 1) {
        const results = await Promise.all(
          ["w1", "w2", "w3", "w4", "w5"].map((workerId) => claim(store.adapter, { workerId, limit: 4 })),
        );
        for (const [i, claimed] of results.entries()) {
          assert.ok(claimed.length <= 4);
          for (const c of claimed) {
            assert.equal(seen.has(c.task.id), false, `task ${c.task.id} claimed twice`);
            seen.set(c.task.id, `w${i + 1}`);
          }
        }
      }
      assert.equal(seen.size, 60);
    });

    it("claims nothing when there is nothing due", async () => {
      assert.deepEqual(await claim(store.adapter), []);
    });
  });
}

function taskParamsAt(i: number) {
  return {
    id: `task-${String(i).padStart(3, "0")}`,
    name: `task ${i}`,
    definitionId: DEF,
    parentId: null,
    input: {},
    maxIterations: 50,
    runAt: T0 - i,
    createdOn: T0 - 1_000,
    createdBy: { id: "u", displayName: "U", type: null },
    eventResponse: null,
  };
}

import assert from "node:assert/strict";
import type { ClaimedTask, ConcurrencyLimit } from "../../storage/port/index.js";
import type { ContractSuite } from "./suite.js";
import { claim, createTask, DEF, ids, T0, useStore } from "./fixtures.js";

const LIMIT_2: ConcurrencyLimit[] = [{ definitionId: DEF, limit: 2 }];

export function concurrencyContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("concurrency limits at claim", () => {
    const store = useStore(suite);

    async function running(definitionId = DEF): Promise<number> {
      const list = await store.adapter.taskList({
        filters: [
          { field: "taskStatus", op: "eq", value: "running" },
          { field: "definitionId", op: "eq", value: definitionId },
        ],
        sort: [{ field: "id", direction: "asc" }],
        limit: 1,
      });
      return list.totalCount;
    }

    const finish = (held: ClaimedTask, now = T0 + 1) =>
      store.adapter.taskFinishMany({ finishes: [{ id: held.task.id, leaseToken: held.leaseToken, now, status: "success" }] });

    it("claims at most `limit` tasks of a limited definition; the others stay pending", async () => {
      const made = [];
      for (let i = 0; i < 5; i += 1) made.push(await createTask(store.adapter, { runAt: T0 - 10 + i }));
      const claimed = await claim(store.adapter, { limits: LIMIT_2 });
      assert.deepEqual(ids(claimed.map((c) => c.task)), ids(made.slice(0, 2)));
      assert.deepEqual(await claim(store.adapter, { limits: LIMIT_2, workerId: "worker-b" }), []);
      assert.equal(await running(), 2);
      assert.equal((await store.adapter.taskGet({ id: made[2].id }))?.taskStatus, "pending");
    });

    it("counts each concurrency key apart", async () => {
      for (const key of ["a", "a", "a", "b", "b", "c"]) await createTask(store.adapter, { concurrencyKey: key });
      const limits = [{ definitionId: DEF, limit: 1 }];
      const claimed = await claim(store.adapter, { limits });
      assert.deepEqual(claimed.map((c) => c.task.concurrencyKey).sort(), ["a", "b", "c"]);
      assert.deepEqual(await claim(store.adapter, { limits }), []);
    });

    it("frees the place when a task finishes or is aborted", async () => {
      for (let i = 0; i < 4; i += 1) await createTask(store.adapter, { runAt: T0 - 10 + i });
      const [first, second] = await claim(store.adapter, { limits: LIMIT_2 });
      await finish(first);
      const [third, ...none] = await claim(store.adapter, { limits: LIMIT_2, now: T0 + 2 });
      assert.ok(third);
      assert.deepEqual(none, []);
      await store.adapter.taskAbort({ id: second.task.id, now: T0 + 3, message: "Stop.", workerId: "api" });
      const fourth = await claim(store.adapter, { limits: LIMIT_2, now: T0 + 4 });
      assert.equal(fourth.length, 1);
      assert.equal(await running(), 2);
    });

    it("keeps the place of a task waiting between iterations, and claims its next iteration", async () => {
      for (let i = 0; i < 3; i += 1) await createTask(store.adapter, { runAt: T0 - 10 + i });
      const [looping, other] = await claim(store.adapter, { limits: LIMIT_2 });
      await store.adapter.taskFinishMany({ finishes: [
        { id: looping.task.id, leaseToken: looping.leaseToken, now: T0 + 1, status: "running", runAt: T0 + 1_000 },
      ] });
      // Still running (waiting): the pending third task finds no place.
      assert.deepEqual(await claim(store.adapter, { limits: LIMIT_2, now: T0 + 500 }), []);
      // Its next iteration is due: claimed although both places are taken (it holds one).
      const next = await claim(store.adapter, { limits: LIMIT_2, now: T0 + 1_000 });
      assert.deepEqual(ids(next.map((c) => c.task)), [looping.task.id]);
      assert.equal(next[0].task.iterations, 2);
      await finish(other, T0 + 1_001);
      assert.equal((await claim(store.adapter, { limits: LIMIT_2, now: T0 + 1_002 })).length, 1);
    });

    it("takes over an expired lease of a limited task without counting it twice", async () => {
      for (let i = 0; i < 3; i += 1) await createTask(store.adapter, { runAt: T0 - 10 + i });
      const held = await claim(store.adapter, { limits: LIMIT_2, leaseMs: 100 });
      assert.equal(held.length, 2);
      const taken = await claim(store.adapter, { limits: LIMIT_2, now: T0 + 200, workerId: "worker-b" });
      assert.deepEqual(ids(taken.map((c) => c.task)).sort(), ids(held.map((c) => c.task)).sort());
      assert.ok(taken.every((c) => c.task.attempt === 2));
      assert.equal(await running(), 2);
    });

    it("claims unlimited definitions in the same claim as before, in claim order", async () => {
      for (let i = 0; i < 3; i += 1) await createTask(store.adapter, { runAt: T0 - 10 + i });
      for (let i = 0; i < 3; i += 1) await createTask(store.adapter, { runAt: T0 - 10 + i, definitionId: "free" });
      const claimed = await claim(store.adapter, { definitionIds: [DEF, "free"], limits: [{ definitionId: DEF, limit: 1 }] });
      assert.equal(claimed.filter((c) => c.task.definitionId === DEF).length, 1);
      assert.equal(claimed.filter((c) => c.task.definitionId === "free").length, 3);
    });

    it("applies priorities inside a limited definition", async () => {
      await createTask(store.adapter, { runAt: T0 - 10, priority: 0 });
      const urgent = await createTask(store.adapter, { runAt: T0 - 5, priority: 4 });
      const [claimed] = await claim(store.adapter, { limits: [{ definitionId: DEF, limit: 1 }] });
      assert.equal(claimed.task.id, urgent.id);
    });

    it("never exceeds the limit when many claimers race, over several connections, and all tasks finish", async () => {
      const adapters = [store.adapter, ...(await store.connections(4))];
      const limits = [{ definitionId: DEF, limit: 3 }];
      for (let i = 0; i < 24; i += 1) await createTask(store.adapter, { runAt: T0 - 100 + i, concurrencyKey: i % 2 === 0 ? "x" : "y" });
      // Every running task is one of these claims, so this is the store's running count per key.
      const held = new Map<string, ClaimedTask>();
      let finished = 0;
      for (let round = 1; finished < 24; round += 1) {
        assert.ok(round <= 30, "every task is claimed within a bounded number of rounds");
        const now = T0 + round * 10;
        const claims = (
          await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              adapters[i % adapters.length].taskClaim({ workerId: `w${i}`, limit: 2, now, leaseMs: 60_000, definitionIds: [DEF], limits }),
            ),
          )
        ).flat();
        for (const c of claims) {
          assert.ok(!held.has(c.task.id), "no task is claimed twice");
          held.set(c.task.id, c);
        }
        for (const key of ["x", "y"]) {
          const n = [...held.values()].filter((c) => c.task.concurrencyKey === key).length;
          assert.ok(n <= 3, `key ${key}: ${n} running at once, limit 3`);
        }
        assert.equal(await running(), held.size);
        // Finish some only, so places free up unevenly between rounds.
        const done = [...held.values()].filter((_, i) => i % 2 === 0 || round > 3);
        await store.adapter.taskFinishMany({ finishes: done.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken, now: now + 1, status: "success" as const })) });
        for (const c of done) held.delete(c.task.id);
        finished += done.length;
      }
      assert.equal(await running(), 0);
    });
  });
}

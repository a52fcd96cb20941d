/**
 * Finish batches of unusual shapes: one task twice in a batch, several appends to one
 * record, a task that is gone. Adapters write a batch in few statements (one on
 * PostgreSQL; on SQLite the log appends in two and the rows read back after the updates);
 * the result must equal doing each finish in turn.
 */
import assert from "node:assert/strict";
import type { LogItem } from "../../domain/log.js";
import type { ContractSuite } from "./suite.js";
import { claim, claimOne, createTask, LEASE_MS, LOGS_OLDEST_FIRST, T0, useStore } from "./fixtures.js";

const item = (message: string, at: number): LogItem => ({ message, type: "info", createdOn: new Date(at), attempt: 1 });
const log = (taskId: string, iteration: number, ...messages: string[]) => ({
  taskId,
  iteration,
  executionName: "worker-a",
  now: T0 + 10,
  items: messages.map((m) => item(m, T0 + 10)),
});

export function batchesContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskFinishMany batch shapes", () => {
    const store = useStore(suite);

    async function records(taskId: string): Promise<{ iteration: number; messages: string[] }[]> {
      const logs = await store.adapter.logList({ filters: [{ field: "task", op: "eq", value: taskId }], sort: LOGS_OLDEST_FIRST, limit: 100 });
      return logs.items.map((l) => ({ iteration: l.iteration, messages: l.items.map((i) => i.message) }));
    }

    it("finishes one task twice in a batch as two finishes in turn, each result as its own finish left it", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const results = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "running", input: { step: 2 }, keepClaim: { leaseMs: LEASE_MS } },
        // The first finish moved the fence: the old token no longer applies...
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 2, status: "failed" },
        // ...the new one does.
        { id: task.id, leaseToken: held.leaseToken + 1, now: T0 + 3, status: "success", output: { ok: true } },
      ] });
      assert.deepEqual(
        results.map((r) => [r.applied, r.task?.taskStatus, r.task?.iterations, r.task?.savedOn.getTime(), r.leaseToken]),
        [
          [true, "running", 2, T0 + 1, held.leaseToken + 1],
          [false, "running", 2, T0 + 1, undefined],
          [true, "success", 2, T0 + 3, undefined],
        ],
      );
      assert.deepEqual(results[2].task?.output, { ok: true });
    });

    it("appends several finishes' items to one record in batch order, after the items it had", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      await store.adapter.logAppend(log(task.id, 1, "before"));
      await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken + 5, now: T0 + 10, status: "success", log: log(task.id, 1, "fenced 1", "fenced 2") },
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 10, status: "success", log: log(task.id, 1, "done") },
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 10, status: "success", log: log(task.id, 2, "next record") },
      ] });
      assert.deepEqual(await records(task.id), [
        { iteration: 1, messages: ["before", "fenced 1", "fenced 2", "done"] },
        { iteration: 2, messages: ["next record"] },
      ]);
    });

    it("numbers the items of new records from 1, per record, in the order given", async () => {
      const a = await createTask(store.adapter, { runAt: T0 });
      const b = await createTask(store.adapter, { runAt: T0 + 1 });
      const [heldA, heldB] = await claim(store.adapter, { now: T0 + 1 });
      await store.adapter.taskFinishMany({ finishes: [
        { id: a.id, leaseToken: heldA.leaseToken, now: T0 + 10, status: "success", log: log(a.id, 1, "a1", "a2", "a3") },
        { id: b.id, leaseToken: heldB.leaseToken, now: T0 + 10, status: "success", log: log(b.id, 1, "b1", "b2") },
      ] });
      assert.deepEqual(await records(a.id), [{ iteration: 1, messages: ["a1", "a2", "a3"] }]);
      assert.deepEqual(await records(b.id), [{ iteration: 1, messages: ["b1", "b2"] }]);
      // A later append continues after them.
      await store.adapter.logAppend(log(a.id, 1, "a4"));
      assert.deepEqual(await records(a.id), [{ iteration: 1, messages: ["a1", "a2", "a3", "a4"] }]);
    });

    it("drops the log of a task that is gone and finishes the rest of the batch", async () => {
      const a = await createTask(store.adapter, { runAt: T0 });
      const b = await createTask(store.adapter, { runAt: T0 + 1 });
      const [heldA, heldB] = await claim(store.adapter, { now: T0 + 1 });
      await store.adapter.taskDelete({ id: a.id });
      const results = await store.adapter.taskFinishMany({ finishes: [
        { id: a.id, leaseToken: heldA.leaseToken, now: T0 + 10, status: "success", log: log(a.id, 1, "lost") },
        { id: b.id, leaseToken: heldB.leaseToken, now: T0 + 10, status: "success", log: log(b.id, 1, "kept") },
      ] });
      assert.deepEqual(results.map((r) => [r.id, r.applied, r.task?.taskStatus ?? null]), [
        [a.id, false, null],
        [b.id, true, "success"],
      ]);
      assert.deepEqual(await records(a.id), []);
      assert.deepEqual(await records(b.id), [{ iteration: 1, messages: ["kept"] }]);
    });

    it("stores log item fields through the batch encoding as given", async () => {
      const task = await createTask(store.adapter);
      const odd = "quote \" backslash \\ tab \t line\u2028 emoji 😀 {\"json\": 1}";
      await store.adapter.logAppend({
        taskId: task.id,
        iteration: 1,
        executionName: "worker-a",
        now: T0 + 10,
        items: [
          { message: odd, type: "error", createdOn: new Date(T0 + 7), data: { nested: [1, "two", null] }, error: { message: odd }, attempt: 3 },
          { message: "nulls", type: "info", createdOn: new Date(T0 + 8), data: null },
        ],
      });
      const [record] = (await store.adapter.logList({ filters: [{ field: "task", op: "eq", value: task.id }], sort: LOGS_OLDEST_FIRST, limit: 1 })).items;
      assert.deepEqual(record.items, [
        { message: odd, type: "error", createdOn: new Date(T0 + 7), data: { nested: [1, "two", null] }, error: { message: odd }, attempt: 3 },
        { message: "nulls", type: "info", createdOn: new Date(T0 + 8), data: null },
      ]);
    });
  });
}

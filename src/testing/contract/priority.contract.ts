import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import { claim, createTask, DEF, ids, T0, taskParams, useStore } from "./fixtures.js";

export function priorityContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("priorities", () => {
    const store = useStore(suite);

    it("claims higher priority first among due tasks, then the earliest due", async () => {
      const lowEarly = await createTask(store.adapter, { runAt: T0 - 50, priority: 0 });
      const highLate = await createTask(store.adapter, { runAt: T0 - 10, priority: 5 });
      const highEarly = await createTask(store.adapter, { runAt: T0 - 20, priority: 5 });
      const negative = await createTask(store.adapter, { runAt: T0 - 90, priority: -3 });
      const mid = await createTask(store.adapter, { runAt: T0 - 5, priority: 1 });
      const claimed = await claim(store.adapter, { limit: 3 });
      assert.deepEqual(ids(claimed.map((c) => c.task)), [highEarly.id, highLate.id, mid.id]);
      assert.equal(claimed[0].task.priority, 5);
      const rest = await claim(store.adapter);
      assert.deepEqual(ids(rest.map((c) => c.task)), [lowEarly.id, negative.id]);
    });

    it("does not let a higher-priority task that is not due yet hold back due ones", async () => {
      await createTask(store.adapter, { runAt: T0 + 60_000, priority: 9 });
      const due = await createTask(store.adapter, { runAt: T0, priority: 0 });
      assert.deepEqual(ids((await claim(store.adapter)).map((c) => c.task)), [due.id]);
    });

    it("says when the next task is due across priority levels", async () => {
      await createTask(store.adapter, { runAt: T0 + 3_000, priority: 7 });
      await createTask(store.adapter, { runAt: T0 + 1_000, priority: -1 });
      await createTask(store.adapter, { runAt: T0 + 2_000, priority: 0 });
      await createTask(store.adapter, { runAt: T0 + 500, priority: 3, definitionId: "otherTask" });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [DEF] }), T0 + 1_000);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [DEF, "otherTask"] }), T0 + 500);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: ["none"] }), null);
    });

    it("orders a batch created in one call by priority when claimed", async () => {
      const made = await store.adapter.taskCreateMany({ tasks: [
        taskParams({ priority: 1 }),
        taskParams({ priority: 10 }),
        taskParams({ priority: 5 }),
      ] });
      assert.deepEqual(made.map((t) => t.priority), [1, 10, 5]);
      const claimed = await claim(store.adapter);
      assert.deepEqual(claimed.map((c) => c.task.priority), [10, 5, 1]);
    });
  });
}

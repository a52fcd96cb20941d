import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import { claim, createTask, LOGS_OLDEST_FIRST, T0, taskParams, useStore } from "./fixtures.js";

export function deleteContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskDelete", () => {
    const store = useStore(suite);

    it("deletes the task with its log records and items", async () => {
      const task = await createTask(store.adapter);
      const other = await createTask(store.adapter);
      for (const id of [task.id, other.id]) {
        await store.adapter.logAppend({ taskId: id, iteration: 1, executionName: "w", now: T0, items: [{ message: "m", type: "info", createdOn: new Date(T0) }] });
      }
      assert.equal(await store.adapter.taskDelete({ id: task.id }), true);
      assert.equal(await store.adapter.taskGet({ id: task.id }), null);
      const logs = await store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 10 });
      assert.deepEqual(logs.items.map((l) => l.taskId), [other.id]);
      assert.equal(logs.totalCount, 1);
      assert.equal((await store.adapter.logList({ filters: [], search: "m", sort: LOGS_OLDEST_FIRST, limit: 10 })).totalCount, 1);
    });

    it("answers false for a task that does not exist", async () => {
      assert.equal(await store.adapter.taskDelete({ id: "missing" }), false);
      const task = await createTask(store.adapter);
      assert.equal(await store.adapter.taskDelete({ id: task.id }), true);
      assert.equal(await store.adapter.taskDelete({ id: task.id }), false);
    });

    it("leaves child tasks in place when their parent is deleted", async () => {
      const parent = await createTask(store.adapter);
      const child = await createTask(store.adapter, { parentId: parent.id });
      await store.adapter.taskDelete({ id: parent.id });
      assert.equal((await store.adapter.taskGet({ id: child.id }))?.parentId, parent.id);
    });

    it("leaves no log behind when appends and finishes race the delete", async () => {
      // On PostgreSQL the log tables have no foreign keys: the adapter's own locks must
      // keep a record from being written for a task deleted at the same moment.
      const tasks = await store.adapter.taskCreateMany({ tasks: Array.from({ length: 30 }, (_, i) => taskParams({ createdOn: T0 + i })) });
      const claims = await claim(store.adapter, { limit: 30, now: T0 + 100 });
      assert.equal(claims.length, 30);
      const items = (message: string) => [{ message, type: "info" as const, createdOn: new Date(T0 + 1) }];
      await Promise.all(
        claims.flatMap((c) => [
          store.adapter.logAppend({ taskId: c.task.id, iteration: 1, executionName: "worker-a", now: T0 + 1, items: items("step") }),
          store.adapter.taskFinishMany({ finishes: [
            { id: c.task.id, leaseToken: c.leaseToken, now: T0 + 2, status: "success", log: { taskId: c.task.id, iteration: 1, executionName: "worker-a", now: T0 + 2, items: items("Task done.") } },
          ] }),
          store.adapter.taskDelete({ id: c.task.id }),
        ]),
      );
      for (const task of tasks) assert.equal(await store.adapter.taskGet({ id: task.id }), null);
      const logs = await store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 100 });
      assert.deepEqual(logs.items, []);
      assert.equal((await store.adapter.logList({ filters: [], search: "Task done.", sort: LOGS_OLDEST_FIRST, limit: 10 })).totalCount, 0);
    });

    it("makes a deleted task unclaimable", async () => {
      const task = await createTask(store.adapter);
      await store.adapter.taskDelete({ id: task.id });
      assert.deepEqual(await claim(store.adapter), []);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), null);
    });
  });
}

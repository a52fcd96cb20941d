import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoreKind } from "../../helpers/stores.js";
import { claim, createTask, LOGS_OLDEST_FIRST, T0, useStore } from "./fixtures.js";

export function deleteContract(kind: StoreKind): void {
  describe("taskDelete", () => {
    const store = useStore(kind);

    it("deletes the task with its log records and items", async () => {
      const task = await createTask(store.adapter);
      const other = await createTask(store.adapter);
      for (const id of [task.id, other.id]) {
        await store.adapter.logAppend({ taskId: id, iteration: 1, executionName: "w", now: T0, items: [{ message: "m", type: "info", createdOn: new Date(T0) }] });
      }
      assert.equal(await store.adapter.taskDelete(task.id), true);
      assert.equal(await store.adapter.taskGet(task.id), null);
      const logs = await store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 10 });
      assert.deepEqual(logs.items.map((l) => l.taskId), [other.id]);
      assert.equal(logs.totalCount, 1);
      assert.equal((await store.adapter.logList({ filters: [], search: "m", sort: LOGS_OLDEST_FIRST, limit: 10 })).totalCount, 1);
    });

    it("answers false for a task that does not exist", async () => {
      assert.equal(await store.adapter.taskDelete("missing"), false);
      const task = await createTask(store.adapter);
      assert.equal(await store.adapter.taskDelete(task.id), true);
      assert.equal(await store.adapter.taskDelete(task.id), false);
    });

    it("leaves child tasks in place when their parent is deleted", async () => {
      const parent = await createTask(store.adapter);
      const child = await createTask(store.adapter, { parentId: parent.id });
      await store.adapter.taskDelete(parent.id);
      assert.equal((await store.adapter.taskGet(child.id))?.parentId, parent.id);
    });

    it("makes a deleted task unclaimable", async () => {
      const task = await createTask(store.adapter);
      await store.adapter.taskDelete(task.id);
      assert.deepEqual(await claim(store.adapter), []);
      assert.equal(await store.adapter.taskNextDueAt([task.definitionId]), null);
    });
  });
}

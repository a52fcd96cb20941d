import assert from "node:assert/strict";
import { createTaskDefinition } from "../../definition/create-task-definition.js";
import { DefinitionRegistry } from "../../definition/registry.js";
import { systemClock } from "../../domain/clock.js";
import { isStintError } from "../../domain/errors.js";
import { DefaultTaskService } from "../../service/task-service.js";
import type { StorageAdapter } from "../../storage/port/index.js";
import type { ContractSuite } from "./suite.js";
import { claim, claimOne, createTask, DEF, ids, LOGS_OLDEST_FIRST, sorted, T0, taskParams, useStore } from "./fixtures.js";

/** A service over the store under test, with DEF registered (its onAbort counted per task id). */
function serviceOn(adapter: StorageAdapter) {
  const hookRuns: string[] = [];
  const definition = createTaskDefinition({
    id: DEF,
    title: "Send email",
    run: async ({ response }) => response.done(),
    onAbort: async ({ task }) => {
      hookRuns.push(task.id);
    },
  });
  const definitions = new DefinitionRegistry().registerAll([definition as never]);
  return { service: new DefaultTaskService({ storage: adapter, definitions, clock: systemClock }), hookRuns };
}

async function messagesOf(adapter: StorageAdapter, taskId: string): Promise<string[]> {
  const logs = await adapter.logList({ filters: [{ field: "task", op: "eq", value: taskId }], sort: LOGS_OLDEST_FIRST, limit: 10 });
  return logs.items.flatMap((log) => log.items.map((item) => item.message));
}

export function bulkContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskAbortMany, taskDeleteMany, taskSubtree", () => {
    const store = useStore(suite);

    /** parent (running) → child (pending), done (success) → grandchild (pending under a finished child) */
    async function tree() {
      const parent = await createTask(store.adapter, { createdOn: T0 });
      const held = await claimOne(store.adapter, { now: T0 + 1 });
      const child = await createTask(store.adapter, { parentId: parent.id, createdOn: T0 + 2, runAt: T0 + 1_000_000 });
      const done = await createTask(store.adapter, { parentId: parent.id, createdOn: T0 + 3 });
      const doneClaim = await claimOne(store.adapter, { now: T0 + 4 });
      await store.adapter.taskFinishMany({ finishes: [{ id: done.id, leaseToken: doneClaim.leaseToken, now: T0 + 5, status: "success" }] });
      const grandchild = await createTask(store.adapter, { parentId: done.id, createdOn: T0 + 6, runAt: T0 + 1_000_000 });
      const other = await createTask(store.adapter, { createdOn: T0 + 7, runAt: T0 + 1_000_000 });
      return { parent, held, child, done, grandchild, other };
    }

    it("aborts a task's whole unfinished subtree in one call, fencing the running one", async () => {
      const t = await tree();
      const result = await store.adapter.taskAbortMany({ ids: [t.parent.id], subtree: true, now: T0 + 10, message: "Stop all.", workerId: "api" });
      assert.deepEqual(sorted(result.aborted.map((a) => a.task.id)), sorted([t.parent.id, t.child.id, t.grandchild.id]));
      for (const a of result.aborted) assert.equal(a.task.taskStatus, "aborted");
      assert.equal((await store.adapter.taskGet({ id: t.done.id }))?.taskStatus, "success");
      assert.equal((await store.adapter.taskGet({ id: t.other.id }))?.taskStatus, "pending");
      // The running iteration's later writes change nothing.
      const [late] = await store.adapter.taskFinishMany({ finishes: [{ id: t.parent.id, leaseToken: t.held.leaseToken, now: T0 + 11, status: "success" }] });
      assert.equal(late.applied, false);
      assert.equal((await store.adapter.taskGet({ id: t.parent.id }))?.taskStatus, "aborted");
      assert.equal(await store.adapter.taskUpdate({ id: t.parent.id, leaseToken: t.held.leaseToken, now: T0 + 12, output: { x: 1 } }), false);
      for (const id of [t.parent.id, t.child.id, t.grandchild.id]) assert.deepEqual(await messagesOf(store.adapter, id), ["Stop all."]);
      // Abort wins exactly once: a second call aborts nothing.
      assert.deepEqual((await store.adapter.taskAbortMany({ ids: [t.parent.id], subtree: true, now: T0 + 13, message: "Again.", workerId: "api" })).aborted, []);
    });

    it("aborts only the listed tasks without subtree", async () => {
      const t = await tree();
      const result = await store.adapter.taskAbortMany({ ids: [t.parent.id, t.other.id, "missing"], now: T0 + 10, message: "Stop.", workerId: "api" });
      assert.deepEqual(sorted(ids(result.aborted.map((a) => a.task))), sorted([t.parent.id, t.other.id]));
      assert.equal((await store.adapter.taskGet({ id: t.child.id }))?.taskStatus, "pending");
      assert.equal((await store.adapter.taskGet({ id: t.grandchild.id }))?.taskStatus, "pending");
    });

    it("keeps a claim for the hooks this caller runs, releases the ones with none, and leaves unknown ones due at once", async () => {
      const mine = await createTask(store.adapter, { definitionId: "withHook", createdOn: T0 });
      const noHook = await createTask(store.adapter, { definitionId: "noHook", createdOn: T0 + 1 });
      const foreign = await createTask(store.adapter, { definitionId: "foreign", createdOn: T0 + 2 });
      const now = T0 + 10;
      const { aborted } = await store.adapter.taskAbortMany({
        ids: [mine.id, noHook.id, foreign.id],
        now,
        message: "Stop.",
        workerId: "api",
        hooks: { leaseMs: 60_000, runHere: ["withHook"], none: ["noHook"] },
      });
      assert.equal(aborted.length, 3);
      // Nothing of "withHook" is claimable before its hook lease lapses; "foreign" is due for a worker now.
      assert.deepEqual(await claim(store.adapter, { now: now + 1, definitionIds: ["withHook", "noHook"] }), []);
      const foreignClaims = await claim(store.adapter, { now: now + 1, definitionIds: ["foreign"] });
      assert.deepEqual(ids(foreignClaims.map((c) => c.task)), [foreign.id]);
      const lapsed = await claim(store.adapter, { now: now + 60_001, definitionIds: ["withHook", "noHook"] });
      assert.deepEqual(ids(lapsed.map((c) => c.task)), [mine.id]);
      // Confirming the hook releases the claim for good.
      const token = aborted.find((a) => a.task.id === mine.id)!.leaseToken;
      await store.adapter.taskHooksDone({ items: [{ id: mine.id, leaseToken: token }] });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: ["noHook"] }), null);
    });

    it("deletes a subtree with its logs, or only the listed tasks", async () => {
      const t = await tree();
      for (const id of [t.child.id, t.grandchild.id, t.other.id]) {
        await store.adapter.logAppend({ taskId: id, iteration: 1, executionName: "w", now: T0, items: [{ message: "m", type: "info", createdOn: new Date(T0) }] });
      }
      assert.deepEqual(sorted(await store.adapter.taskDeleteMany({ ids: [t.done.id] })), [t.done.id]);
      assert.equal((await store.adapter.taskGet({ id: t.grandchild.id }))?.parentId, t.done.id);
      const deleted = await store.adapter.taskDeleteMany({ ids: [t.parent.id, t.grandchild.id], subtree: true });
      assert.deepEqual(sorted(deleted), sorted([t.parent.id, t.child.id, t.grandchild.id]));
      const left = await store.adapter.taskList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 10 });
      assert.deepEqual(ids(left.items), [t.other.id]);
      const logs = await store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 10 });
      assert.deepEqual(logs.items.map((l) => l.taskId), [t.other.id]);
    });

    it("reads a subtree's ids, definitions and statuses", async () => {
      const t = await tree();
      const rows = await store.adapter.taskSubtree({ ids: [t.parent.id], subtree: true });
      assert.deepEqual(
        rows.map((r) => `${r.id}:${r.taskStatus}:${r.definitionId}`).sort(),
        [`${t.parent.id}:running:${DEF}`, `${t.child.id}:pending:${DEF}`, `${t.done.id}:success:${DEF}`, `${t.grandchild.id}:pending:${DEF}`].sort(),
      );
      assert.deepEqual(ids(await store.adapter.taskSubtree({ ids: [t.parent.id, "missing"] })), [t.parent.id]);
    });
  });

  describe("deleting and aborting through the service", () => {
    const store = useStore(suite);

    it("deletes a running task after aborting it: onAbort once, and its late finish, update and logs change nothing", async () => {
      const { service, hookRuns } = serviceOn(store.adapter);
      const task = await createTask(store.adapter, { createdOn: T0 });
      const held = await claimOne(store.adapter, { now: T0 + 1 });
      assert.equal(await service.deleteTask(task.id), true);
      assert.deepEqual(hookRuns, [task.id]);
      const [late] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 3, status: "success", log: { taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + 3, items: [{ message: "Task done.", type: "info", createdOn: new Date(T0 + 3) }] } },
      ] });
      assert.equal(late.applied, false);
      assert.equal(await store.adapter.taskUpdate({ id: task.id, leaseToken: held.leaseToken, now: T0 + 4, output: { x: 1 } }), false);
      await store.adapter.logAppend({ taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + 5, items: [{ message: "late", type: "info", createdOn: new Date(T0 + 5) }] });
      await store.adapter.logAppend({ taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + 5, leaseToken: held.leaseToken, items: [{ message: "late", type: "info", createdOn: new Date(T0 + 5) }] });
      assert.equal(await store.adapter.taskGet({ id: task.id }), null);
      assert.equal((await store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 10 })).totalCount, 0);
      assert.deepEqual(await claim(store.adapter, { now: T0 + 10_000_000 }), []);
    });

    it("keeps children unless asked, and deletes the whole subtree with children: true", async () => {
      const { service, hookRuns } = serviceOn(store.adapter);
      const parent = await createTask(store.adapter, { createdOn: T0 });
      const child = await createTask(store.adapter, { parentId: parent.id, createdOn: T0 + 1 });
      const grandchild = await createTask(store.adapter, { parentId: child.id, createdOn: T0 + 2 });
      const kept = await createTask(store.adapter, { parentId: grandchild.id, createdOn: T0 + 3 });
      await service.deleteTask(kept.id);
      assert.equal(await store.adapter.taskGet({ id: kept.id }), null);
      await service.deleteTask(child.id);
      assert.equal((await store.adapter.taskGet({ id: grandchild.id }))?.taskStatus, "pending");
      await service.deleteTask(parent.id, { children: true });
      assert.equal((await store.adapter.taskList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 10 })).totalCount, 1);
      assert.deepEqual(sorted(hookRuns), sorted([kept.id, child.id, parent.id]));
      const rest = await store.adapter.taskSubtree({ ids: [grandchild.id] });
      assert.equal(rest.length, 1);
    });

    it("refuses to delete an unfinished task whose definition it does not know, changing nothing", async () => {
      const { service } = serviceOn(store.adapter);
      const parent = await createTask(store.adapter, { createdOn: T0 });
      const foreign = await createTask(store.adapter, { parentId: parent.id, definitionId: "foreign", createdOn: T0 + 1 });
      await assert.rejects(service.deleteTask(parent.id, { children: true }), (e) => isStintError(e, "TASK_DELETE_ERROR") && (e.data as { id: string }).id === foreign.id);
      assert.equal((await store.adapter.taskGet({ id: parent.id }))?.taskStatus, "pending");
      assert.equal((await store.adapter.taskGet({ id: foreign.id }))?.taskStatus, "pending");
      await assert.rejects(service.deleteMany({ where: { definitionId: "foreign" } }), (e) => isStintError(e, "TASK_DELETE_ERROR"));
      assert.equal((await store.adapter.taskGet({ id: foreign.id }))?.taskStatus, "pending");
      // Once aborted (a worker that knows it runs onAbort), it can go.
      await store.adapter.taskAbort({ id: foreign.id, now: T0 + 2, message: "Stop.", workerId: "api" });
      assert.equal(await service.deleteTask(foreign.id), true);
    });

    it("aborts a parent's subtree, each onAbort once, or the parent alone with children: false", async () => {
      const { service, hookRuns } = serviceOn(store.adapter);
      const parent = await createTask(store.adapter, { createdOn: T0 });
      const child = await createTask(store.adapter, { parentId: parent.id, createdOn: T0 + 1 });
      const grandchild = await createTask(store.adapter, { parentId: child.id, createdOn: T0 + 2 });
      const lone = await createTask(store.adapter, { createdOn: T0 + 3 });
      const loneChild = await createTask(store.adapter, { parentId: lone.id, createdOn: T0 + 4 });
      await service.abort({ id: lone.id, children: false });
      assert.equal((await store.adapter.taskGet({ id: loneChild.id }))?.taskStatus, "pending");
      await service.abort({ id: parent.id });
      for (const id of [parent.id, child.id, grandchild.id]) assert.equal((await store.adapter.taskGet({ id }))?.taskStatus, "aborted");
      assert.deepEqual(sorted(hookRuns), sorted([lone.id, parent.id, child.id, grandchild.id]));
      assert.equal((await store.adapter.taskSubtree({ ids: [parent.id], subtree: true })).length, 3);
    });

    it(`aborts and deletes ${suite.largeCount.toLocaleString("en")} tasks in batches, with limits and dry runs`, async () => {
      const { service, hookRuns } = serviceOn(store.adapter);
      const total = suite.largeCount;
      const chunk = Math.min(10_000, total);
      // A limit that ends inside a batch of 500, and a bigger one spanning many batches.
      const some = Math.floor(total / 81);
      const most = Math.floor(total * 0.6);
      for (let start = 0; start < total; start += chunk) {
        const tasks = Array.from({ length: Math.min(chunk, total - start) }, (_, i) => taskParams({ createdOn: T0 + start + i, runAt: T0 + 1_000_000_000, input: {} }));
        await store.adapter.taskCreateMany({ tasks });
      }
      const pending = async () => (await store.adapter.taskList({ filters: [{ field: "taskStatus", op: "eq", value: "pending" }], sort: [{ field: "id", direction: "asc" }], limit: 1 })).totalCount;
      const where = { definitionId: DEF };

      assert.deepEqual(await service.abortMany({ where, dryRun: true }), { count: total, dryRun: true });
      assert.deepEqual(await service.abortMany({ where, limit: some, dryRun: true }), { count: some, dryRun: true });
      assert.equal(await pending(), total);

      assert.deepEqual(await service.abortMany({ where, limit: some, message: "Stop some." }), { count: some, dryRun: false });
      assert.equal(await pending(), total - some);
      assert.deepEqual(await service.abortMany({ where }), { count: total - some, dryRun: false });
      assert.equal(await pending(), 0);
      assert.equal(hookRuns.length, total);
      assert.equal(new Set(hookRuns).size, total);

      assert.deepEqual(await service.deleteMany({ where: { taskStatus: "aborted" }, dryRun: true }), { count: total, dryRun: true });
      assert.deepEqual(await service.deleteMany({ where, limit: most }), { count: most, dryRun: false });
      assert.deepEqual(await service.deleteMany({ where: { taskStatus: "aborted" }, dryRun: true }), { count: total - most, dryRun: true });
      assert.deepEqual(await service.deleteMany({ where }), { count: total - most, dryRun: false });
      assert.equal((await store.adapter.taskList({ filters: [{ field: "definitionId", op: "eq", value: DEF }], sort: [{ field: "id", direction: "asc" }], limit: 1 })).totalCount, 0);
      assert.equal((await store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 1 })).totalCount, 0);
    });

    it("refuses a bulk call without a filter, or with a bad limit or dry run, changing nothing", async () => {
      const { service } = serviceOn(store.adapter);
      const task = await createTask(store.adapter);
      for (const params of [{}, { where: {} }, { where: null }, { where: { definitionId: DEF }, limit: 0 }, { where: { definitionId: DEF }, limit: 1.5 }, { where: { definitionId: DEF }, dryRun: "yes" }, { where: { nope: 1 } }]) {
        await assert.rejects(service.abortMany(params as never), (e) => isStintError(e, "INVALID_ARGUMENT"));
        await assert.rejects(service.deleteMany(params as never), (e) => isStintError(e, "INVALID_ARGUMENT"));
      }
      await assert.rejects(service.abortMany({ where: { definitionId: DEF }, children: "no" as never }), (e) => isStintError(e, "INVALID_ARGUMENT"));
      await assert.rejects(service.deleteTask(task.id, { children: 1 as never }), (e) => isStintError(e, "INVALID_ARGUMENT"));
      await assert.rejects(service.abort({ id: task.id, children: "x" as never }), (e) => isStintError(e, "INVALID_ARGUMENT"));
      assert.equal((await store.adapter.taskGet({ id: task.id }))?.taskStatus, "pending");
    });
  });
}

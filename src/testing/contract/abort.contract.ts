import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import { claim, claimOne, createTask, LEASE_MS, LOGS_OLDEST_FIRST, T0, useStore } from "./fixtures.js";

export function abortContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskAbort", () => {
    const store = useStore(suite);

    async function logsOf(taskId: string) {
      return (await store.adapter.logList({ filters: [{ field: "task", op: "eq", value: taskId }], sort: LOGS_OLDEST_FIRST, limit: 100 })).items;
    }

    it("aborts a pending task so it never runs, logging the message in a new record: iteration 1's (Webiny)", async () => {
      const task = await createTask(store.adapter, { runAt: T0 + 1_000 });
      const result = await store.adapter.taskAbort({ id: task.id, now: T0 + 10, message: "Not needed.", workerId: "api" });
      assert.equal(result.outcome, "aborted");
      if (result.outcome !== "aborted") return;
      assert.equal(result.task.taskStatus, "aborted");
      assert.deepEqual(result.task.finishedOn, new Date(T0 + 10));
      assert.deepEqual(result.task.savedOn, new Date(T0 + 10));
      assert.equal(result.leaseToken, 1);
      assert.deepEqual(await store.adapter.taskGet({ id: task.id }), result.task);
      assert.deepEqual(await claim(store.adapter, { now: T0 + 10 * LEASE_MS }), []);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), null);
      const logs = await logsOf(task.id);
      assert.equal(logs.length, 1);
      assert.equal(logs[0].iteration, 1);
      assert.deepEqual(logs[0].items.map((i) => [i.type, i.message, i.createdOn.getTime()]), [["info", "Not needed.", T0 + 10]]);
    });

    it("aborts a running task and wins over its holder's later finish", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const result = await store.adapter.taskAbort({ id: task.id, now: T0 + 10, message: "Stop.", workerId: "api" });
      assert.equal(result.outcome, "aborted");
      if (result.outcome !== "aborted") return;
      assert.ok(result.leaseToken > held.leaseToken, "abort must move the fence past the holder's token");
      const [finish] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 20, status: "success", output: { done: true } },
      ] });
      assert.equal(finish.applied, false);
      assert.equal(finish.task?.taskStatus, "aborted");
      assert.equal(finish.task?.output, null);
      assert.equal(await store.adapter.taskUpdate({ id: task.id, leaseToken: held.leaseToken, now: T0 + 21, input: { x: 1 } }), false);
      assert.deepEqual(await claim(store.adapter, { now: T0 + 10 * LEASE_MS }), []);
    });

    it("appends the abort message after the items of the task's latest log record", async () => {
      const task = await createTask(store.adapter);
      const first = await claimOne(store.adapter);
      await store.adapter.taskFinishMany({ finishes: [
        {
          id: task.id,
          leaseToken: first.leaseToken,
          now: T0 + 1,
          status: "running",
          runAt: T0 + 1,
          log: { taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + 1, items: [{ message: "one", type: "info", createdOn: new Date(T0 + 1) }] },
        },
      ] });
      await claimOne(store.adapter, { now: T0 + 1 });
      await store.adapter.logAppend({ taskId: task.id, iteration: 2, executionName: "worker-a", now: T0 + 2, items: [{ message: "two", type: "info", createdOn: new Date(T0 + 2) }] });
      await store.adapter.taskAbort({ id: task.id, now: T0 + 3, message: "Task aborted.", workerId: "api" });
      const logs = await logsOf(task.id);
      assert.deepEqual(logs.map((l) => [l.iteration, l.items.map((i) => i.message)]), [
        [1, ["one"]],
        [2, ["two", "Task aborted."]],
      ]);
    });

    it("puts the abort message in the running iteration's record even before it logged anything, and the fenced-out finish after it stores no item after it", async () => {
      const task = await createTask(store.adapter);
      const info = (message: string, at: number) => ({ message, type: "info" as const, createdOn: new Date(at) });
      const first = await claimOne(store.adapter);
      await store.adapter.taskFinishMany({ finishes: [
        {
          id: task.id,
          leaseToken: first.leaseToken,
          now: T0 + 1,
          status: "running",
          runAt: T0 + 1,
          log: { taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + 1, items: [info("Task continuing.", T0 + 1)] },
          outcomeLogItems: 1,
        },
      ] });
      // Iteration 2 runs and has logged nothing yet when the abort comes.
      const second = await claimOne(store.adapter, { now: T0 + 1 });
      assert.equal(second.task.iterations, 2);
      await store.adapter.taskAbort({ id: task.id, now: T0 + 3, message: "Stop it.", workerId: "api" });
      // Its run() then ends with a checkpoint it logged and a continue: fenced out.
      const [late] = await store.adapter.taskFinishMany({ finishes: [
        {
          id: task.id,
          leaseToken: second.leaseToken,
          now: T0 + 4,
          status: "running",
          runAt: T0 + 4,
          log: { taskId: task.id, iteration: 2, executionName: "worker-a", now: T0 + 4, items: [info("Checkpoint at 42", T0 + 2), info("Task continuing.", T0 + 4)] },
          outcomeLogItems: 1,
          claimed: second.task,
        },
      ] });
      assert.equal(late.applied, false);
      assert.equal(late.task?.taskStatus, "aborted");
      const logs = await logsOf(task.id);
      assert.deepEqual(logs.map((l) => [l.iteration, l.items.map((i) => i.message)]), [
        [1, ["Task continuing."]],
        [2, ["Stop it."]],
      ]);
    });

    it("fences log appends with the lease token: stored while the iteration holds the task, dropped after an abort", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const item = (message: string, at: number) => ({ message, type: "info" as const, createdOn: new Date(at) });
      const append = (message: string, at: number, leaseToken?: number) =>
        store.adapter.logAppend({ taskId: task.id, iteration: 1, executionName: "worker-a", now: at, items: [item(message, at)], ...(leaseToken === undefined ? {} : { leaseToken }) });
      await append("flushed before", T0 + 1, held.leaseToken);
      await append("stale token", T0 + 2, held.leaseToken - 1);
      await store.adapter.taskAbort({ id: task.id, now: T0 + 3, message: "Stop.", workerId: "api" });
      await append("flushed after", T0 + 4, held.leaseToken);
      assert.equal(await store.adapter.taskUpdate({ id: task.id, leaseToken: held.leaseToken, now: T0 + 5, progress: { done: 9 } }), false);
      // An unfenced append (a hook's failure, written by whoever ran it) still goes in.
      await append("hook note", T0 + 6);
      const logs = await logsOf(task.id);
      assert.deepEqual(logs.map((l) => [l.iteration, l.items.map((i) => i.message)]), [[1, ["flushed before", "Stop.", "hook note"]]]);
      assert.equal((await store.adapter.taskGet({ id: task.id }))?.progress, null, "no progress lands after the abort");
    });

    it("drops a fenced append after a takeover too, and makes no record for it", async () => {
      const task = await createTask(store.adapter);
      const first = await claimOne(store.adapter);
      await claimOne(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS + 1 });
      await store.adapter.logAppend({
        taskId: task.id,
        iteration: 1,
        executionName: "worker-a",
        now: T0 + LEASE_MS + 2,
        items: [{ message: "late", type: "info", createdOn: new Date(T0 + LEASE_MS + 2) }],
        leaseToken: first.leaseToken,
      });
      assert.deepEqual(await logsOf(task.id), []);
    });

    it("keeps an aborted task claimed for hookLeaseMs, then offers its hook to a worker", async () => {
      const task = await createTask(store.adapter);
      await claimOne(store.adapter);
      const result = await store.adapter.taskAbort({ id: task.id, now: T0 + 10, message: "Stop.", workerId: "api", hookLeaseMs: 2_000 });
      assert.equal(result.outcome, "aborted");
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + 2_010);
      assert.deepEqual(await claim(store.adapter, { now: T0 + 2_009 }), []);
      const hook = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 2_010 });
      assert.equal(hook.kind, "hook");
      assert.equal(hook.task.taskStatus, "aborted");
    });

    it("lets the aborting process confirm the abort hook with the token it got", async () => {
      const task = await createTask(store.adapter);
      const result = await store.adapter.taskAbort({ id: task.id, now: T0, message: "Stop.", workerId: "api", hookLeaseMs: 2_000 });
      assert.equal(result.outcome, "aborted");
      if (result.outcome !== "aborted") return;
      await store.adapter.taskHooksDone({ items: [{ id: task.id, leaseToken: result.leaseToken }] });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), null);
    });

    it("refuses to abort a finished task and changes nothing", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const [done] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success" }] });
      const result = await store.adapter.taskAbort({ id: task.id, now: T0 + 2, message: "Too late.", workerId: "api" });
      assert.equal(result.outcome, "not-abortable");
      if (result.outcome !== "not-abortable") return;
      assert.deepEqual(result.task, done.task);
      assert.deepEqual(await store.adapter.taskGet({ id: task.id }), done.task);
      assert.deepEqual(await logsOf(task.id), []);
    });

    it("aborts a task exactly once", async () => {
      const task = await createTask(store.adapter);
      const outcomes = await Promise.all([
        store.adapter.taskAbort({ id: task.id, now: T0 + 1, message: "a", workerId: "api-1" }),
        store.adapter.taskAbort({ id: task.id, now: T0 + 1, message: "b", workerId: "api-2" }),
      ]);
      assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ["aborted", "not-abortable"]);
      const logs = await logsOf(task.id);
      assert.equal(logs.flatMap((l) => l.items).length, 1);
    });

    it("reports an unknown task as not found", async () => {
      assert.deepEqual(await store.adapter.taskAbort({ id: "missing", now: T0, message: "x", workerId: "api" }), { outcome: "not-found" });
    });
  });
}

/**
 * A hook that throws (or runs out of time) never changes the stored outcome; it is
 * reported as an event and written into the task's log, whoever ran it: a worker
 * (onDone, onError, onMaxIterations, onAbort of a running task) or `tasks.abort()`.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { withOverrides } from "../helpers/adapter-overrides.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { createStint } from "../../src/stint.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { ErrorCode, Errors } from "../../src/domain/errors.js";
import type { Task } from "../../src/domain/task.js";

type LoggedItem = { message: string; type: string; error?: unknown };

for (const kind of await storeKinds()) {
  describe(`hook errors (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));

    const itemsOf = async (f: StintFixture, id: string): Promise<LoggedItem[]> => {
      const logs = await f.stint.tasks.listLogs({ where: { task: id }, sort: ["createdOn_ASC"] });
      // A stack is kept in the log item: its first line stands for it here.
      const brief = (error: any) => (typeof error?.stack === "string" ? { ...error, stack: error.stack.split("\n")[0] } : error);
      return logs.items.flatMap((log) => log.items.map(({ message, type, error }) => ({ message, type, ...(error ? { error: brief(error) } : {}) })));
    };

    it("logs an onAbort that throws during tasks.abort(), emits hook:error, and the abort stands", async () => {
      const failing = createTaskDefinition({
        id: "failingAbortHook",
        title: "Failing abort hook",
        run: ({ response }) => response.done(),
        onAbort: () => {
          throw Object.assign(new Error("cleanup failed"), { code: "CLEANUP" });
        },
      });
      const f = await stintFixture(kind, [failing]);
      fixtures.push(f);
      const seen: { task: Task; hook: string; error: unknown }[] = [];
      f.stint.events.on("hook:error", (event) => seen.push(event));
      const { id } = await f.stint.tasks.trigger({ definition: failing, delay: 10 });

      const aborted = await f.stint.tasks.abort({ id, message: "Not needed" });

      assert.equal(aborted.taskStatus, "aborted");
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "aborted");
      assert.deepEqual(
        seen.map(({ task, hook, error }) => ({ id: task.id, hook, message: (error as Error).message })),
        [{ id, hook: "onAbort", message: "cleanup failed" }],
      );
      assert.deepEqual(await itemsOf(f, id), [
        { message: "Not needed", type: "info" },
        { message: "onAbort hook failed: cleanup failed", type: "error", error: { message: "cleanup failed", code: "CLEANUP", stack: "Error: cleanup failed" } },
      ]);
    });

    it("logs a worker's onDone and onError hooks that throw; the stored outcomes stay", async () => {
      const done = createTaskDefinition({
        id: "doneHookThrows",
        title: "Done hook throws",
        run: ({ response }) => response.done({ ok: true }),
        onDone: () => {
          throw new Error("notify failed");
        },
      });
      const failed = createTaskDefinition({
        id: "errorHookThrows",
        title: "Error hook throws",
        run: ({ response }) => response.error("bad input"),
        onError: () => Promise.reject("plain string rejection"),
      });
      const f = await stintFixture(kind, [done, failed]);
      fixtures.push(f);
      const events: string[] = [];
      f.worker.events.on("hook:error", ({ task, hook }) => events.push(`${task.definitionId}:${hook}`));
      const a = await f.stint.tasks.trigger({ definition: done });
      const b = await f.stint.tasks.trigger({ definition: failed });

      await f.worker.drain();

      assert.deepEqual(events.sort(), ["doneHookThrows:onDone", "errorHookThrows:onError"]);
      const taskA = (await f.stint.tasks.getTask(a.id))!;
      assert.equal(taskA.taskStatus, "success");
      assert.deepEqual(taskA.output, { ok: true });
      assert.equal((await f.stint.tasks.getTask(b.id))!.taskStatus, "failed");
      assert.deepEqual(await itemsOf(f, a.id), [
        { message: "Task done.", type: "info" },
        { message: "onDone hook failed: notify failed", type: "error", error: { message: "notify failed", stack: "Error: notify failed" } },
      ]);
      const itemsB = await itemsOf(f, b.id);
      assert.deepEqual(itemsB.at(-1), {
        message: "onError hook failed: plain string rejection",
        type: "error",
        error: { message: "plain string rejection" },
      });
      assert.equal(itemsB.length, 2, "the outcome's error item, then the hook's");
    });

    it("logs a hook that outlives its budget as timed out", async () => {
      const hung = createTaskDefinition({
        id: "hungDoneHook",
        title: "Hung done hook",
        timeout: 1,
        run: ({ response }) => response.done(),
        onDone: () => new Promise<void>(() => undefined),
      });
      const f = await stintFixture(kind, [hung]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: hung });
      const drained = f.worker.drain();
      // The hook's budget runs on the manual clock: advance it until the worker lets go.
      const timer = setInterval(() => f.clock.advance(500), 5);
      try {
        await drained;
      } finally {
        clearInterval(timer);
      }
      const items = await itemsOf(f, id);
      assert.equal(items.length, 2);
      assert.equal(items[1].type, "error");
      assert.equal(items[1].message, `onDone hook failed: ${Errors.hookTimeout("onDone", 1).message}`);
      assert.equal((items[1].error as { code?: string }).code, ErrorCode.Timeout);
    });

    it("writes no log for a failed hook when the definition keeps no database logs, and still reports it", async () => {
      const quiet = createTaskDefinition({
        id: "quietHooks",
        title: "Quiet hooks",
        databaseLogs: false,
        run: ({ response }) => response.done(),
        onDone: () => {
          throw new Error("done hook");
        },
        onAbort: () => {
          throw new Error("abort hook");
        },
      });
      const f = await stintFixture(kind, [quiet]);
      fixtures.push(f);
      const reported: string[] = [];
      f.worker.events.on("hook:error", ({ hook }) => reported.push(hook));
      f.stint.events.on("hook:error", ({ hook }) => reported.push(hook));
      const ran = await f.stint.tasks.trigger({ definition: quiet });
      await f.worker.drain();
      const pending = await f.stint.tasks.trigger({ definition: quiet, delay: 10 });
      await f.stint.tasks.abort({ id: pending.id });

      assert.deepEqual(reported, ["onDone", "onAbort"]);
      assert.deepEqual(await itemsOf(f, ran.id), []);
      // The abort's own item is the abort's record (kept whatever databaseLogs says); no hook item.
      assert.deepEqual(await itemsOf(f, pending.id), [{ message: "Task aborted.", type: "info" }]);
    });

    it("logs an onMaxIterations failure in the record of the attempt that hit the maximum", async () => {
      const looping = createTaskDefinition({
        id: "loopingMaxHook",
        title: "Looping, max hook throws",
        maxIterations: 2,
        run: ({ response }) => response.continue({}),
        onMaxIterations: () => {
          throw new Error("max hook");
        },
      });
      const f = await stintFixture(kind, [looping]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: looping });
      await f.worker.drain();
      const logs = await f.stint.tasks.listLogs({ where: { task: id }, sort: ["createdOn_ASC"] });
      const last = logs.items.at(-1)!;
      assert.deepEqual(
        last.items.map((i) => i.message),
        ["Task reached max iterations.", "onMaxIterations hook failed: max hook"],
      );
    });

    it("lets abort() succeed and confirm its hook when a hook:error listener throws", async () => {
      let hookRuns = 0;
      const failing = createTaskDefinition({
        id: "failingAbortListener",
        title: "Failing abort hook, throwing listener",
        run: ({ response }) => response.done(),
        onAbort: () => {
          hookRuns++;
          throw new Error("cleanup failed");
        },
      });
      const f = await stintFixture(kind, [failing]);
      fixtures.push(f);
      f.stint.events.on("hook:error", () => {
        throw new Error("listener bug");
      });
      const { id } = await f.stint.tasks.trigger({ definition: failing, delay: 10 });
      const aborted = await f.stint.tasks.abort({ id });
      assert.equal(aborted.taskStatus, "aborted");
      f.clock.advance(600_000);
      await f.worker.drain();
      assert.equal(hookRuns, 1, "the hook was confirmed: no worker runs it again");
      assert.deepEqual(
        (await itemsOf(f, id)).map((i) => i.message),
        ["Task aborted.", "onAbort hook failed: cleanup failed"],
      );
    });

    it("still answers tasks.abort() with the aborted task when the hook's log cannot be written", async () => {
      const store = await kind.create();
      const clock = new ManualClock();
      const failing = createTaskDefinition({
        id: "failingAbortHookNoLog",
        title: "Failing abort hook, no log",
        run: ({ response }) => response.done(),
        onAbort: () => {
          throw new Error("cleanup failed");
        },
      });
      let appendsRefused = 0;
      const storage = withOverrides(store.adapter, {
        logAppend: () => async () => {
          appendsRefused++;
          throw new Error("log table unavailable");
        },
      });
      const stint = await createStint({ storage, definitions: [failing], clock, useEnv: false });
      try {
        const { id } = await stint.tasks.trigger({ definition: failing, delay: 10 });
        const aborted = await stint.tasks.abort({ id });
        assert.equal(aborted.taskStatus, "aborted");
        assert.equal(appendsRefused, 1, "tried once (not a transient store error)");
        assert.equal((await stint.tasks.getTask(id))!.taskStatus, "aborted");
      } finally {
        await stint.close();
        await store.cleanup();
      }
    });
  });
}

import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { deferred, stintFixture, waitFor, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import { isStintError } from "../../src/domain/errors.js";
import { createStint } from "../../src/stint.js";
import { openStorage } from "../../src/config/database.js";
import { withOverrides } from "../helpers/adapter-overrides.js";
import { ManualClock } from "../../src/testing/manual-clock.js";

for (const kind of await storeKinds()) {
  describe(`abort (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));

    it("aborts a pending task, which then never runs, and calls onAbort once", async () => {
      let runs = 0;
      const aborts: string[] = [];
      const idle = createTaskDefinition({
        id: "idle",
        title: "Idle",
        run: ({ response }) => (runs++, response.done()),
        onAbort: ({ task }) => void aborts.push(task.taskStatus),
      });
      const f = await stintFixture(kind, [idle]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: idle, delay: 10 });
      const aborted = await f.stint.tasks.abort({ id, message: "No longer needed" });
      assert.equal(aborted.taskStatus, "aborted");
      f.clock.advance(20_000);
      await f.worker.drain();
      assert.equal(runs, 0);
      assert.deepEqual(aborts, ["aborted"]);
      const logs = await f.stint.tasks.listLogs({ where: { task: id } });
      assert.deepEqual(logs.items.flatMap((l) => l.items.map((i) => i.message)), ["No longer needed"]);
    });

    it("lets a running iteration see the abort, and a later continue or done cannot undo it", async () => {
      const started = deferred();
      const release = deferred();
      const seen: { isAborted: boolean; signal: boolean }[] = [];
      let onAbort = 0;
      class Long implements TaskDefinition.Interface {
        id = "long";
        title = "Long";
        async run({ controller }: TaskDefinition.RunParams) {
          started.resolve();
          await release.promise;
          seen.push({ isAborted: controller.runtime.isAborted(), signal: controller.runtime.signal.aborted });
          return controller.response.continue({ more: true });
        }
        onAbort() {
          onAbort++;
        }
      }
      const long = TaskDefinition.createImplementation({ implementation: Long });
      const f = await stintFixture(kind, [long]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: long });
      const drained = f.worker.drain();
      await started.promise;
      await f.stint.tasks.abort({ id });
      release.resolve();
      await drained;
      assert.deepEqual(seen, [{ isAborted: true, signal: true }]);
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "aborted");
      assert.deepEqual(task.input, {}, "the late continue's checkpoint was not stored");
      assert.equal(onAbort, 1);
      f.clock.advance(120_000);
      await f.worker.drain();
      assert.equal(onAbort, 1, "no worker runs onAbort again");
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "aborted");
    });

    it("ends an aborted task's log with the abort, in the running iteration's record: nothing the iteration logged after it is stored", async () => {
      const started = deferred();
      const release = deferred();
      class Chunks implements TaskDefinition.Interface {
        id = "chunks";
        title = "Chunks";
        async run({ controller, input }: TaskDefinition.RunParams) {
          if (input.chunk === undefined) return controller.response.continue({ chunk: 2 });
          started.resolve();
          await release.promise;
          controller.logger.info({ message: "Checkpoint at chunk 2" });
          return controller.response.continue({ chunk: 3 });
        }
      }
      const chunks = TaskDefinition.createImplementation({ implementation: Chunks });
      const f = await stintFixture(kind, [chunks]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: chunks });
      const drained = f.worker.drain();
      await started.promise; // iteration 2 runs and has logged nothing yet
      await f.stint.tasks.abort({ id, message: "Stop it." });
      release.resolve();
      await drained;
      const logs = await f.stint.tasks.listLogs({ where: { task: id }, sort: ["createdOn_ASC"] });
      assert.deepEqual(
        logs.items.map((l) => [l.iteration, l.items.map((i) => i.message)]),
        [
          [1, ["Task continuing."]],
          [2, ["Stop it."]],
        ],
      );
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "aborted");
    });

    // No renewal could deliver it: the lease and heartbeat are an hour. On SQLite the
    // worker sees it through its data_version watch, on PostgreSQL through NOTIFY.
    it("reaches a running iteration from another connection (another process) without waiting for a lease renewal; nothing it logs or sets after the abort lands", { timeout: 30_000 }, async () => {
      const started = deferred();
      const sawAbort = deferred<boolean>();
      const flushedAfter = deferred();
      class Busy implements TaskDefinition.Interface {
        id = "busy";
        title = "Busy";
        run({ controller }: TaskDefinition.RunParams) {
          controller.logger.info({ message: "before the abort" });
          started.resolve();
          return new Promise<TaskDefinition.Result>((resolve) => {
            controller.runtime.signal.addEventListener("abort", () => {
              sawAbort.resolve(controller.runtime.isAborted());
              // A run() that does not stop at once: it goes on logging and reporting
              // progress, long enough for its buffers to flush, then returns.
              controller.logger.info({ message: "after the abort" });
              controller.progress.set({ done: 99, total: 100 });
              setTimeout(() => {
                controller.logger.info({ message: "at the end" });
                flushedAfter.resolve();
                resolve(controller.response.done({ late: true }));
              }, 200);
            });
          });
        }
      }
      const busy = TaskDefinition.createImplementation({ implementation: Busy });
      const hour = 3_600_000;
      const f = await stintFixture(kind, [busy], { worker: { leaseMs: hour, heartbeatMs: hour, logFlushIntervalMs: 20, progressIntervalMs: 0 } });
      fixtures.push(f);
      const other = await createStint({ storage: await openStorage(f.store.url), definitions: [busy], clock: f.clock, useEnv: false });
      // The worker's timers do not hold the process open (a CLI worker is held by its
      // signal handlers): this test's waits need something that does.
      const keepAlive = setInterval(() => undefined, 1_000);
      try {
        f.worker.start();
        const { id } = await f.stint.tasks.trigger({ definition: busy });
        await started.promise;
        // The first item is flushed (the buffer writes every 20 ms) before the abort comes.
        await waitFor(() => f.stint.tasks.listLogs({ where: { task: id } }), (logs) => logs.items.some((l) => l.items.length > 0));
        await other.tasks.abort({ id, message: "Aborted elsewhere." });
        assert.equal(await sawAbort.promise, true);
        await flushedAfter.promise;
        await waitFor(() => f.worker.activeCount, (n) => n === 0);
        const task = (await f.stint.tasks.getTask(id))!;
        assert.equal(task.taskStatus, "aborted");
        assert.equal(task.output, undefined);
        assert.equal(task.progress, undefined, "progress set after the abort is not stored");
        const logs = await f.stint.tasks.listLogs({ where: { task: id } });
        assert.deepEqual(logs.items.map((l) => [l.iteration, l.items.map((i) => i.message)]), [[1, ["before the abort", "Aborted elsewhere."]]]);
      } finally {
        clearInterval(keepAlive);
        await other.close();
      }
    });

    it("reaches an iteration on a started worker loop through the in-process signal", async () => {
      const started = deferred();
      const sawAbort = deferred<boolean>();
      class SignalWatcher implements TaskDefinition.Interface {
        id = "signalWatcher";
        title = "Signal watcher";
        run({ controller }: TaskDefinition.RunParams) {
          started.resolve();
          return new Promise<TaskDefinition.Result>((resolve) => {
            controller.runtime.signal.addEventListener("abort", () => {
              sawAbort.resolve(controller.runtime.isAborted());
              resolve(controller.response.done({ late: true }));
            });
          });
        }
      }
      const watcher = TaskDefinition.createImplementation({ implementation: SignalWatcher });
      const f = await stintFixture(kind, [watcher]);
      fixtures.push(f);
      f.worker.start();
      const { id } = await f.stint.tasks.trigger({ definition: watcher });
      await started.promise;
      await f.stint.tasks.abort({ id });
      assert.equal(await sawAbort.promise, true);
      await waitFor(() => f.worker.activeCount, (n) => n === 0);
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "aborted");
      assert.equal(task.output, undefined, "the done() after the abort stored nothing");
    });

    it("drops a claimed task from the worker's queue when it is aborted, so its run() never starts", async () => {
      const firstStarted = deferred();
      const releaseFirst = deferred();
      const started: number[] = [];
      const numbered = createTaskDefinition<{ n: number }>({
        id: "numbered",
        title: "Numbered",
        run: async ({ input, response }) => {
          started.push(input.n);
          if (input.n === 1) {
            firstStarted.resolve();
            await releaseFirst.promise;
          }
          return response.done();
        },
      });
      const f = await stintFixture(kind, [numbered], { worker: { concurrency: 1, prefetch: 5, handoff: false } });
      fixtures.push(f);
      const first = await f.stint.tasks.trigger({ definition: numbered, input: { n: 1 } });
      const second = await f.stint.tasks.trigger({ definition: numbered, input: { n: 2 } });
      f.worker.start();
      await firstStarted.promise;
      await waitFor(() => f.worker.queuedCount, (n) => n === 1); // the second is claimed, waiting for the slot
      await f.stint.tasks.abort({ id: second.id });
      await waitFor(() => f.worker.queuedCount, (n) => n === 0);
      releaseFirst.resolve();
      await waitFor(async () => (await f.stint.tasks.getTask(first.id))!.taskStatus, (s) => s === "success");
      await waitFor(() => f.worker.activeCount, (n) => n === 0);
      assert.deepEqual(started, [1], "the aborted task's run() never started");
      assert.equal((await f.stint.tasks.getTask(second.id))!.taskStatus, "aborted");
    });

    it("does not run the next in-place iteration of a task aborted while its checkpoint was being stored", async () => {
      const store = await kind.create();
      let runs = 0;
      let abortAfterFinish: (() => Promise<unknown>) | undefined;
      // The abort lands after the checkpoint committed and before the worker queues the
      // iteration it kept (continue in place): the kept claim is void.
      const adapter = withOverrides(store.adapter, {
        taskFinishMany: (real) => async (params) => {
          const results = await real(params);
          const abort = abortAfterFinish;
          abortAfterFinish = undefined;
          await abort?.();
          return results;
        },
      });
      const looping = createTaskDefinition({ id: "looping", title: "Looping", run: ({ response }) => (runs++, response.continue({})) });
      const stint = await createStint({ storage: adapter, definitions: [looping], clock: new ManualClock(), useEnv: false });
      try {
        const worker = stint.createWorker({ leaseMs: 60_000, handoff: false });
        const { id } = await stint.tasks.trigger({ definition: looping });
        abortAfterFinish = () => stint.tasks.abort({ id });
        await worker.drain();
        assert.equal(runs, 1, "no iteration ran after the abort");
        assert.equal((await stint.tasks.getTask(id))!.taskStatus, "aborted");
      } finally {
        await stint.close();
        await store.cleanup();
      }
    });

    it("refuses to abort a finished task with TASK_ABORT_ERROR and changes nothing", async () => {
      const quick = createTaskDefinition({ id: "quick", title: "Quick", run: ({ response }) => response.done({ ok: 1 }) });
      const f = await stintFixture(kind, [quick]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: quick });
      await f.worker.drain();
      const before = (await f.stint.tasks.getTask(id))!;
      await assert.rejects(f.stint.tasks.abort({ id }), (error: unknown) => {
        assert.ok(isStintError(error, "TASK_ABORT_ERROR"));
        assert.equal(error.message, "Cannot abort a task that is not pending or running!");
        assert.deepEqual(error.data, { id, status: "success" });
        return true;
      });
      assert.deepEqual(await f.stint.tasks.getTask(id), before);
    });

    it("answers an abort of an unknown or malformed id with typed errors", async () => {
      const quick = createTaskDefinition({ id: "quick", title: "Quick", run: ({ response }) => response.done() });
      const f = await stintFixture(kind, [quick]);
      fixtures.push(f);
      await assert.rejects(f.stint.tasks.abort({ id: "doesnotexist" }), (e: unknown) => isStintError(e, "NOT_FOUND"));
      await assert.rejects(f.stint.tasks.abort({ id: "bad id; drop table" }), (e: unknown) => isStintError(e, "INVALID_TASK_ID"));
      await assert.rejects(f.stint.tasks.abort({ id: 42 as never }), (e: unknown) => isStintError(e, "INVALID_TASK_ID"));
    });
  });
}

import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { deferred, stintFixture, waitFor, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import { Errors } from "../../src/domain/errors.js";
import { createStint } from "../../src/stint.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { withOverrides } from "../helpers/adapter-overrides.js";

for (const kind of await storeKinds()) {
  describe(`time budgets and shutdown (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));

    it("fires the signal at the time budget, frees the slot after the grace period and fails with TASK_TIMEOUT", async () => {
      const started = deferred();
      let signalAt: number | undefined;
      let closeToTimeout: boolean[] = [];
      class Hang implements TaskDefinition.Interface {
        id = "hang";
        title = "Hang";
        timeout = 60;
        closeToTimeoutSeconds = 10;
        run({ controller }: TaskDefinition.RunParams) {
          closeToTimeout.push(controller.runtime.isCloseToTimeout());
          controller.runtime.signal.addEventListener("abort", () => (signalAt = f.clock.now()));
          started.resolve();
          return new Promise<never>(() => {}); // ignores the signal: never returns
        }
      }
      let nextRan = false;
      const next = createTaskDefinition({ id: "next", title: "Next", run: ({ response }) => ((nextRan = true), response.done()) });
      const hang = TaskDefinition.createImplementation({ implementation: Hang });
      const f = await stintFixture(kind, [hang, next], { worker: { concurrency: 1, graceMs: 2000 } });
      fixtures.push(f);
      const start = f.clock.now();
      const { id } = await f.stint.tasks.trigger({ definition: hang });
      await f.stint.tasks.trigger({ definition: next, delay: 0.001 });
      f.clock.advance(1);
      const drained = f.worker.drain();
      await started.promise;
      assert.deepEqual(closeToTimeout, [false]);
      f.clock.advance(59_000);
      await tick();
      assert.equal(signalAt, undefined);
      f.clock.advance(1_000);
      await tick();
      assert.equal(signalAt, start + 60_001, "the signal fires at the budget (triggered at start + 1 ms)");
      f.clock.advance(2_000);
      await drained;
      await f.worker.drain();
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "failed");
      assert.equal((task.output as any).error.code, "TASK_TIMEOUT");
      assert.ok(nextRan, "the freed slot ran the next task");
    });

    it("lets an iteration that checkpoints on the budget's signal continue instead of failing", async () => {
      const saver = TaskDefinition.createImplementation({
        implementation: class implements TaskDefinition.Interface<{ offset: number }> {
          id = "saver";
          title = "Saver";
          timeout = 10;
          run({ input, controller }: TaskDefinition.RunParams<{ offset: number }>) {
            if (input.offset > 0) return controller.response.done({ offset: input.offset });
            return new Promise<TaskDefinition.Result>((resolve) =>
              controller.runtime.signal.addEventListener("abort", () => resolve(controller.response.continue({ offset: 500 }))),
            );
          }
        },
      });
      const f = await stintFixture(kind, [saver]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: saver, input: { offset: 0 } });
      const drained = f.worker.drain();
      await waitFor(() => f.worker.activeCount, (n) => n === 1);
      f.clock.advance(10_000);
      await drained;
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "success");
      assert.equal(task.iterations, 2);
      assert.deepEqual(task.output, { offset: 500 });
    });

    it("finishes and stores in-flight iterations on stop(), losing nothing", async () => {
      const slow = createTaskDefinition<{ n: number }>({
        id: "slow",
        title: "Slow",
        run: async ({ input, response }) => {
          await new Promise((r) => setTimeout(r, 150));
          return response.done({ n: input.n });
        },
      });
      const f = await stintFixture(kind, [slow], { clock: undefined, worker: { concurrency: 5 } });
      fixtures.push(f);
      const worker = f.stint.createWorker({ concurrency: 5 });
      const tasks = await f.stint.tasks.triggerMany([1, 2, 3, 4, 5].map((n) => ({ definition: slow, input: { n } })));
      worker.start();
      await waitFor(() => worker.activeCount, (n) => n === 5);
      await worker.stop();
      for (const { id } of tasks) {
        const task = (await f.stint.tasks.getTask(id))!;
        assert.equal(task.taskStatus, "success", `task ${id} finished before stop() returned`);
      }
    });

    it("on stop(), asks run() to wrap up without aborting the task: an aborted() answer is not stored and the attempt runs again", async () => {
      const { definition: polite, state } = wrapsUpWithAborted("polite");
      const f = await stintFixture(kind, [polite]);
      fixtures.push(f);
      const first = f.stint.createWorker({ shutdownTimeoutMs: 50, graceMs: 5_000 });
      const { id } = await f.stint.tasks.trigger({ definition: polite });
      void first.drain();
      await waitFor(() => state.runs, (n) => n === 1);
      await first.stop();
      assert.deepEqual(state.seen, [{ isAborted: false, closeToTimeout: true }]);
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "running", "not aborted: handed back to run again");
      await f.stint.createWorker().drain();
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "success");
      assert.deepEqual(task.output, { runs: 2 });
      assert.equal(task.iterations, 1, "the same iteration, run again");
      const logs = await f.stint.tasks.listLogs({ where: { task: id } });
      const messages = logs.items.flatMap((l) => l.items.map((i) => i.message));
      assert.ok(messages.includes("The worker stopped before this attempt ended: it runs again."), messages.join(" | "));
      assert.ok(!messages.includes("Task aborted."), "the aborted() answer is not logged as the task's fate");
    });

    it("on stop(), a user's abort that follows still aborts: isAborted() turns true and nothing is handed back", async () => {
      const seen: { isAborted: boolean; closeToTimeout: boolean }[] = [];
      const closeSeen = deferred();
      const patient = createTaskDefinition({
        id: "patient",
        title: "Patient",
        run: async ({ response, isAborted, isCloseToTimeout }) => {
          while (!isCloseToTimeout()) await new Promise((r) => setTimeout(r, 5));
          closeSeen.resolve();
          const until = Date.now() + 5_000;
          while (!isAborted() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
          seen.push({ isAborted: isAborted(), closeToTimeout: isCloseToTimeout() });
          return response.aborted();
        },
      });
      const f = await stintFixture(kind, [patient]);
      fixtures.push(f);
      const first = f.stint.createWorker({ shutdownTimeoutMs: 50, graceMs: 5_000 });
      const { id } = await f.stint.tasks.trigger({ definition: patient });
      void first.drain();
      await waitFor(() => first.activeCount, (n) => n === 1);
      const stopping = first.stop();
      await closeSeen.promise;
      await f.stint.tasks.abort({ id, message: "Stop it." });
      await stopping;
      assert.deepEqual(seen, [{ isAborted: true, closeToTimeout: true }]);
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "aborted");
      const logs = await f.stint.tasks.listLogs({ where: { task: id } });
      const messages = logs.items.flatMap((l) => l.items.map((i) => i.message));
      assert.ok(!messages.some((m) => m.includes("runs again")), messages.join(" | "));
    });

    it("on stop(), waits for a handed-back attempt's writes, reports it as not applied, and logs nothing without databaseLogs", async () => {
      const store = await kind.create();
      // A slow log write: stop() must still wait for the hand-back before the store closes.
      const adapter = withOverrides(store.adapter, {
        logAppend: (real) => async (params) => {
          await new Promise((r) => setTimeout(r, 200));
          return real(params);
        },
      });
      const make = (id: string, databaseLogs: boolean) =>
        createTaskDefinition({
          id,
          title: id,
          databaseLogs,
          run: async ({ response, isCloseToTimeout }) => {
            while (!isCloseToTimeout()) await new Promise((r) => setTimeout(r, 5));
            return response.aborted();
          },
        });
      const logged = make("logged", true);
      const silent = make("silent", false);
      const clock = new ManualClock();
      const stint = await createStint({ storage: adapter, definitions: [logged, silent], clock, useEnv: false });
      try {
        const worker = stint.createWorker({ concurrency: 2, leaseMs: 60_000, shutdownTimeoutMs: 50, graceMs: 100 });
        const iterations: { id: string; applied: boolean }[] = [];
        worker.events.on("task:iteration", ({ task, applied }) => iterations.push({ id: task.id, applied }));
        const a = await stint.tasks.trigger({ definition: logged });
        const b = await stint.tasks.trigger({ definition: silent });
        void worker.drain();
        await waitFor(() => worker.activeCount, (n) => n === 2);
        await worker.stop();
        // Handed back before stop() returned: due now, not at the lease's expiry.
        assert.equal(await store.adapter.taskNextDueAt({ definitionIds: ["logged", "silent"] }), clock.now());
        assert.deepEqual(
          iterations.sort((x, y) => x.id.localeCompare(y.id)),
          [a.id, b.id].sort().map((id) => ({ id, applied: false })),
        );
        const logsOf = async (id: string) => (await stint.tasks.listLogs({ where: { task: id } })).items.flatMap((l) => l.items.map((i) => i.message));
        assert.deepEqual(await logsOf(a.id), ["The worker stopped before this attempt ended: it runs again."]);
        assert.deepEqual(await logsOf(b.id), [], "databaseLogs: false writes no log");
      } finally {
        await stint.close();
        await store.cleanup();
      }
    });

    it("on stop(), does not store a failure thrown by run() because its signal fired: the attempt runs again", async () => {
      let runs = 0;
      class Fetching implements TaskDefinition.Interface {
        id = "fetching";
        title = "Fetching";
        async run({ controller }: TaskDefinition.RunParams) {
          runs++;
          if (runs > 1) return controller.response.done({ runs });
          const { signal } = controller.runtime;
          // As fetch(url, { signal }) does: reject with the signal's reason.
          await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
          return controller.response.done({ unreachable: true });
        }
      }
      const fetching = TaskDefinition.createImplementation({ implementation: Fetching });
      const f = await stintFixture(kind, [fetching]);
      fixtures.push(f);
      const first = f.stint.createWorker({ shutdownTimeoutMs: 50, graceMs: 5_000 });
      const { id } = await f.stint.tasks.trigger({ definition: fetching });
      void first.drain();
      await waitFor(() => runs, (n) => n === 1);
      await first.stop();
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "running", "not failed: handed back to run again");
      await f.stint.createWorker().drain();
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "success");
      assert.deepEqual(task.output, { runs: 2 });
    });

    it("on stop(), stores the checkpoint of a run() that continues when asked to wrap up", async () => {
      let runs = 0;
      const resumable = createTaskDefinition<{ step?: number }>({
        id: "resumable",
        title: "Resumable",
        run: async ({ input, response, isCloseToTimeout }) => {
          runs++;
          if (input.step) return response.done({ resumedAt: input.step });
          while (!isCloseToTimeout()) await new Promise((r) => setTimeout(r, 5));
          return response.continue({ step: 7 });
        },
      });
      const f = await stintFixture(kind, [resumable]);
      fixtures.push(f);
      const first = f.stint.createWorker({ shutdownTimeoutMs: 50, graceMs: 5_000 });
      const { id } = await f.stint.tasks.trigger({ definition: resumable });
      void first.drain();
      await waitFor(() => runs, (n) => n === 1);
      await first.stop();
      assert.deepEqual((await f.stint.tasks.getTask(id))!.input, { step: 7 });
      await f.stint.createWorker().drain();
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "success");
      assert.deepEqual(task.output, { resumedAt: 7 });
      assert.equal(task.iterations, 2);
    });

    it("treats a lease lost in a store outage as a stop, not an abort: run() wraps up and the attempt runs again", async () => {
      const store = await kind.create();
      let outage = false;
      const down = () => (outage ? async () => Promise.reject(Errors.storageUnavailable("outage")) : undefined);
      const adapter = withOverrides(store.adapter, { taskRenewLeases: down, taskClaim: down, taskNextDueAt: down });
      const { definition: watchful, state } = wrapsUpWithAborted("watchful");
      const clock = new ManualClock();
      const stint = await createStint({ storage: adapter, definitions: [watchful], clock, useEnv: false });
      try {
        const { id } = await stint.tasks.trigger({ definition: watchful });
        const worker = stint.createWorker({ leaseMs: 1_000, heartbeatMs: 20, pollIntervalMs: 20, handoff: false });
        worker.start();
        await waitFor(() => state.runs, (n) => n === 1);
        outage = true;
        clock.advance(1_500); // the outage outlasts the lease: the worker gives the lease up
        await waitFor(() => state.seen.length, (n) => n === 1);
        outage = false;
        // The claim loop backs off on the manual clock after the outage's errors: move it on.
        const task = await waitFor(() => (clock.advance(50), stint.tasks.getTask(id)), (t) => t?.taskStatus === "success");
        assert.deepEqual(state.seen, [{ isAborted: false, closeToTimeout: true }]);
        assert.deepEqual(task?.output, { runs: 2 });
        await worker.stop();
      } finally {
        await stint.close();
        await store.cleanup();
      }
    });

    it("leaves a hung terminal hook behind at the budget: reported, the task settled, the slot free", async () => {
      const hookErrors: { hook: string; code?: string }[] = [];
      let quickRuns = 0;
      const hanging = createTaskDefinition({
        id: "hanging",
        title: "Hanging hook",
        timeout: 1,
        run: ({ response }) => response.done(),
        onDone: () => new Promise<never>(() => {}),
        onError: () => {
          throw new Error("not called: the task succeeded");
        },
      });
      const quick = createTaskDefinition({ id: "quick", title: "Quick", run: ({ response }) => (quickRuns++, response.done()) });
      const f = await stintFixture(kind, [hanging, quick], { worker: { concurrency: 1 } });
      fixtures.push(f);
      f.worker.events.on("hook:error", ({ hook, error }) => hookErrors.push({ hook, code: (error as { code?: string }).code }));
      const { id } = await f.stint.tasks.trigger({ definition: hanging });
      f.worker.start();
      await waitFor(() => f.stint.tasks.getTask(id), (t) => t?.taskStatus === "success");
      await waitFor(() => f.worker.activeCount, (n) => n === 1); // onDone running, the only slot held
      // The hook's budget timer may start a few awaits after the slot is taken (a loaded
      // machine): the manual clock moves on until the slot is free, not once, which could
      // come before the timer and leave it a full budget away.
      await waitFor(() => (f.clock.advance(1_000), f.worker.activeCount), (n) => n === 0);
      assert.deepEqual(hookErrors, [{ hook: "onDone", code: "TASK_TIMEOUT" }]);
      assert.equal(await f.store.adapter.taskNextDueAt({ definitionIds: ["hanging"] }), null, "the hook claim is settled");
      await f.stint.tasks.trigger({ definition: quick });
      await waitFor(() => quickRuns, (n) => n === 1);
      await f.worker.stop();
    });

    it("returns from abort() when onAbort hangs, after the hook's lease", async () => {
      const hanging = createTaskDefinition({
        id: "hangingAbort",
        title: "Hanging onAbort",
        run: ({ response }) => response.done(),
        onAbort: () => new Promise<never>(() => {}),
      });
      const f = await stintFixture(kind, [hanging]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: hanging, delay: 60 });
      let returned = false;
      const aborting = f.stint.tasks.abort({ id }).then((task) => ((returned = true), task));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(returned, false, "abort() waits for onAbort");
      // Until abort() returns: its hook's budget timer may start after this point (the
      // abort's store writes come first), so one advance could come too early.
      await waitFor(() => (f.clock.advance(60_000), returned), (r) => r);
      const task = await aborting;
      assert.equal(task.taskStatus, "aborted");
      assert.equal(await f.store.adapter.taskNextDueAt({ definitionIds: ["hangingAbort"] }), null, "the hook claim is settled, not left for a worker");
    });

    it("hands back an iteration that outlives the shutdown deadline so another worker re-runs it", async () => {
      let runs = 0;
      const stubborn = createTaskDefinition({
        id: "stubborn",
        title: "Stubborn",
        run: ({ response }) => {
          runs++;
          if (runs === 1) return new Promise<never>(() => {});
          return response.done({ runs });
        },
      });
      const f = await stintFixture(kind, [stubborn]);
      fixtures.push(f);
      const first = f.stint.createWorker({ shutdownTimeoutMs: 50, graceMs: 50 });
      const { id } = await f.stint.tasks.trigger({ definition: stubborn });
      void first.drain();
      await waitFor(() => runs, (n) => n === 1);
      await first.stop();
      const second = f.stint.createWorker();
      await second.drain();
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "success");
      assert.deepEqual(task.output, { runs: 2 });
      assert.equal(task.iterations, 1);
    });
  });
}

/**
 * A task written the Webiny way: it waits until told to stop (isAborted) or to wrap up
 * (isCloseToTimeout), notes what it saw, and answers aborted(); its next run is done.
 */
function wrapsUpWithAborted(id: string) {
  const state = { runs: 0, seen: [] as { isAborted: boolean; closeToTimeout: boolean }[] };
  const definition = createTaskDefinition({
    id,
    title: id,
    run: async ({ response, isAborted, isCloseToTimeout }) => {
      state.runs++;
      if (state.runs > 1) return response.done({ runs: state.runs });
      while (!isAborted() && !isCloseToTimeout()) await new Promise((r) => setTimeout(r, 5));
      state.seen.push({ isAborted: isAborted(), closeToTimeout: isCloseToTimeout() });
      return response.aborted();
    },
  });
  return { definition, state };
}

function tick() {
  return new Promise((resolve) => setImmediate(resolve));
}

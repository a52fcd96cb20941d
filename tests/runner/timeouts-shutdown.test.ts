import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { deferred, stintFixture, waitFor, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";

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

function tick() {
  return new Promise((resolve) => setImmediate(resolve));
}

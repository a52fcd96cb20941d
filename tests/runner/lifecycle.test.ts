import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import type { Task } from "../../src/domain/task.js";
import { toTaskRecord, type TaskRecord } from "../../src/domain/task-record.js";

for (const kind of await storeKinds()) {
  describe(`task lifecycle (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));
    const fixture = async (...args: Parameters<typeof stintFixture> extends [unknown, ...infer R] ? R : never) => {
      const f = await stintFixture(kind, ...args);
      fixtures.push(f);
      return f;
    };

    it("runs a one-iteration task from pending to success with its output and one log", async () => {
      const greet = createTaskDefinition<{ name: string }, { greeting: string }>({
        id: "greet",
        title: "Greet",
        run: ({ input, response }) => response.done("Greeted.", { greeting: `hello ${input.name}` }),
      });
      const { stint, worker, clock } = await fixture([greet]);
      const triggered = await stint.tasks.trigger({ definition: greet, input: { name: "ada" } });
      assert.equal(triggered.taskStatus, "pending");
      assert.equal(triggered.iterations, 0);
      assert.equal(triggered.name, "Greet");
      assert.equal(triggered.executionName, "");

      clock.advance(1500);
      await worker.drain();
      const task = (await stint.tasks.getTask(triggered.id))!;
      assert.equal(task.taskStatus, "success");
      assert.equal(task.iterations, 1);
      assert.deepEqual(task.output, { greeting: "hello ada" });
      assert.equal(task.startedOn, new Date(clock.now()).toISOString());
      assert.equal(task.finishedOn, new Date(clock.now()).toISOString());
      assert.equal(task.executionName, worker.workerId);

      const logs = await stint.tasks.listLogs({ where: { task: task.id } });
      assert.equal(logs.items.length, 1);
      assert.equal(logs.items[0].iteration, 1);
      assert.deepEqual(logs.items[0].items.map((i) => [i.type, i.message]), [["info", "Greeted."]]);
    });

    it("continues from the merged checkpoint, waits between iterations and counts each one", async () => {
      const seen: Record<string, unknown>[] = [];
      const counter = createTaskDefinition<{ step: number; keep: string; extra?: boolean }>({
        id: "counter",
        title: "Counter",
        run: ({ input, response, store }) => {
          seen.push({ ...input });
          void store.addInfoLog({ message: `step ${input.step}` });
          if (input.step < 2) return response.continue({ step: input.step + 1, ...(input.step === 0 ? { extra: true } : {}) }, { seconds: 30 });
          return response.done({ finalStep: input.step });
        },
      });
      const { stint, worker, clock } = await fixture([counter]);
      const { id } = await stint.tasks.trigger({ definition: counter, input: { step: 0, keep: "me" } });

      await worker.drain();
      let task = (await stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "running");
      assert.equal(task.iterations, 1);
      assert.deepEqual(task.input, { step: 1, keep: "me", extra: true });

      clock.advance(29_000);
      await worker.drain();
      assert.equal(seen.length, 1, "the wait of 30 s is not over after 29 s");

      clock.advance(1_000);
      await worker.drain();
      assert.equal(seen.length, 2);
      clock.advance(30_000);
      await worker.drain();

      task = (await stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "success");
      assert.equal(task.iterations, 3);
      assert.deepEqual(seen, [
        { step: 0, keep: "me" },
        { step: 1, keep: "me", extra: true },
        { step: 2, keep: "me", extra: true },
      ]);
      assert.deepEqual(task.output, { finalStep: 2 });

      const logs = await stint.tasks.listLogs({ where: { task: id }, sort: ["iteration_ASC"] });
      assert.deepEqual(logs.items.map((l) => l.iteration), [1, 2, 3]);
      assert.deepEqual(logs.items[0].items.map((i) => i.message), ["step 0", "Task continuing."]);
      assert.deepEqual(logs.items[0].items[1].data, { step: 1, extra: true });
      assert.deepEqual(logs.items[2].items.map((i) => i.message), ["step 2", "Task done."]);
    });

    it("hands hooks, events and the next iteration the task as stored, whatever run() did to its own copy", async () => {
      const seen: { iteration: number; name: string; creator: string; created: number }[] = [];
      const hooked: TaskRecord[] = [];
      const events: Task[] = [];
      const tamper = createTaskDefinition<{ step: number }>({
        id: "tamper",
        title: "Tamper",
        run: ({ input, response, store }) => {
          const task = store.getTask();
          seen.push({ iteration: task.iterations, name: task.name, creator: task.createdBy.displayName, created: Date.parse(task.createdOn) });
          // Changes to the run's own view of the task, none of them stored.
          (task as { name: string }).name = "renamed in memory";
          task.createdBy.displayName = "someone else";
          task.createdOn = new Date(0).toISOString();
          (task.eventResponse as { dispatcher: string }).dispatcher = "someone else";
          return input.step < 1 ? response.continue({ step: input.step + 1 }) : response.done({ ok: true });
        },
        onDone: async ({ task }) => {
          hooked.push(task);
        },
      });
      const f = await fixture([tamper]);
      f.worker.events.on("task:done", ({ task }) => events.push(task));
      const { id } = await f.stint.tasks.trigger({ definition: tamper, name: "Original", input: { step: 0 } });
      await f.worker.drain();
      const stored = (await f.stint.tasks.getTask(id))!;
      assert.equal(stored.taskStatus, "success");
      assert.equal(stored.name, "Original");
      assert.deepEqual(
        seen.map((s) => [s.iteration, s.name, s.creator, s.created]),
        [
          [1, "Original", stored.createdBy.displayName, Date.parse(stored.createdOn)],
          [2, "Original", stored.createdBy.displayName, Date.parse(stored.createdOn)],
        ],
        "the next iteration starts from the stored task",
      );
      // The service and the hooks give Webiny's record (ISO strings, absent fields
      // undefined); events carry the stored task.
      assert.deepEqual(hooked, [stored], "hooks get the stored task in Webiny's shape");
      assert.deepEqual(events.map((task) => toTaskRecord(task)), [stored]);
    });

    it("fails with 'Task reached max iterations.' and calls onMaxIterations then onError once", async () => {
      const calls: string[] = [];
      const forever = createTaskDefinition({
        id: "forever",
        title: "Forever",
        maxIterations: 2,
        run: ({ response }) => response.continue({}),
        onMaxIterations: ({ task }) => void calls.push(`max:${task.taskStatus}`),
        onError: ({ task }) => void calls.push(`error:${task.taskStatus}`),
      });
      const { stint, worker } = await fixture([forever]);
      const { id } = await stint.tasks.trigger({ definition: forever });
      await worker.drain();
      const task = (await stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "failed");
      assert.equal(task.iterations, 2);
      assert.equal((task.output as any).error.message, "Task reached max iterations.");
      assert.deepEqual(calls, ["max:failed", "error:failed"]);
    });

    it("never runs an iteration past maxIterations, not even as a takeover of an unstarted claim", async () => {
      const runs: number[] = [];
      const once = createTaskDefinition({
        id: "once",
        title: "Once",
        maxIterations: 1,
        run: ({ response, store }) => {
          runs.push(store.getTask().iterations);
          return response.continue({});
        },
      });
      const { stint, worker, store, clock } = await fixture([once]);
      const { id } = await stint.tasks.trigger({ definition: once });
      // Iteration 1 by another worker, then iteration 2 claimed and handed back unstarted
      // (a stop() with a queue, a crash before run()): the next claim is attempt 2.
      const claim = async () => (await store.adapter.taskClaim({ workerId: "other", limit: 1, now: clock.now(), leaseMs: 60_000, definitionIds: ["once"] }))[0];
      const first = await claim();
      await store.adapter.taskFinishMany({ finishes: [{ id, leaseToken: first.leaseToken, now: clock.now(), status: "running", runAt: clock.now() }] });
      const second = await claim();
      assert.equal(second.task.iterations, 2);
      await store.adapter.taskReleaseLeases({ leases: [{ id, leaseToken: second.leaseToken }], now: clock.now() });
      await worker.drain();
      const task = (await stint.tasks.getTask(id))!;
      assert.deepEqual(runs, [], "run() never saw iteration 2");
      assert.equal(task.taskStatus, "failed");
      assert.equal(task.attempt, 2);
      assert.equal((task.output as any).error.message, "Task reached max iterations.");
    });

    it("fails a task whose run throws, without a stack, and calls onError once", async () => {
      const errors: TaskRecord[] = [];
      const boom = createTaskDefinition({
        id: "boom",
        title: "Boom",
        run: () => {
          throw Object.assign(new Error("kaput"), { code: "KAPUT", data: { row: 7 } });
        },
        onError: ({ task }) => void errors.push(task),
      });
      const { stint, worker } = await fixture([boom]);
      const { id } = await stint.tasks.trigger({ definition: boom });
      await worker.drain();
      const task = (await stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "failed");
      assert.deepEqual(task.output, { error: { message: "kaput", code: "KAPUT", data: { row: 7 } } });
      assert.equal(errors.length, 1);
      assert.equal(errors[0].taskStatus, "failed", "onError sees the stored task");
      const logs = await stint.tasks.listLogs({ where: { task: id } });
      assert.equal(logs.items[0].items.at(-1)?.type, "error");
    });

    it("fails a task that returns error() and stores the shaped error", async () => {
      let onError = 0;
      const refuse = createTaskDefinition({
        id: "refuse",
        title: "Refuse",
        run: ({ response }) => response.error(new Error("not today")),
        onError: () => void onError++,
      });
      const { stint, worker } = await fixture([refuse]);
      const { id } = await stint.tasks.trigger({ definition: refuse });
      await worker.drain();
      const task = (await stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "failed");
      assert.deepEqual(task.output, { error: { message: "not today" } });
      assert.equal(onError, 1);
    });

    it("stores aborted when run() returns aborted() and calls onAbort once", async () => {
      let onAbort = 0;
      const quit = createTaskDefinition({
        id: "quit",
        title: "Quit",
        run: ({ response }) => response.aborted(),
        onAbort: () => void onAbort++,
      });
      const { stint, worker } = await fixture([quit]);
      const { id } = await stint.tasks.trigger({ definition: quit });
      await worker.drain();
      assert.equal((await stint.tasks.getTask(id))!.taskStatus, "aborted");
      assert.equal(onAbort, 1);
    });

    it("runs controller-style definitions with injected dependencies and typed state", async () => {
      class Doubler implements TaskDefinition.Interface<{ n: number }, { doubled: number }> {
        id = "doubler";
        title = "Doubler";
        constructor(private readonly factor: number) {}
        async run({ input, controller }: TaskDefinition.RunParams<{ n: number }, { doubled: number }>) {
          controller.logger.info({ message: "doubling", data: { n: input.n } });
          await controller.state.updateOutput({ doubled: -1 });
          controller.progress.set({ done: 1, total: 1, message: "all done" });
          return controller.response.done({ doubled: input.n * this.factor });
        }
      }
      const doubler = TaskDefinition.createImplementation({ implementation: Doubler, dependencies: [2] as [number] });
      const { stint, worker } = await fixture([doubler]);
      const { id } = await stint.tasks.trigger({ definition: doubler, input: { n: 21 } });
      await worker.drain();
      const task = (await stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "success");
      assert.deepEqual(task.output, { doubled: 42 });
      assert.deepEqual(task.progress, { done: 1, total: 1, message: "all done" });
    });

    it("triggers children with parentId and lists them from the parent", async () => {
      const child = createTaskDefinition({ id: "child", title: "Child", run: ({ response }) => response.done() });
      let listed: Task[] = [];
      const parent = createTaskDefinition<{ phase?: string }>({
        id: "parent",
        title: "Parent",
        run: async ({ input, response, trigger, store }) => {
          if (!input.phase) {
            await trigger({ definition: "child", input: { n: 1 } });
            await trigger({ definition: child, input: { n: 2 }, name: "second" });
            return response.continue({ phase: "wait" });
          }
          listed = await store.listChildTasks();
          return response.done({ children: listed.length });
        },
      });
      const { stint, worker } = await fixture([child, parent]);
      const { id } = await stint.tasks.trigger({ definition: parent });
      await worker.drain();
      assert.equal(listed.length, 2);
      assert.ok(listed.every((t) => t.parentId === id));
      assert.deepEqual(listed.map((t) => t.name).sort(), ["Child", "second"]);
      const children = await stint.tasks.listTasks({ where: { parentId: id } });
      assert.equal(children.meta.totalCount, 2);
      assert.ok(children.items.every((t) => t.taskStatus === "success"));
    });

    it("starts a delayed task only after its delay", async () => {
      let runs = 0;
      const later = createTaskDefinition({ id: "later", title: "Later", run: ({ response }) => (runs++, response.done()) });
      const { stint, worker, clock } = await fixture([later]);
      const task = await stint.tasks.trigger({ definition: later, delay: 60 });
      assert.equal(task.runAt, new Date(clock.now() + 60_000).toISOString());
      await worker.drain();
      assert.equal(runs, 0);
      clock.advance(60_000);
      await worker.drain();
      assert.equal(runs, 1);
    });
  });
}

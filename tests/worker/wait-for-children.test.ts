import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { deferred, stintFixture, waitFor, type StintFixture } from "../helpers/stint.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import type { Task } from "../../src/domain/task.js";

/** A parent that triggers `count` children, waits for them (at most `seconds`), then reports what it saw. */
function parentDefinition(count: number, seconds?: number) {
  const seen: { iteration: number; children: Task["taskStatus"][] }[] = [];
  class Parent implements TaskDefinition.Interface<{ started?: boolean }> {
    id = "parent";
    title = "Parent";
    async run({ input, controller }: TaskDefinition.RunParams<{ started?: boolean }>) {
      const children = await controller.task.listChildren();
      seen.push({ iteration: controller.state.getTask().iterations, children: children.map((c) => c.taskStatus).sort() });
      if (!input.started) {
        for (let i = 0; i < count; i += 1) await controller.task.trigger({ definition: "child", input: { n: i } });
        return controller.response.continue({ started: true }, { waitForChildren: true, ...(seconds ? { seconds } : {}) });
      }
      return controller.response.done({ children: children.length });
    }
  }
  return { definition: TaskDefinition.createImplementation({ implementation: Parent }), seen };
}

/** A child that finishes when `release` resolves (at once without one); `fail` n fails child n. */
function childDefinition(options: { release?: Promise<void>; fail?: number } = {}) {
  class Child implements TaskDefinition.Interface<{ n: number }> {
    id = "child";
    title = "Child";
    async run({ input, controller }: TaskDefinition.RunParams<{ n: number }>) {
      await options.release;
      if (input.n === options.fail) return controller.response.error(new Error("child failed"));
      return controller.response.done({ n: input.n });
    }
  }
  return TaskDefinition.createImplementation({ implementation: Child });
}

for (const kind of await storeKinds()) {
  describe(`waiting for children (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));
    const fixture = async (...args: Parameters<typeof stintFixture> extends [unknown, ...infer R] ? R : never) => {
      const f = await stintFixture(kind, ...args);
      fixtures.push(f);
      return f;
    };

    it("runs the parent's next iteration once, after every child finished (a failed one too)", async () => {
      const parent = parentDefinition(3);
      const { stint, worker } = await fixture([parent.definition, childDefinition({ fail: 1 })]);
      const { id } = await stint.tasks.trigger({ definition: parent.definition });
      await worker.drain();
      const task = (await stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "success");
      assert.equal(task.iterations, 2, "no iteration spent polling");
      assert.deepEqual(task.output, { children: 3 });
      assert.deepEqual(parent.seen, [
        { iteration: 1, children: [] },
        { iteration: 2, children: ["failed", "success", "success"] },
      ]);
    });

    it("is not run while a child runs; the child's finish wakes a running worker", async () => {
      const parent = parentDefinition(2);
      const release = deferred();
      const { stint, worker } = await fixture([parent.definition, childDefinition({ release: release.promise })], {
        worker: { concurrency: 4 },
      });
      const { id } = await stint.tasks.trigger({ definition: parent.definition });
      worker.start();
      // Both children in their iteration, the parent parked behind them.
      await waitFor(() => stint.tasks.listTasks({ where: { parentId: id, taskStatus: "running" } }), (list) => list.meta.totalCount === 2);
      await waitFor(() => stint.tasks.getTask(id), (task) => task?.iterations === 1 && task.taskStatus === "running");
      assert.equal(parent.seen.length, 1);
      release.resolve();
      const done = await waitFor(() => stint.tasks.getTask(id), (task) => task?.taskStatus === "success");
      assert.equal(done!.iterations, 2);
      assert.deepEqual(parent.seen[1], { iteration: 2, children: ["success", "success"] });
      await worker.stop();
    });

    it("runs the parent at its timeout when a child is still unfinished", async () => {
      const parent = parentDefinition(1, 60);
      const release = deferred();
      const { stint, worker, clock } = await fixture([parent.definition, childDefinition({ release: release.promise })], {
        worker: { concurrency: 4 },
      });
      const { id } = await stint.tasks.trigger({ definition: parent.definition });
      worker.start();
      await waitFor(() => stint.tasks.listTasks({ where: { parentId: id, taskStatus: "running" } }), (list) => list.meta.totalCount === 1);
      await waitFor(() => stint.tasks.getTask(id), (task) => task?.iterations === 1 && task.taskStatus === "running");
      clock.advance(60_000);
      const done = await waitFor(() => stint.tasks.getTask(id), (task) => task?.taskStatus === "success");
      assert.equal(done!.iterations, 2);
      assert.deepEqual(parent.seen[1], { iteration: 2, children: ["running"] });
      release.resolve();
      await waitFor(() => stint.tasks.listTasks({ where: { parentId: id, taskStatus: "success" } }), (list) => list.meta.totalCount === 1);
      await worker.stop();
    });

    it("wakes the parent when its last running child is aborted", async () => {
      const parent = parentDefinition(1);
      const release = deferred();
      const { stint, worker } = await fixture([parent.definition, childDefinition({ release: release.promise })], {
        worker: { concurrency: 4 },
      });
      const { id } = await stint.tasks.trigger({ definition: parent.definition });
      worker.start();
      const running = await waitFor(
        () => stint.tasks.listTasks({ where: { parentId: id, taskStatus: "running" } }),
        (list) => list.meta.totalCount === 1,
      );
      await waitFor(() => stint.tasks.getTask(id), (task) => task?.iterations === 1 && task.taskStatus === "running");
      await stint.tasks.abort({ id: running.items[0]!.id });
      const done = await waitFor(() => stint.tasks.getTask(id), (task) => task?.taskStatus === "success");
      assert.equal(done!.iterations, 2);
      assert.deepEqual(parent.seen[1], { iteration: 2, children: ["aborted"] });
      release.resolve();
      await worker.stop();
    });

    it("fails the iteration, naming it, when waitForChildren is not a boolean", async () => {
      class Bad implements TaskDefinition.Interface {
        id = "badWait";
        title = "Bad wait";
        run({ controller }: TaskDefinition.RunParams) {
          return controller.response.continue({}, { waitForChildren: "yes" } as never);
        }
      }
      const bad = TaskDefinition.createImplementation({ implementation: Bad });
      const { stint, worker } = await fixture([bad]);
      const { id } = await stint.tasks.trigger({ definition: bad });
      await worker.drain();
      const task = (await stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "failed");
      assert.deepEqual(task.output, {
        error: { message: 'A continue\'s waitForChildren must be true or false; it is a string ("yes").', code: "TASK_RUN_ERROR" },
      });
    });
  });
}

/**
 * What user code may do with the objects run() gets, whatever they are built from:
 * destructure them, wrap them in a Proxy, spy on their methods, replace a part; they leak
 * no internals; and a late progress report after the iteration ended stores nothing.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import { isStintError } from "../../src/domain/errors.js";

describe("definition checks", () => {
  it("refuses a plain definition without run() with the typed definition error", () => {
    assert.throws(
      () => createTaskDefinition({ id: "noRun", title: "No run" } as never),
      (error: unknown) => isStintError(error) && error.code === "TASK_DEFINITION_INVALID",
    );
  });
});

for (const kind of await storeKinds()) {
  describe(`the objects run() gets (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));

    it("reads every part of the v5 params and the controller through destructuring, a Proxy or a replacement, and leaks no internals", async () => {
      const seen: Record<string, unknown> = {};
      const plain = createTaskDefinition({
        id: "shapePlain",
        title: "Shape plain",
        run: (params) => {
          const { store, progress, isAborted } = params;
          seen.input = store.getInput();
          seen.progress = typeof progress.set;
          seen.aborted = isAborted();
          seen.viaProxy = new Proxy(params, {}).store.getStatus();
          params.store = { ...store, getInput: () => ({ replaced: true }) } as typeof store;
          seen.replaced = params.store.getInput();
          seen.plainJson = JSON.stringify(params).length < 500;
          return params.response.done();
        },
      });
      class Shape implements TaskDefinition.Interface {
        id = "shapeController";
        title = "Shape controller";
        run({ controller }: TaskDefinition.RunParams) {
          const { runtime, state } = controller;
          seen.remaining = runtime.getRemainingSeconds() > 0;
          seen.status = state.getStatus();
          seen.viaProxy = new Proxy(controller, {}).runtime.isAborted();
          seen.controllerKeys = Object.keys(controller);
          seen.controllerJson = JSON.stringify(controller).length < 500;
          return controller.response.done();
        }
      }
      const shape = TaskDefinition.createImplementation({ implementation: Shape });
      const f = await stintFixture(kind, [plain, shape]);
      fixtures.push(f);
      await f.stint.tasks.trigger({ definition: plain, input: { a: 1 } });
      await f.worker.drain();
      await f.stint.tasks.trigger({ definition: shape });
      await f.worker.drain();
      assert.deepEqual(seen.input, { a: 1 });
      assert.equal(seen.progress, "function");
      assert.equal(seen.aborted, false);
      assert.deepEqual(seen.replaced, { replaced: true });
      assert.equal(seen.plainJson, true, "no store, adapter or task dumped");
      assert.equal(seen.remaining, true);
      assert.equal(seen.status, "running");
      assert.equal(seen.viaProxy, false);
      assert.deepEqual(seen.controllerKeys, ["response"]);
      assert.equal(seen.controllerJson, true, "no scope, adapter or task dumped");
    });

    it("lets a task spy on its response methods and its definition summary without touching other tasks", async () => {
      const calls: string[] = [];
      class Spy implements TaskDefinition.Interface {
        id = "spyResponse";
        title = "Spy response";
        run({ controller, definition, input }: TaskDefinition.RunParams<{ n: number }>) {
          if (input.n === 1) {
            const original = controller.response.done;
            controller.response.done = ((...args: unknown[]) => (calls.push("spied"), (original as (...a: unknown[]) => unknown)(...args))) as typeof original;
            (definition as { title: string }).title = "changed";
          }
          calls.push(`${input.n}:${definition.title}`);
          return controller.response.done();
        }
      }
      const spy = TaskDefinition.createImplementation({ implementation: Spy });
      const f = await stintFixture(kind, [spy]);
      fixtures.push(f);
      await f.stint.tasks.trigger({ definition: spy, input: { n: 1 } });
      await f.worker.drain();
      await f.stint.tasks.trigger({ definition: spy, input: { n: 2 } });
      await f.worker.drain();
      assert.deepEqual(calls, ["1:changed", "spied", "2:Spy response"]);
    });

    it("stores no progress reported after the iteration ended", async () => {
      let late: (() => void) | undefined;
      const leaky = createTaskDefinition({
        id: "lateProgress",
        title: "Late progress",
        run: ({ response, progress, input }) => {
          if ((input as { again?: boolean }).again) return response.done();
          late = () => progress.set({ done: 5, message: "late" });
          return response.continue({ again: true }, { seconds: 60 });
        },
      });
      const f = await stintFixture(kind, [leaky], { worker: { progressIntervalMs: 0 } });
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: leaky });
      await f.worker.drain();
      late!();
      await new Promise((r) => setTimeout(r, 50));
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "running", "waiting for its next iteration, lease still valid");
      assert.equal(task.progress, undefined);
    });
  });
}

/**
 * What user code may do with the objects run() gets, whatever they are built from:
 * spread them, list their keys, spy on their methods, replace a part, and a late
 * progress report after the iteration ended stores nothing.
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

    it("keeps every part of the v5 params and the v6 controller in a spread and in Object.keys", async () => {
      const seen: Record<string, unknown> = {};
      const plain = createTaskDefinition({
        id: "spreadPlain",
        title: "Spread plain",
        run: (params) => {
          const copy = { ...params };
          seen.plainKeys = Object.keys(params).sort();
          seen.copiedInput = copy.store.getInput();
          return copy.response.done();
        },
      });
      class Spread implements TaskDefinition.Interface {
        id = "spreadController";
        title = "Spread controller";
        run({ controller }: TaskDefinition.RunParams) {
          const { response, ...parts } = { ...controller };
          seen.controllerParts = Object.keys(parts).sort();
          seen.remaining = parts.runtime.getRemainingSeconds() > 0;
          return response.done();
        }
      }
      const spread = TaskDefinition.createImplementation({ implementation: Spread });
      const f = await stintFixture(kind, [plain, spread]);
      fixtures.push(f);
      await f.stint.tasks.trigger({ definition: plain, input: { a: 1 } });
      await f.stint.tasks.trigger({ definition: spread });
      await f.worker.drain();
      assert.deepEqual(seen.plainKeys, ["context", "input", "isAborted", "isCloseToTimeout", "progress", "response", "store", "trigger"]);
      assert.deepEqual(seen.copiedInput, { a: 1 });
      assert.deepEqual(seen.controllerParts, ["logger", "progress", "runtime", "state", "task"]);
      assert.equal(seen.remaining, true);
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
      assert.equal(task.progress, null);
    });
  });
}

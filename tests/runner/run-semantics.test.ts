/**
 * How a task runs, as Webiny runs it, on both stores: run() gets a copy of its input;
 * done without output keeps an output stored earlier; the v5 store's callback updates and
 * updateTask; `context` for v5 run and hooks, `definition` for v6 hooks; records in
 * Webiny's shape; error stacks kept in the log, never in the output.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import type { AnyTaskDefinition, TaskContextSource } from "../../src/definition/types.js";
import type { TaskRecord } from "../../src/domain/task-record.js";

for (const kind of await storeKinds()) {
  describe(`run semantics (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));
    const fixture = async (definitions: AnyTaskDefinition[], context?: TaskContextSource) => {
      const f = await stintFixture(kind, definitions, { context });
      fixtures.push(f);
      return f;
    };
    const stored = async (f: StintFixture, id: string) => (await f.stint.storage.taskGet({ id }))!;
    const items = async (f: StintFixture, id: string) =>
      (await f.stint.tasks.listLogs({ where: { task: id }, sort: ["createdOn_ASC"] })).items.flatMap((log) => log.items);

    it("hands run() a structuredClone of the stored input: changing it stores nothing (Webiny TaskManager)", async () => {
      const seen: unknown[] = [];
      const mutate = createTaskDefinition<{ step: number; nested: { list: number[] } }>({
        id: "mutateInput",
        title: "Mutate input",
        run: ({ input, response, store }) => {
          seen.push(structuredClone(input));
          assert.notEqual(input, store.getInput(), "a copy, not the stored object");
          input.nested.list.push(99);
          (input as { extra?: boolean }).extra = true;
          return input.step === 0 ? response.continue({ step: 1 }) : response.done();
        },
      });
      const f = await fixture([mutate]);
      const { id } = await f.stint.tasks.trigger({ definition: mutate, input: { step: 0, nested: { list: [1] } } });
      await f.worker.drain();
      await f.worker.drain();
      const task = await stored(f, id);
      assert.equal(task.taskStatus, "success");
      assert.deepEqual(task.input, { step: 1, nested: { list: [1] } }, "only continue(input) wrote a checkpoint");
      assert.deepEqual(seen, [
        { step: 0, nested: { list: [1] } },
        { step: 1, nested: { list: [1] } },
      ]);
    });

    it("keeps an output set with updateOutput() when done() carries none (Webiny's database response skips an empty output)", async () => {
      const hookSaw: unknown[] = [];
      const v6 = TaskDefinition.createImplementation({
        implementation: class {
          id = "outputThenDone";
          title = "Output then done";
          async run({ controller }: TaskDefinition.RunParams) {
            await controller.state.updateOutput({ partial: 1 });
            return controller.response.done("Finished.");
          }
          onDone({ task }: { task: TaskRecord }) {
            hookSaw.push(task.output);
          }
        },
      });
      const v5 = createTaskDefinition({
        id: "storeOutputThenDone",
        title: "Store output then done",
        run: async ({ store, response }) => {
          await store.updateOutput({ partial: 2 });
          return response.done({});
        },
      });
      const withOutput = createTaskDefinition({
        id: "doneUndefinedOutput",
        title: "done(undefined, output)",
        run: async ({ store, response }) => {
          await store.updateOutput({ partial: 3 });
          return response.done(undefined, { final: true });
        },
      });
      const f = await fixture([v6, v5, withOutput]);
      const a = await f.stint.tasks.trigger({ definition: v6 });
      const b = await f.stint.tasks.trigger({ definition: v5 });
      const c = await f.stint.tasks.trigger({ definition: withOutput });
      await f.worker.drain();
      assert.deepEqual((await stored(f, a.id)).output, { partial: 1 });
      assert.deepEqual(hookSaw, [{ partial: 1 }], "onDone sees the stored output");
      assert.deepEqual((await stored(f, b.id)).output, { partial: 2 });
      assert.deepEqual((await stored(f, c.id)).output, { final: true }, "an output given to done() is stored");
      assert.equal((await stored(f, c.id)).taskStatus, "success");
    });

    it("takes (current) => next in store.updateInput/updateOutput and stores store.updateTask({ input, output }) (Webiny v5 store)", async () => {
      const seen: unknown[] = [];
      const updates = createTaskDefinition<{ count: number; drop?: string }, { total?: number; log?: string[] }>({
        id: "storeUpdates",
        title: "Store updates",
        run: async ({ store, response }) => {
          await store.updateInput((current) => {
            const { drop: _drop, ...rest } = current;
            return { ...rest, count: current.count + 1 };
          });
          await store.updateOutput(() => ({ log: ["a"] }));
          await store.updateOutput((current) => ({ ...current, log: [...(current.log ?? []), "b"] }));
          await store.updateTask((task) => ({ input: { count: task.input.count * 10 }, output: { total: 7 } }));
          seen.push(store.getInput(), store.getOutput());
          return response.done();
        },
      });
      const f = await fixture([updates]);
      const { id } = await f.stint.tasks.trigger({ definition: updates, input: { count: 1, drop: "me" } });
      await f.worker.drain();
      const task = await stored(f, id);
      assert.equal(task.taskStatus, "success");
      assert.deepEqual(task.input, { count: 20 }, "the callback's result replaced the input (drop is gone), then updateTask merged");
      assert.deepEqual(task.output, { log: ["a", "b"], total: 7 });
      assert.deepEqual(seen, [{ count: 20 }, { log: ["a", "b"], total: 7 }]);
    });

    it("refuses store.updateTask() of a field the runner owns, and a callback that returns no object, changing nothing", async () => {
      const errors: { code: string; message: string }[] = [];
      const refused = createTaskDefinition<{ n: number }>({
        id: "updateTaskRefused",
        title: "updateTask refused",
        run: async ({ store, response }) => {
          const attempts = [
            () => store.updateTask({ input: { n: 2 }, taskStatus: "success" }),
            () => store.updateTask(() => ({ iterations: 9 })),
            () => store.updateTask({ input: { n: 3 }, output: { big: 1n } as never }),
            () => store.updateInput(() => "text" as never),
            () => store.updateOutput(42 as never),
          ];
          for (const attempt of attempts) {
            await attempt().then(
              () => errors.push({ code: "none", message: "accepted" }),
              (error) => errors.push({ code: error.code, message: error.message }),
            );
          }
          return response.done();
        },
      });
      const f = await fixture([refused]);
      const { id } = await f.stint.tasks.trigger({ definition: refused, input: { n: 1 } });
      await f.worker.drain();
      const task = await stored(f, id);
      assert.deepEqual(task.input, { n: 1 }, "nothing was written");
      assert.equal(task.output, null);
      assert.deepEqual(
        errors.map((e) => e.code),
        ["INVALID_ARGUMENT", "INVALID_ARGUMENT", "INVALID_ARGUMENT", "INVALID_ARGUMENT", "INVALID_ARGUMENT"],
      );
      assert.match(errors[0].message, /taskStatus is set by the runner/);
      assert.match(errors[1].message, /iterations is set by the runner/);
      assert.match(errors[2].message, /output\.big is a BigInt/);
      assert.match(errors[3].message, /callback must return an object; it returned a string/);
      assert.match(errors[4].message, /it was given a number \(42\)/);
    });

    it("passes createStint({ context }) to v5 run and hooks, calling a context function per iteration and per hook (Webiny v5)", async () => {
      let made = 0;
      const context = () => ({ tenant: "root", made: ++made });
      const seen: string[] = [];
      const v5 = createTaskDefinition<{ step: number }, Record<string, unknown>, { tenant: string; made: number }>({
        id: "usesContext",
        title: "Uses context",
        run: ({ context, input, response }) => {
          seen.push(`run:${context.tenant}:${context.made}`);
          return input.step === 0 ? response.continue({ step: 1 }) : response.done();
        },
        onDone: ({ context, task }) => {
          seen.push(`onDone:${context.tenant}:${context.made}:${task.taskStatus}`);
        },
      });
      const v6Seen: unknown[] = [];
      const v6 = TaskDefinition.createImplementation({
        implementation: class {
          id = "v6Hooks";
          title = "V6 hooks";
          description = "Hooks get the definition";
          run({ controller }: TaskDefinition.RunParams) {
            return controller.response.done();
          }
          onDone(params: TaskDefinition.Interface extends { onDone?(p: infer P): unknown } ? P : never) {
            v6Seen.push(params);
          }
        },
      });
      const f = await fixture([v5, v6], context);
      const a = await f.stint.tasks.trigger({ definition: v5, input: { step: 0 } });
      const b = await f.stint.tasks.trigger({ definition: v6 });
      await f.worker.drain();
      await f.worker.drain();
      assert.equal((await stored(f, a.id)).taskStatus, "success");
      assert.deepEqual(seen, ["run:root:1", "run:root:2", "onDone:root:3:success"]);
      assert.equal(made, 3, "v6 definitions never call the context function");
      assert.equal(v6Seen.length, 1);
      const params = v6Seen[0] as { task: TaskRecord; definition: unknown; context?: unknown };
      assert.deepEqual(params.definition, { id: "v6Hooks", title: "V6 hooks", description: "Hooks get the definition", maxIterations: 50 });
      assert.equal(params.task.id, b.id);
      assert.equal("context" in params, false);
    });

    it("hands run() and hooks the task in Webiny's shape: ISO date strings, absent fields undefined", async () => {
      const records: TaskRecord[] = [];
      const shape = createTaskDefinition({
        id: "recordShape",
        title: "Record shape",
        run: ({ store, response }) => {
          records.push({ ...store.getTask() });
          return response.done();
        },
        onDone: ({ task }) => void records.push(task),
      });
      const f = await fixture([shape]);
      const { id } = await f.stint.tasks.trigger({ definition: shape });
      await f.worker.drain();
      const task = await stored(f, id);
      const [inRun, inHook] = records;
      assert.equal(inRun.startedOn, task.startedOn!.toISOString());
      assert.equal(inRun.createdOn, task.createdOn.toISOString());
      assert.equal(inRun.finishedOn, undefined);
      assert.equal(inRun.parentId, undefined);
      assert.equal(inRun.output, undefined);
      assert.equal(inHook.taskStatus, "success");
      assert.equal(inHook.finishedOn, task.finishedOn!.toISOString());
      assert.equal(inHook.savedOn, task.savedOn.toISOString());
      assert.equal(typeof inHook.runAt, "string");
    });

    it("keeps a thrown error's stack in the log item and out of the output; logger.error(err) keeps it too", async () => {
      const thrower = TaskDefinition.createImplementation({
        implementation: class {
          id = "throwsWithStack";
          title = "Throws with stack";
          run({ controller }: TaskDefinition.RunParams): never {
            controller.logger.error({ message: "Row 3 skipped.", error: new RangeError("row 3 out of range") });
            throw Object.assign(new TypeError("cannot read row"), { code: "ROW" });
          }
        },
      });
      const f = await fixture([thrower]);
      const { id } = await f.stint.tasks.trigger({ definition: thrower });
      await f.worker.drain();
      const task = await stored(f, id);
      assert.deepEqual(task.output, { error: { message: "cannot read row", code: "ROW" } }, "no stack in the output");
      const [logged, failure] = (await items(f, id)) as { message: string; error: { message: string; stack?: string } }[];
      assert.equal(logged.message, "Row 3 skipped.");
      assert.match(logged.error.stack!, /^RangeError: row 3 out of range\n\s+at /);
      assert.equal(failure.message, "cannot read row");
      assert.match(failure.error.stack!, /^TypeError: cannot read row\n\s+at .*run-semantics\.test\.ts/);
    });
  });
}

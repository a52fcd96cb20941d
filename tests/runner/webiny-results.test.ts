/**
 * What run() may return or throw, on both stores: Webiny v6's plain `TaskDefinition.Result`
 * objects are stored like `controller.response.*`; anything else ends the iteration
 * `failed` with an error naming what came back, and nothing is left `running`.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import type { AnyTaskDefinition } from "../../src/definition/types.js";

type Run = (params: { input: any; controller: any }) => unknown;

/** A v6 definition whose run() is the given function, and which records its hooks. */
function v6(id: string, run: Run, hooks: string[] = []): AnyTaskDefinition {
  class Impl implements TaskDefinition.Interface<any, any> {
    id = id;
    title = id;
    run(params: any) {
      return run(params) as any;
    }
    onDone() {
      hooks.push(`${id}:onDone`);
    }
    onError() {
      hooks.push(`${id}:onError`);
    }
    onAbort() {
      hooks.push(`${id}:onAbort`);
    }
  }
  return TaskDefinition.createImplementation({ implementation: Impl });
}

for (const kind of await storeKinds()) {
  describe(`what run() returns or throws (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));
    const fixture = async (definitions: AnyTaskDefinition[]) => {
      const f = await stintFixture(kind, definitions);
      fixtures.push(f);
      return f;
    };
    const items = async (f: StintFixture, id: string) =>
      (await f.stint.tasks.listLogs({ where: { task: id }, sort: ["createdOn_ASC"] })).items.flatMap((log) => log.items);

    it("stores a plain { status: 'done' } result like response.done (Webiny v6 Result)", async () => {
      const hooks: string[] = [];
      const withOutput = v6("plainDone", () => ({ status: "done", message: "All rows imported.", output: { rows: 3 } }), hooks);
      const bare = v6("plainDoneBare", () => ({ status: "done" }), hooks);
      const f = await fixture([withOutput, bare]);
      const a = await f.stint.tasks.trigger({ definition: withOutput });
      const b = await f.stint.tasks.trigger({ definition: bare });
      await f.worker.drain();

      const taskA = (await f.stint.storage.taskGet({ id: a.id }))!;
      assert.equal(taskA.taskStatus, "success");
      assert.deepEqual(taskA.output, { rows: 3 });
      assert.deepEqual((await items(f, a.id)).map((i) => i.message), ["All rows imported."]);
      const taskB = (await f.stint.storage.taskGet({ id: b.id }))!;
      assert.equal(taskB.taskStatus, "success");
      assert.equal(taskB.output, null);
      assert.deepEqual((await items(f, b.id)).map((i) => i.message), ["Task done."], "the default message, as done()");
      assert.deepEqual(hooks.sort(), ["plainDone:onDone", "plainDoneBare:onDone"]);
    });

    it("continues on a plain { status: 'continue', input, wait } result, wait in seconds (Webiny v6 Result)", async () => {
      const seen: unknown[] = [];
      const paged = v6("plainContinue", ({ input }) => {
        seen.push({ ...input });
        return input.page < 2 ? { status: "continue", input: { page: input.page + 1 }, wait: 30 } : { status: "done", output: { pages: input.page } };
      });
      const f = await fixture([paged]);
      const { id } = await f.stint.tasks.trigger({ definition: paged, input: { page: 1, keep: true } });
      await f.worker.drain();
      let task = (await f.stint.storage.taskGet({ id }))!;
      assert.equal(task.taskStatus, "running");
      assert.deepEqual(task.input, { page: 2, keep: true }, "the input is shallow-merged, as continue()");
      assert.equal(task.runAt.getTime(), f.clock.now() + 30_000, "wait: 30 is 30 seconds");

      f.clock.advance(29_000);
      await f.worker.drain();
      assert.equal(seen.length, 1);
      f.clock.advance(1_000);
      await f.worker.drain();
      task = (await f.stint.storage.taskGet({ id }))!;
      assert.equal(task.taskStatus, "success");
      assert.deepEqual(task.output, { pages: 2 });
      assert.deepEqual((await items(f, id)).map((i) => i.message), ["Task continuing.", "Task done."]);
    });

    it("fails on a plain { status: 'error', error } result like response.error, without a retry (Webiny v6 Result)", async () => {
      const hooks: string[] = [];
      const refuse = v6("plainError", () => ({ status: "error", error: { message: "Bad file.", code: "BAD_FILE", data: { line: 4 } } }), hooks);
      const f = await fixture([refuse]);
      const { id } = await f.stint.tasks.trigger({ definition: refuse });
      await f.worker.drain();
      const task = (await f.stint.storage.taskGet({ id }))!;
      assert.equal(task.taskStatus, "failed");
      assert.deepEqual(task.output, { error: { message: "Bad file.", code: "BAD_FILE", data: { line: 4 } } });
      assert.deepEqual(hooks, ["plainError:onError"]);
    });

    it("aborts on a plain { status: 'aborted' } result like response.aborted (Webiny v6 Result)", async () => {
      const hooks: string[] = [];
      const stop = v6("plainAborted", () => ({ status: "aborted" }), hooks);
      const f = await fixture([stop]);
      const { id } = await f.stint.tasks.trigger({ definition: stop });
      await f.worker.drain();
      assert.equal((await f.stint.storage.taskGet({ id }))!.taskStatus, "aborted");
      assert.deepEqual((await items(f, id)).map((i) => i.message), ["Task aborted."]);
      assert.deepEqual(hooks, ["plainAborted:onAbort"]);
    });

    it("fails an iteration whose return value is not a result, naming what was returned", async () => {
      const cycle: Record<string, unknown> = { a: 1 };
      cycle.self = cycle;
      const cases: [string, () => unknown, RegExp][] = [
        ["returnsUndefined", () => undefined, /it returned undefined\.$/],
        ["returnsString", () => "done", /it returned a string \("done"\)\.$/],
        ["returnsUnknownStatus", () => ({ status: "finished" }), /with status a string \("finished"\)\.$/],
        ["returnsNoStatus", () => ({ output: { a: 1 } }), /an object without a status\.$/],
        ["returnsBadWait", () => ({ status: "continue", input: {}, wait: "soon" }), /wait must be a number of seconds or a Date; it is a string \("soon"\)\./],
        ["returnsBigIntOutput", () => ({ status: "done", output: { n: 10n } }), /output\.n is a BigInt \(10n\)/],
        ["returnsFunctionOutput", () => ({ status: "done", output: { f: function send() {} } }), /output\.f is a function \(send\)/],
        ["returnsCyclicOutput", () => ({ status: "done", output: cycle }), /output\.self refers back to itself \(a cycle\)/],
        ["returnsStringOutput", () => ({ status: "done", output: "text" }), /output must be an object; it is a string/],
      ];
      const f = await fixture(cases.map(([id, value]) => v6(id, value)));
      const ids = await Promise.all(cases.map(([id]) => f.stint.tasks.trigger({ definition: id }).then((t) => t.id)));
      await f.worker.drain();
      for (const [i, [id, , expected]] of cases.entries()) {
        const task = (await f.stint.storage.taskGet({ id: ids[i] }))!;
        assert.equal(task.taskStatus, "failed", id);
        const error = (task.output as { error: { message: string; code: string } }).error;
        assert.match(error.message, expected, id);
        assert.equal(error.code, "TASK_RUN_ERROR", id);
      }
    });

    it("fails an iteration that throws a non-Error value, naming what was thrown", async () => {
      const cases: [string, unknown, string][] = [
        ["throwsString", "disk full", "disk full"],
        ["throwsNull", null, "run() threw null, not an Error."],
        ["throwsUndefined", undefined, "run() threw undefined, not an Error."],
        ["throwsObject", { reason: "x" }, "run() threw an object without a message, not an Error."],
        ["throwsSymbol", Symbol("stop"), "run() threw a symbol (Symbol(stop)), not an Error."],
        ["throwsNumber", 42, "run() threw a number (42), not an Error."],
      ];
      const f = await fixture(
        cases.map(([id, thrown]) =>
          v6(id, () => {
            throw thrown;
          }),
        ),
      );
      const ids = await Promise.all(cases.map(([id]) => f.stint.tasks.trigger({ definition: id }).then((t) => t.id)));
      await f.worker.drain();
      for (const [i, [id, , message]] of cases.entries()) {
        const task = (await f.stint.storage.taskGet({ id: ids[i] }))!;
        assert.equal(task.taskStatus, "failed", id);
        assert.equal((task.output as { error: { message: string } }).error.message, message, id);
      }
    });
  });
}

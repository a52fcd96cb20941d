import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";

// PostgreSQL cannot store U+0000 (SQLite can): both stores must behave the same.
for (const kind of await storeKinds()) {
  describe(`NUL characters (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));

    it("refuses a name or an input holding NUL at trigger, storing nothing", async () => {
      const echo = createTaskDefinition({ id: "echo", title: "Echo", run: ({ response }) => response.done() });
      const f = await stintFixture(kind, [echo]);
      fixtures.push(f);
      await assert.rejects(f.stint.tasks.trigger({ definition: echo, name: "a\u0000b" }), (e: unknown) => isStintError(e, "INVALID_ARGUMENT"));
      await assert.rejects(f.stint.tasks.trigger({ definition: echo, input: { deep: ["\u0000"] } }), (e: unknown) => isStintError(e, "INVALID_ARGUMENT"));
      await assert.rejects(f.stint.tasks.trigger({ definition: echo, input: { ["k\u0000"]: 1 } }), (e: unknown) => isStintError(e, "INVALID_ARGUMENT"));
      const literal = await f.stint.tasks.trigger({ definition: echo, input: { text: "\\u0000 is fine as text" } });
      assert.deepEqual(literal.input, { text: "\\u0000 is fine as text" });
      assert.equal((await f.stint.tasks.listTasks()).meta.totalCount, 1);
      for (const params of [{ where: { name: "a\u0000" } }, { where: { name_contains: "\u0000" } }, { search: "x\u0000" }]) {
        await assert.rejects(f.stint.tasks.listTasks(params), (e: unknown) => isStintError(e, "INVALID_ARGUMENT"), JSON.stringify(params));
      }
    });

    it("stores a task's output, checkpoint, logs and abort message with NUL replaced, without failing other tasks", async () => {
      const nul = createTaskDefinition<{ step?: number }>({
        id: "nul",
        title: "Nul",
        run: async ({ input, response, store }) => {
          await store.addInfoLog({ message: "log\u0000line", data: { "k\u0000": "v\u0000" } });
          if (!input.step) return response.continue({ step: 1, note: "c\u0000p" } as never);
          return response.done({ out: "o\u0000ut" });
        },
      });
      const fine = createTaskDefinition({ id: "fine", title: "Fine", run: ({ response }) => response.done({ ok: true }) });
      const f = await stintFixture(kind, [nul, fine]);
      fixtures.push(f);
      const a = await f.stint.tasks.trigger({ definition: nul });
      const b = await f.stint.tasks.trigger({ definition: fine });
      await f.worker.drain();
      const task = (await f.stint.tasks.getTask(a.id))!;
      assert.equal(task.taskStatus, "success");
      assert.deepEqual(task.output, { out: "o\uFFFDut" });
      assert.equal((task.input as { note: string }).note, "c\uFFFDp");
      assert.equal((await f.stint.tasks.getTask(b.id))!.taskStatus, "success");
      const logs = await f.stint.tasks.listLogs({ where: { task: a.id }, sort: ["iteration_ASC"] });
      assert.equal(logs.items[0].items[0].message, "log\uFFFDline");
      assert.deepEqual(logs.items[0].items[0].data, { "k\uFFFD": "v\uFFFD" });

      const pending = await f.stint.tasks.trigger({ definition: fine, delay: 60 });
      await f.stint.tasks.abort({ id: pending.id, message: "stop\u0000now" });
      const aborted = await f.stint.tasks.listLogs({ where: { task: pending.id } });
      assert.equal(aborted.items[0].items[0].message, "stop\uFFFDnow");
    });
  });
}

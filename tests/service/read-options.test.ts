/**
 * The TaskService's read options (`fields`, `budget`) reach the store: heavy fields left
 * out are not read, a budget stops an oversized list, and bad options are refused.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";
import { ByteBudget } from "../../src/storage/read-budget.js";

for (const kind of await storeKinds()) {
  describe(`TaskService read options (${kind.name})`, () => {
    let f: StintFixture;
    let id: string;
    const job = createTaskDefinition({ id: "job", title: "Job", run: ({ response }) => response.done({ answer: 42 }) });

    before(async () => {
      f = await stintFixture(kind, [job]);
      id = (await f.stint.tasks.trigger({ definition: job, input: { payload: "p".repeat(5000) } })).id;
      await f.worker.drain();
    });
    after(() => f.close());

    it("reads every field by default", async () => {
      const task = await f.stint.tasks.getTask(id);
      assert.equal((task!.input as { payload: string }).payload.length, 5000);
      assert.deepEqual(task!.output, { answer: 42 });
    });

    it("passes fields through getTask, listTasks and listLogs", async () => {
      const task = await f.stint.tasks.getTask(id, { fields: ["id", "output"] });
      assert.deepEqual(task!.input, {});
      assert.deepEqual(task!.output, { answer: 42 });
      const [listed] = (await f.stint.tasks.listTasks({ fields: ["id"] })).items;
      assert.equal(listed.id, id);
      assert.deepEqual(listed.input, {});
      assert.equal(listed.output, undefined, "not read: absent, as in a TaskRecord");
      const [log] = (await f.stint.tasks.listLogs({ where: { task: id }, fields: ["id"] })).items;
      assert.deepEqual(log.items, []);
      const [fullLog] = (await f.stint.tasks.listLogs({ where: { task: id } })).items;
      assert.ok(fullLog.items.length > 0);
    });

    it("passes a budget through, answering RESPONSE_TOO_LARGE over it", async () => {
      await assert.rejects(f.stint.tasks.listTasks({ budget: new ByteBudget(1000) }), (error) => isStintError(error, "RESPONSE_TOO_LARGE"));
      await assert.rejects(f.stint.tasks.getTask(id, { budget: new ByteBudget(1000) }), (error) => isStintError(error, "RESPONSE_TOO_LARGE"));
      const page = await f.stint.tasks.listTasks({ fields: ["id"], budget: new ByteBudget(1000) });
      assert.equal(page.items.length, 1);
    });

    it("refuses fields that are not a list of names, and a budget without charge()", async () => {
      const invalid = (argument: string) => (error: unknown) => isStintError(error, "INVALID_ARGUMENT") && error.data?.argument === argument;
      await assert.rejects(f.stint.tasks.getTask(id, { fields: "input" as never }), invalid("fields"));
      await assert.rejects(f.stint.tasks.listTasks({ fields: [1] as never }), invalid("fields"));
      await assert.rejects(f.stint.tasks.listLogs({ budget: {} as never }), invalid("budget"));
    });
  });
}

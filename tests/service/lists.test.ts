import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition, createPrivateTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";
import type { TaskRecord as Task } from "../../src/domain/task-record.js";

for (const kind of await storeKinds()) {
  describe(`listing tasks, logs and definitions (${kind.name})`, () => {
    let f: StintFixture;
    const alpha = createTaskDefinition({ id: "alpha", title: "Alpha", description: "First", run: ({ response }) => response.done() });
    const beta = createTaskDefinition({ id: "beta", title: "Beta", run: ({ response }) => response.error("nope") });
    const hidden = createPrivateTaskDefinition({ id: "hidden", title: "Hidden", run: ({ response }) => response.done() });

    before(async () => {
      f = await stintFixture(kind, [alpha, beta, hidden]);
      for (let i = 0; i < 7; i++) {
        await f.stint.tasks.trigger({ definition: i % 2 ? beta : alpha, name: `job ${i}` });
        f.clock.advance(1000);
      }
      await f.worker.drain();
      await f.stint.tasks.trigger({ definition: alpha, name: "pending one", delay: 3600 });
    });
    after(() => f.close());

    it("lists newest first by default with totalCount and Webiny's meta", async () => {
      const page = await f.stint.tasks.listTasks();
      assert.equal(page.meta.totalCount, 8);
      assert.equal(page.meta.hasMoreItems, false);
      assert.equal(page.meta.cursor, null);
      assert.equal(page.items[0].name, "pending one");
      const times = page.items.map((t) => Date.parse(t.createdOn));
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
    });

    it("filters by status, definition, name and iterations", async () => {
      const failed = await f.stint.tasks.listTasks({ where: { taskStatus: "failed" } });
      assert.equal(failed.meta.totalCount, 3);
      assert.ok(failed.items.every((t) => t.definitionId === "beta"));
      const alphaDone = await f.stint.tasks.listTasks({ where: { definitionId: "alpha", taskStatus_not: "pending" } });
      assert.equal(alphaDone.meta.totalCount, 4);
      const named = await f.stint.tasks.listTasks({ where: { name_startsWith: "job", name_not_in: ["job 0", "job 1"] } });
      assert.equal(named.meta.totalCount, 5);
      const ran = await f.stint.tasks.listTasks({ where: { iterations_gte: 1 } });
      assert.equal(ran.meta.totalCount, 7);
      const searched = await f.stint.tasks.listTasks({ search: "PENDING" });
      assert.deepEqual(searched.items.map((t) => t.name), ["pending one"]);
    });

    it("sorts with both sorter spellings", async () => {
      const asc = await f.stint.tasks.listTasks({ sort: ["createdOn_ASC"], where: { name_startsWith: "job" } });
      const v6 = await f.stint.tasks.listTasks({ sort: ["values_createdOn_ASC"], where: { name_startsWith: "job" } });
      assert.deepEqual(asc.items.map((t) => t.name), ["job 0", "job 1", "job 2", "job 3", "job 4", "job 5", "job 6"]);
      assert.deepEqual(v6.items.map((t) => t.id), asc.items.map((t) => t.id));
    });

    it("pages with limit and after to the end, where the cursor is null", async () => {
      const seen: Task[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<typeof f.stint.tasks.listTasks>> = await f.stint.tasks.listTasks({ limit: 3, after });
        seen.push(...page.items);
        assert.equal(page.meta.totalCount, 8);
        assert.equal(page.meta.hasMoreItems, page.meta.cursor !== null);
        after = page.meta.cursor;
        pages++;
      } while (after);
      assert.equal(pages, 3);
      assert.equal(new Set(seen.map((t) => t.id)).size, 8);
    });

    it("lists logs by task and iteration", async () => {
      const [first] = (await f.stint.tasks.listTasks({ where: { name: "job 1" } })).items;
      const logs = await f.stint.tasks.listLogs({ where: { task: first.id } });
      assert.equal(logs.items.length, 1);
      assert.equal(logs.items[0].task, first.id);
      assert.equal(logs.items[0].items[0].type, "error");
      assert.equal(logs.items[0].items[0].message, "nope");
      const all = await f.stint.tasks.listLogs({ where: { iteration: 1 }, limit: 2 });
      assert.equal(all.meta.totalCount, 7);
      assert.equal(all.items.length, 2);
      assert.equal(all.meta.hasMoreItems, true);
    });

    it("refuses unknown filters, sorters, limits and cursors with INVALID_ARGUMENT", async () => {
      const bad = [
        { where: { colour: "red" } },
        { where: { taskStatus: "sleeping" } },
        { where: { iterations_gt: "many" } },
        { sort: ["colour_ASC"] },
        { limit: 0 },
        { limit: 100_000 },
        { after: "not-a-cursor" },
      ];
      for (const params of bad) {
        await assert.rejects(f.stint.tasks.listTasks(params as never), (e: unknown) => isStintError(e, "INVALID_ARGUMENT"), JSON.stringify(params));
      }
    });

    it("lists public definitions only, with their details", () => {
      const definitions = f.stint.tasks.listDefinitions();
      assert.deepEqual(definitions.map((d) => d.id), ["alpha", "beta"]);
      assert.equal(definitions[0].description, "First");
      assert.equal(definitions[1].description, null);
      assert.equal(definitions[0].maxIterations, 50);
      assert.equal(f.stint.tasks.listDefinitions({ includePrivate: true }).length, 3);
    });

    it("deletes a task with its logs", async () => {
      const [victim] = (await f.stint.tasks.listTasks({ where: { name: "job 2" } })).items;
      assert.equal(await f.stint.tasks.deleteTask(victim.id), true);
      assert.equal(await f.stint.tasks.getTask(victim.id), null);
      assert.equal((await f.stint.tasks.listLogs({ where: { task: victim.id } })).meta.totalCount, 0);
    });
  });
}

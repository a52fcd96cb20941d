/**
 * stint.tasks.rerun / rerunMany (docs/run-history.md "Re-run") on both stores: what a
 * re-run copies and what it leaves, the hook it runs, and every refusal, each leaving the
 * store unchanged.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";
import { newId } from "../../src/domain/ids.js";
import { SYSTEM_IDENTITY } from "../../src/domain/task.js";

function code(expected: string, argument?: string) {
  return (error: unknown) => {
    assert.ok(isStintError(error), `expected a StintError, got ${String(error)}`);
    assert.equal(error.code, expected, error.message);
    if (argument !== undefined) assert.equal((error.data as { argument?: string }).argument, argument);
    return true;
  };
}

for (const kind of await storeKinds()) {
  describe(`re-run (${kind.name})`, () => {
    let f: StintFixture;
    const hookInputs: unknown[] = [];
    const steps = createTaskDefinition<{ file: string; row?: number }>({
      id: "steps",
      title: "Steps",
      concurrency: { limit: 5 },
      createInputValidation: ({ validator }) => ({ file: validator.string().min(1), row: validator.number().optional() }),
      onBeforeTrigger: ({ data }) => {
        hookInputs.push(data.input);
      },
      run: ({ input, response }) => ((input.row ?? 0) < 2 ? response.continue({ row: (input.row ?? 0) + 1 }) : response.done()),
    });
    const waiting = createTaskDefinition({ id: "waiting", title: "Waiting", run: ({ response }) => response.done() });

    async function taskCount(): Promise<number> {
      return (await f.stint.tasks.listTasks({ limit: 1 })).meta.totalCount;
    }

    before(async () => {
      f = await stintFixture(kind, [steps, waiting]);
    });
    after(() => f.close());

    it("re-runs a finished task from its first input, keeping its name, parent, priority and concurrency key, not its idempotency key", async () => {
      const parent = await f.stint.tasks.trigger({ definition: waiting, name: "parent" });
      const original = await f.stint.tasks.trigger({
        definition: steps,
        input: { file: "a.csv" },
        name: "import a",
        parent: parent.id,
        priority: 7,
        concurrencyKey: "tenant-a",
        idempotencyKey: "import-a",
      });
      await f.worker.drain();
      const done = await f.stint.tasks.getTask(original.id);
      assert.equal(done!.taskStatus, "success");
      assert.deepEqual(done!.input, { file: "a.csv", row: 2 });
      assert.deepEqual(done!.triggeredInput, { file: "a.csv" });

      hookInputs.length = 0;
      const rerun = await f.stint.tasks.rerun({ id: original.id });
      assert.deepEqual(hookInputs, [{ file: "a.csv" }], "onBeforeTrigger runs for a re-run, with its input");
      assert.notEqual(rerun.id, original.id);
      assert.equal(rerun.rerunOf, original.id);
      assert.equal(rerun.definitionId, "steps");
      assert.equal(rerun.name, "import a");
      assert.equal(rerun.parentId, parent.id);
      assert.equal(rerun.priority, 7);
      assert.equal(rerun.concurrencyKey, "tenant-a");
      assert.equal(rerun.idempotencyKey, undefined);
      assert.deepEqual(rerun.input, { file: "a.csv" });
      assert.deepEqual(rerun.triggeredInput, { file: "a.csv" });
      assert.equal(rerun.iterations, 0);
      assert.deepEqual(rerun.createdBy, SYSTEM_IDENTITY);

      const fromCheckpoint = await f.stint.tasks.rerun({ id: original.id, from: "checkpoint" }, { createdBy: { id: "u1", displayName: "User", type: "admin" } });
      assert.deepEqual(fromCheckpoint.input, { file: "a.csv", row: 2 });
      assert.equal(fromCheckpoint.createdBy.id, "u1");
      const listed = await f.stint.tasks.listTasks({ where: { rerunOf: original.id }, sort: ["createdOn_ASC"] });
      assert.deepEqual(listed.items.map((t) => t.id).sort(), [rerun.id, fromCheckpoint.id].sort());

      await f.worker.drain();
      assert.equal((await f.stint.tasks.getTask(rerun.id))!.taskStatus, "success");
      // A re-run of a re-run points at the one it re-runs.
      const again = await f.stint.tasks.rerun({ id: rerun.id });
      assert.equal(again.rerunOf, rerun.id);
      await f.worker.drain();
    });

    it("refuses a task that is still pending or running, an unknown id, a bad id and a bad from, storing nothing", async () => {
      const pending = await f.stint.tasks.trigger({ definition: waiting, delay: 3600 });
      const finished = (await f.stint.tasks.listTasks({ where: { taskStatus: "success" }, limit: 1 })).items[0];
      const before = await taskCount();
      await assert.rejects(f.stint.tasks.rerun({ id: pending.id }), code("TASK_RERUN_ERROR"));
      const unknown = newId();
      await assert.rejects(f.stint.tasks.rerun({ id: unknown }), code("NOT_FOUND"));
      await assert.rejects(f.stint.tasks.rerun({ id: "not an id!" }), code("INVALID_TASK_ID"));
      await assert.rejects(f.stint.tasks.rerun({ id: finished.id, from: "middle" as never }), code("INVALID_ARGUMENT", "from"));
      await assert.rejects(f.stint.tasks.rerun(null as never), code("INVALID_ARGUMENT"));
      assert.equal(await taskCount(), before);
      await f.stint.tasks.abort({ id: pending.id });
    });

    it("refuses, as a trigger would, an input that no longer validates and a definition this process does not know", async () => {
      const adapter = f.stint.storage;
      const now = f.clock.now();
      const base = { parentId: null, maxIterations: 5, runAt: now, createdOn: now, createdBy: SYSTEM_IDENTITY, eventResponse: null };
      const [invalid, foreign] = await adapter.taskCreateMany({
        tasks: [
          { ...base, id: newId(now), name: "old", definitionId: "steps", input: { file: "" } },
          { ...base, id: newId(now), name: "foreign", definitionId: "elsewhere", input: {} },
        ],
      });
      for (const task of [invalid, foreign]) await f.stint.tasks.abort({ id: task.id });
      const before = await taskCount();
      await assert.rejects(f.stint.tasks.rerun({ id: invalid.id }), code("VALIDATION_FAILED_INVALID_FIELDS"));
      await assert.rejects(f.stint.tasks.rerun({ id: foreign.id }), code("TASK_DEFINITION_ERROR"));
      assert.equal(await taskCount(), before);
      // In bulk, a refused task is skipped and not counted; the others are re-run.
      const result = await f.stint.tasks.rerunMany({ where: { name_in: ["old", "foreign", "parent"] } });
      assert.deepEqual(result, { count: 1, dryRun: false });
      assert.equal(await taskCount(), before + 1);
      await f.worker.drain();
    });

    it("re-runs in bulk only finished tasks, and refuses a bad where, limit, dryRun or from, storing nothing", async () => {
      const pending = await f.stint.tasks.trigger({ definition: steps, input: { file: "later.csv" }, delay: 3600 });
      const finishedSteps = (await f.stint.tasks.listTasks({ where: { definitionId: "steps", taskStatus_in: ["success", "failed", "aborted"] } })).meta.totalCount;
      const before = await taskCount();
      assert.deepEqual(await f.stint.tasks.rerunMany({ where: { definitionId: "steps" }, dryRun: true }), { count: finishedSteps, dryRun: true });
      assert.deepEqual(await f.stint.tasks.rerunMany({ where: { definitionId: "steps", taskStatus: "pending" } }), { count: 0, dryRun: false });
      assert.equal(await taskCount(), before);
      const bad: [string, unknown][] = [
        ["where", { where: {} }],
        ["where", {}],
        ["where", { where: null }],
        ["limit", { where: { definitionId: "steps" }, limit: -1 }],
        ["limit", { where: { definitionId: "steps" }, limit: 0 }],
        ["limit", { where: { definitionId: "steps" }, limit: 1.5 }],
        ["dryRun", { where: { definitionId: "steps" }, dryRun: "yes" }],
        ["from", { where: { definitionId: "steps" }, from: "end" }],
      ];
      for (const [argument, params] of bad) {
        await assert.rejects(f.stint.tasks.rerunMany(params as never), code("INVALID_ARGUMENT", argument), JSON.stringify(params));
      }
      await assert.rejects(f.stint.tasks.rerunMany({ where: { noSuchField: 1 } }), code("INVALID_ARGUMENT"));
      assert.equal(await taskCount(), before);
      const two = await f.stint.tasks.rerunMany({ where: { definitionId: "steps", name: "import a" }, limit: 2, from: "checkpoint" });
      assert.deepEqual(two, { count: 2, dryRun: false });
      assert.equal(await taskCount(), before + 2);
      await f.stint.tasks.abort({ id: pending.id });
      await f.worker.drain();
    });
  });
}

/**
 * Deleting and aborting with a real worker running the iterations: a deleted running task
 * is aborted first (onAbort once, the iteration sees the signal) and its late done()
 * neither brings the row back nor leaves a log; aborting a parent aborts its running
 * child, each onAbort run once; the bulk abort runs onAbort once per task, children
 * included.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { deferred, stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";

for (const kind of await storeKinds()) {
  describe(`deleting and aborting (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));

    /** A definition whose iterations wait for `release`, then say done; onAbort runs counted by task id. */
    function blocking() {
      const started = deferred();
      const release = deferred();
      const aborted: string[] = [];
      const sawAbort: boolean[] = [];
      const definition = createTaskDefinition({
        id: "blocking",
        title: "Blocking",
        run: async ({ response, isAborted, store }) => {
          started.resolve();
          await release.promise;
          sawAbort.push(isAborted());
          await store.addInfoLog({ message: "after the abort" });
          return response.done({ finished: true });
        },
        onAbort: ({ task }) => void aborted.push(task.id),
      });
      return { definition, started, release, aborted, sawAbort };
    }

    it("deletes a running task: aborted first, onAbort once, and its late done() changes nothing", async () => {
      const b = blocking();
      const f = await stintFixture(kind, [b.definition]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: b.definition });
      const drained = f.worker.drain();
      await b.started.promise;
      assert.equal(await f.stint.tasks.deleteTask(id), true);
      assert.deepEqual(b.aborted, [id]);
      b.release.resolve();
      await drained;
      assert.deepEqual(b.sawAbort, [true]);
      assert.equal(await f.stint.tasks.getTask(id), null);
      assert.deepEqual((await f.stint.tasks.listLogs({ where: { task: id } })).items, []);
      assert.deepEqual(b.aborted, [id], "onAbort ran once, not again by the worker");
    });

    it("aborts a parent's running child with it, each onAbort once, and leaves children with children: false", async () => {
      const b = blocking();
      const parentDef = createTaskDefinition({ id: "parentTask", title: "Parent", run: async ({ response }) => response.continue({}, { seconds: 600 }), onAbort: ({ task }) => void b.aborted.push(task.id) });
      const f = await stintFixture(kind, [b.definition, parentDef]);
      fixtures.push(f);
      const parent = await f.stint.tasks.trigger({ definition: parentDef, delay: 600 });
      const child = await f.stint.tasks.trigger({ definition: b.definition, parent: parent.id });
      const drained = f.worker.drain();
      await b.started.promise;
      await f.stint.tasks.abort({ id: parent.id });
      assert.deepEqual([...b.aborted].sort(), [parent.id, child.id].sort());
      b.release.resolve();
      await drained;
      assert.equal((await f.stint.tasks.getTask(child.id))?.taskStatus, "aborted");
      assert.deepEqual(b.sawAbort, [true]);

      const other = await f.stint.tasks.trigger({ definition: parentDef, delay: 600 });
      const kept = await f.stint.tasks.trigger({ definition: parentDef, delay: 600, parent: other.id });
      await f.stint.tasks.abort({ id: other.id, children: false });
      assert.equal((await f.stint.tasks.getTask(kept.id))?.taskStatus, "pending");

      const result = await f.stint.tasks.abortMany({ where: { definitionId: "parentTask" } });
      assert.deepEqual(result, { count: 1, dryRun: false });
      const counts = new Map<string, number>();
      for (const id of b.aborted) counts.set(id, (counts.get(id) ?? 0) + 1);
      assert.deepEqual([...counts.values()], [1, 1, 1, 1], "each aborted task's onAbort ran once");
    });
  });
}

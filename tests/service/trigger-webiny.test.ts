/**
 * TaskService behaviours that follow Webiny's trigger (packages/tasks `trigger`,
 * `validateDelay`, `abort`) and its record shape, on both stores.
 */
import { describe, it, after, before } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";
import type { BeforeTriggerParams } from "../../src/definition/types.js";

/** A user's own error class, as Webiny code throws `WebinyError`s. */
class QuotaError extends Error {
  readonly code = "QUOTA_EXCEEDED";
  readonly data = { used: 10, limit: 10 };
}

for (const kind of await storeKinds()) {
  describe(`TaskService follows Webiny's trigger (${kind.name})`, () => {
    let f: StintFixture;
    const seen: BeforeTriggerParams["data"][] = [];
    let veto: Error | null = null;
    const guarded = createTaskDefinition<{ email?: string }>({
      id: "guarded",
      title: "Guarded task",
      createInputValidation: ({ validator }) => ({ email: validator.string().email() }),
      onBeforeTrigger: ({ data }) => {
        seen.push(data);
        if (veto) throw veto;
      },
      run: ({ response }) => response.done(),
    });
    const plain = createTaskDefinition({ id: "plain", title: "Plain", run: ({ response }) => response.done() });
    before(async () => {
      f = await stintFixture(kind, [guarded, plain]);
    });
    after(() => f.close());

    async function count() {
      return (await f.stint.tasks.listTasks({ limit: 1 })).meta.totalCount;
    }

    it("runs onBeforeTrigger first, before the delay and input checks, with the data Webiny builds", async () => {
      seen.length = 0;
      veto = null;
      const before = await count();
      // Both the delay and the input are bad: onBeforeTrigger still runs, then the delay refuses.
      await assert.rejects(
        f.stint.tasks.trigger({ definition: "guarded", input: { email: "nope" }, delay: 400 * 86400 }),
        (e: unknown) => isStintError(e, "MAX_DELAY_ERROR"),
      );
      assert.deepEqual(seen, [{ definitionId: "guarded", name: "Guarded task", input: { email: "nope" } }]);
      assert.equal("parentId" in seen[0], false, "parentId is absent without a parent, as Webiny's parent?.id");
      await assert.rejects(f.stint.tasks.trigger({ definition: "guarded" }), (e: unknown) => isStintError(e, "VALIDATION_FAILED_INVALID_FIELDS"));
      assert.deepEqual(seen[1], { definitionId: "guarded", name: "Guarded task", input: {} }, "input defaults to {}");
      assert.equal(await count(), before);
    });

    it("passes the parent's id to onBeforeTrigger", async () => {
      seen.length = 0;
      veto = null;
      const parent = await f.stint.tasks.trigger({ definition: "plain" });
      await f.stint.tasks.trigger({ definition: "guarded", input: { email: "a@b.co" }, name: "Named", parent: { id: parent.id } });
      assert.deepEqual(seen, [{ definitionId: "guarded", name: "Named", input: { email: "a@b.co" }, parentId: parent.id }]);
    });

    it("lets the error onBeforeTrigger throws reach the caller unchanged (same object: class, message, code, data)", async () => {
      veto = new QuotaError("Quota of 10 tasks reached.");
      const before = await count();
      let caught: unknown;
      await f.stint.tasks.trigger({ definition: "guarded", input: { email: "a@b.co" } }).catch((error: unknown) => (caught = error));
      assert.equal(caught, veto);
      assert.ok(caught instanceof QuotaError);
      assert.equal(caught.code, "QUOTA_EXCEEDED");
      assert.deepEqual(caught.data, { used: 10, limit: 10 });
      // A thrown non-Error value too.
      veto = "plain string" as unknown as Error;
      await assert.rejects(f.stint.tasks.trigger({ definition: "guarded", input: { email: "a@b.co" } }), (e: unknown) => e === "plain string");
      veto = null;
      assert.equal(await count(), before);
    });

    it("reads a zero or negative delay as none, as Webiny's validateDelay skips it", async () => {
      for (const delay of [0, -1, -86400]) {
        const task = await f.stint.tasks.trigger({ definition: "plain", delay });
        assert.equal(task.runAt, task.createdOn, `delay ${delay}`);
      }
    });

    it("waits a fractional delay to the millisecond and holds it to the 355-day maximum", async () => {
      const task = await f.stint.tasks.trigger({ definition: "plain", delay: 1.5 });
      assert.equal(Date.parse(task.runAt) - Date.parse(task.createdOn), 1500);
      const longest = await f.stint.tasks.trigger({ definition: "plain", delay: 30_672_000 - 0.5 });
      assert.equal(Date.parse(longest.runAt) - Date.parse(longest.createdOn), 30_671_999_500);
      await assert.rejects(f.stint.tasks.trigger({ definition: "plain", delay: 30_672_000.5 }), (e: unknown) => isStintError(e, "MAX_DELAY_ERROR"));
    });

    it("refuses a delay of exactly 355 days (MAX_DELAY_ERROR), accepts one second less", async () => {
      await assert.rejects(f.stint.tasks.trigger({ definition: "plain", delay: 30_672_000 }), (e: unknown) => isStintError(e, "MAX_DELAY_ERROR"));
      const task = await f.stint.tasks.trigger({ definition: "plain", delay: 30_671_999 });
      assert.equal(task.taskStatus, "pending");
    });

    it("answers an unknown id for abort and delete with Webiny v5's NOT_FOUND and message", async () => {
      for (const call of [() => f.stint.tasks.abort({ id: "000000000000nosuch" }), () => f.stint.tasks.deleteTask("000000000000nosuch")]) {
        await assert.rejects(call(), (e: unknown) => {
          assert.ok(isStintError(e, "NOT_FOUND"));
          assert.equal(e.message, 'Task "000000000000nosuch" was not found!');
          assert.deepEqual(e.data, { id: "000000000000nosuch" });
          return true;
        });
      }
    });

    it("returns Webiny's record shape: ISO dates, absent fields undefined (trigger, getTask, listTasks, abort)", async () => {
      const triggered = await f.stint.tasks.trigger({ definition: "plain", input: { a: 1 } });
      const got = (await f.stint.tasks.getTask(triggered.id))!;
      const listed = (await f.stint.tasks.listTasks({ where: { id: triggered.id } })).items[0];
      const aborted = await f.stint.tasks.abort({ id: triggered.id });
      for (const record of [triggered, got, listed, aborted]) {
        assert.equal(typeof record.createdOn, "string");
        assert.equal(new Date(record.createdOn).toISOString(), record.createdOn);
        assert.equal(typeof record.savedOn, "string");
        assert.equal(typeof record.runAt, "string");
        assert.equal(record.parentId, undefined);
        assert.equal(record.startedOn, undefined);
        assert.equal(record.progress, undefined);
        assert.ok(!Object.values(record).includes(null), "no field is null");
        assert.ok(!Object.values(record).some((value) => value instanceof Date), "no field is a Date");
      }
      assert.equal(triggered.output, undefined);
      assert.equal(aborted.taskStatus, "aborted");
      assert.equal(typeof aborted.finishedOn, "string");
    });

    it("returns logs in Webiny's log record shape: the task's id as `task`, ISO dates", async () => {
      const task = await f.stint.tasks.trigger({ definition: "plain", delay: 60 });
      await f.stint.tasks.abort({ id: task.id, message: "Stop." });
      const [log] = (await f.stint.tasks.listLogs({ where: { task: task.id } })).items;
      assert.deepEqual(Object.keys(log).sort(), ["createdBy", "createdOn", "executionName", "id", "items", "iteration", "task"]);
      assert.equal(log.task, task.id);
      assert.equal(typeof log.iteration, "number");
      assert.equal(new Date(log.createdOn).toISOString(), log.createdOn);
      assert.equal(log.items.length, 1);
      assert.equal(log.items[0].message, "Stop.");
      assert.equal(log.items[0].type, "info");
      assert.equal(typeof log.items[0].createdOn, "string");
      assert.equal("data" in log.items[0], false, "absent fields are left out");
    });
  });
}

describe("TaskService hands v5 definitions createStint's context", () => {
  it("passes { context, data } to a v5 onBeforeTrigger and { data } to a v6 one (Webiny's trigger)", async () => {
    const { createStint } = await import("../../src/stint.js");
    const { TaskDefinition } = await import("../../src/definition/task-definition.js");
    const seen: unknown[] = [];
    const v5 = createTaskDefinition({
      id: "vFive",
      title: "v5",
      onBeforeTrigger: (params) => void seen.push(params),
      run: ({ response }) => response.done(),
    });
    class V6 {
      id = "vSix";
      title = "v6";
      run = () => ({ status: "done" as const });
      onBeforeTrigger(params: unknown) {
        seen.push(params);
      }
    }
    const v6 = TaskDefinition.createImplementation({ implementation: V6, dependencies: [] });
    let calls = 0;
    const stint = await createStint({ database: "sqlite::memory:", definitions: [v5, v6], context: () => ({ tenant: "root", call: ++calls }), useEnv: false });
    try {
      await stint.tasks.trigger({ definition: "vFive", input: { a: 1 } });
      await stint.tasks.trigger({ definition: "vSix" });
      assert.deepEqual(seen, [
        { context: { tenant: "root", call: 1 }, data: { definitionId: "vFive", name: "v5", input: { a: 1 } } },
        { data: { definitionId: "vSix", name: "v6", input: {} } },
      ]);
    } finally {
      await stint.close();
    }
  });

  it("passes the context to the v5 onAbort that abort() runs", async () => {
    const { createStint } = await import("../../src/stint.js");
    const aborted: unknown[] = [];
    const v5 = createTaskDefinition({
      id: "abortable",
      title: "Abortable",
      onAbort: ({ context, task }) => void aborted.push([context, task.taskStatus]),
      run: ({ response }) => response.done(),
    });
    const stint = await createStint({ database: "sqlite::memory:", definitions: [v5], context: { tenant: "root" }, useEnv: false });
    try {
      const task = await stint.tasks.trigger({ definition: "abortable", delay: 60 });
      await stint.tasks.abort({ id: task.id });
      assert.deepEqual(aborted, [[{ tenant: "root" }, "aborted"]]);
    } finally {
      await stint.close();
    }
  });
});

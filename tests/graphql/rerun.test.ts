/**
 * Re-run over GraphQL (docs/run-history.md "Re-run"): rerunTask answers the new task as
 * triggerTask does, rerunTasks the count; every bad input answers the `error` envelope
 * with a typed code (a bad `from` enum value is refused by GraphQL validation), and
 * stores nothing.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { newId } from "../../src/domain/ids.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { ERROR_FIELDS, startApi, waitFor, type Api } from "./helpers.js";

for (const kind of await storeKinds()) {
  describe(`GraphQL rerunTask / rerunTasks (${kind.name})`, () => {
    let api: Api;
    let finishedId: string;
    before(async () => {
      api = await startApi(kind, { definitions: TEST_DEFINITIONS, worker: true });
      const trigger = await api.gql(`mutation { backgroundTasks { triggerTask(definition: someTask, name: "doubler", input: { value: 4, steps: 2 }) { data { id } } } }`);
      finishedId = trigger.body.data.backgroundTasks.triggerTask.data.id;
      await waitFor("the task to succeed", async () => ((await task(finishedId)).taskStatus === "success" ? true : undefined));
    });
    after(async () => {
      await api?.close();
    });

    async function task(id: string): Promise<Record<string, any>> {
      const answer = await api.gql(`query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { id name taskStatus input triggeredInput rerunOf } } } }`, { id });
      return answer.body.data.backgroundTasks.getTask.data;
    }

    async function taskCount(): Promise<number> {
      const answer = await api.gql(`query { backgroundTasks { listTasks(limit: 1) { meta { totalCount } } } }`);
      return answer.body.data.backgroundTasks.listTasks.meta.totalCount;
    }

    it("shows the input as triggered beside the checkpoint, and re-runs from either", async () => {
      const original = await task(finishedId);
      assert.deepEqual(original.input, { value: 4, steps: 2, step: 2 });
      assert.deepEqual(original.triggeredInput, { value: 4, steps: 2 });
      assert.equal(original.rerunOf, null);

      const fromStart = await api.gql(`mutation ($id: ID!) { backgroundTasks { rerunTask(id: $id) { data { id name input rerunOf } ${ERROR_FIELDS} } } }`, { id: finishedId });
      const started = fromStart.body.data.backgroundTasks.rerunTask;
      assert.equal(started.error, null);
      assert.equal(started.data.rerunOf, finishedId);
      assert.equal(started.data.name, "doubler");
      assert.deepEqual(started.data.input, { value: 4, steps: 2 });

      const fromCheckpoint = await api.gql(`mutation ($id: ID!) { backgroundTasks { rerunTask(id: $id, from: checkpoint) { data { input rerunOf } ${ERROR_FIELDS} } } }`, { id: finishedId });
      assert.deepEqual(fromCheckpoint.body.data.backgroundTasks.rerunTask, { data: { input: { value: 4, steps: 2, step: 2 }, rerunOf: finishedId }, error: null });

      const listed = await api.gql(`query ($id: ID!) { backgroundTasks { listTasks(where: { rerunOf: $id }) { data { rerunOf } meta { totalCount } } } }`, { id: finishedId });
      assert.equal(listed.body.data.backgroundTasks.listTasks.meta.totalCount, 2);
      await waitFor("the re-run to succeed", async () => ((await task(started.data.id)).taskStatus === "success" ? true : undefined));
    });

    it("re-runs finished tasks in bulk, with a dry run that counts only", async () => {
      const before = await taskCount();
      const dry = await api.gql(`mutation { backgroundTasks { rerunTasks(where: { name: "doubler", rerunOf: null }, dryRun: true) { data { count dryRun } ${ERROR_FIELDS} } } }`);
      assert.deepEqual(dry.body.data.backgroundTasks.rerunTasks, { data: { count: 1, dryRun: true }, error: null });
      assert.equal(await taskCount(), before);
      const run = await api.gql(`mutation { backgroundTasks { rerunTasks(where: { name: "doubler", rerunOf: null }, limit: 5) { data { count dryRun } ${ERROR_FIELDS} } } }`);
      assert.deepEqual(run.body.data.backgroundTasks.rerunTasks, { data: { count: 1, dryRun: false }, error: null });
      assert.equal(await taskCount(), before + 1);
    });

    it("answers every bad input with the error envelope and a typed code, storing nothing", async () => {
      const running = await api.gql(`mutation { backgroundTasks { triggerTask(definition: someTask, delay: 600) { data { id } } } }`);
      const pendingId = running.body.data.backgroundTasks.triggerTask.data.id;
      const before = await taskCount();
      const single: [string, string][] = [
        ["not an id!", "INVALID_TASK_ID"],
        [newId(), "NOT_FOUND"],
        [pendingId, "TASK_RERUN_ERROR"],
      ];
      for (const [id, code] of single) {
        const answer = await api.gql(`mutation ($id: ID!) { backgroundTasks { rerunTask(id: $id) { data { id } ${ERROR_FIELDS} } } }`, { id });
        const { data, error } = answer.body.data.backgroundTasks.rerunTask;
        assert.equal(data, null, id);
        assert.equal(error.code, code, error.message);
      }
      const bulk: [string, string][] = [
        [`where: {}`, "where"],
        [`where: { name: "doubler" }, limit: -1`, "limit"],
        [`where: { name: "doubler" }, limit: 0`, "limit"],
      ];
      for (const [args, argument] of bulk) {
        const answer = await api.gql(`mutation { backgroundTasks { rerunTasks(${args}) { data { count } ${ERROR_FIELDS} } } }`);
        const { data, error } = answer.body.data.backgroundTasks.rerunTasks;
        assert.equal(data, null, args);
        assert.equal(error.code, "INVALID_ARGUMENT", error.message);
        assert.equal(error.data.argument, argument);
      }
      const badFrom = await api.gql(`mutation ($id: ID!) { backgroundTasks { rerunTask(id: $id, from: middle) { data { id } } } }`, { id: finishedId });
      assert.ok(badFrom.body.errors?.[0]?.message.includes("WebinyBackgroundTaskRerunFrom"), JSON.stringify(badFrom.body));
      const badFromBulk = await api.gql(`mutation { backgroundTasks { rerunTasks(where: { name: "doubler" }, from: end) { data { count } } } }`);
      assert.ok(badFromBulk.body.errors?.length, JSON.stringify(badFromBulk.body));
      const noWhere = await api.gql(`mutation { backgroundTasks { rerunTasks(limit: 1) { data { count } } } }`);
      assert.ok(noWhere.body.errors?.length, "where is required by the schema");
      assert.equal(await taskCount(), before);
    });
  });
}

/**
 * Aborting over GraphQL: a running task stops as `aborted`; a finished one answers
 * Webiny's TASK_ABORT_ERROR envelope and stays as it was.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { ERROR_FIELDS, startApi, waitFor, type Api } from "./helpers.js";

for (const kind of await storeKinds()) {
  describe(`GraphQL abortTask (${kind.name})`, () => {
    let api: Api;
    before(async () => {
      api = await startApi(kind, { definitions: TEST_DEFINITIONS, worker: true });
    });
    after(async () => {
      await api?.close();
    });

    async function status(id: string): Promise<string> {
      const answer = await api.gql(`query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { taskStatus } } } }`, { id });
      return answer.body.data.backgroundTasks.getTask.data.taskStatus;
    }

    it("aborts a running task with Webiny's example operation and the reason lands in its log", async () => {
      const trigger = await api.gql(`mutation { backgroundTasks { triggerTask(definition: waitTask) { data { id } } } }`);
      const id = trigger.body.data.backgroundTasks.triggerTask.data.id;
      await waitFor("the task to run", async () => ((await status(id)) === "running" ? true : undefined));

      const answer = await api.gql(
        `mutation { backgroundTasks { abortTask(id: "${id}", message: "My reason") { data { id taskStatus } error { message code data stack } } } }`,
      );
      assert.deepEqual(answer.body.data.backgroundTasks.abortTask, { data: { id, taskStatus: "aborted" }, error: null });

      const messages = await waitFor("the abort message in the log", async () => {
        const logs = await api.gql(`query { backgroundTasks { listLogs(where: { task: "${id}" }) { data { items { message } } } } }`);
        const all = logs.body.data.backgroundTasks.listLogs.data.flatMap((log: { items: { message: string }[] }) => log.items.map((item) => item.message));
        return all.includes("My reason") ? all : undefined;
      });
      assert.ok(messages.includes("My reason"));
      // The worker sees the abort and leaves the task aborted.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await status(id), "aborted");
    });

    it("aborts a pending task", async () => {
      const trigger = await api.gql(`mutation { backgroundTasks { triggerTask(definition: someTask, delay: 600) { data { id } } } }`);
      const id = trigger.body.data.backgroundTasks.triggerTask.data.id;
      const answer = await api.gql(`mutation ($id: ID!) { backgroundTasks { abortTask(id: $id) { data { taskStatus } ${ERROR_FIELDS} } } }`, { id });
      assert.deepEqual(answer.body.data.backgroundTasks.abortTask, { data: { taskStatus: "aborted" }, error: null });
    });

    it("answers the abort of a finished task with the TASK_ABORT_ERROR envelope and changes nothing", async () => {
      const trigger = await api.gql(`mutation { backgroundTasks { triggerTask(definition: someTask, input: { value: 1 }) { data { id } } } }`);
      const id = trigger.body.data.backgroundTasks.triggerTask.data.id;
      await waitFor("the task to succeed", async () => ((await status(id)) === "success" ? true : undefined));

      const answer = await api.gql(`mutation ($id: ID!) { backgroundTasks { abortTask(id: $id, message: "too late") { data { id } ${ERROR_FIELDS} } } }`, { id });
      assert.deepEqual(answer.body.data.backgroundTasks.abortTask, {
        data: null,
        error: {
          message: "Cannot abort a task that is not pending or running!",
          code: "TASK_ABORT_ERROR",
          data: { id, status: "success" },
          stack: null,
        },
      });
      assert.equal(await status(id), "success");
    });

    it("answers the abort of an unknown task with Webiny v5's NOT_FOUND and message", async () => {
      const answer = await api.gql(`mutation { backgroundTasks { abortTask(id: "noSuchTask") { data { id } ${ERROR_FIELDS} } } }`);
      assert.equal(answer.body.data.backgroundTasks.abortTask.data, null);
      assert.equal(answer.body.data.backgroundTasks.abortTask.error.code, "NOT_FOUND");
      assert.equal(answer.body.data.backgroundTasks.abortTask.error.message, 'Task "noSuchTask" was not found!');
    });
  });
}

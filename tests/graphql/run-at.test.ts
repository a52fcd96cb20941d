/**
 * `runAt` on the task type (a Stint field): when a pending task will run. A delayed
 * trigger answers it as its creation time plus the delay, and every read (getTask,
 * listTasks) returns the same value; a task triggered without a delay is due at once.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { ERROR_FIELDS, startApi, type Api } from "./helpers.js";
import { someTask } from "./definitions.js";

const FIELDS = "id taskStatus createdOn runAt";

for (const kind of await storeKinds()) {
  describe(`GraphQL runAt (${kind.name})`, () => {
    let api: Api;
    before(async () => {
      api = await startApi(kind, { definitions: [someTask] });
    });
    after(() => api?.close());

    it("answers a delayed task's run time on trigger, getTask and listTasks", async () => {
      const triggered = await api.gql(`mutation { backgroundTasks { triggerTask(definition: someTask, delay: 3600) { data { ${FIELDS} } ${ERROR_FIELDS} } } }`);
      const task = triggered.body.data.backgroundTasks.triggerTask.data;
      assert.equal(task.taskStatus, "pending");
      assert.equal(Date.parse(task.runAt) - Date.parse(task.createdOn), 3_600_000);

      const read = await api.gql(`query { backgroundTasks { getTask(id: "${task.id}") { data { ${FIELDS} } } } }`);
      assert.equal(read.body.data.backgroundTasks.getTask.data.runAt, task.runAt);
      const listed = await api.gql(`query { backgroundTasks { listTasks(where: { id: "${task.id}" }) { data { ${FIELDS} } } } }`);
      assert.deepEqual(listed.body.data.backgroundTasks.listTasks.data, [task]);
    });

    it("answers the creation time for a task triggered without a delay", async () => {
      const triggered = await api.gql(`mutation { backgroundTasks { triggerTask(definition: someTask) { data { ${FIELDS} } } } }`);
      const task = triggered.body.data.backgroundTasks.triggerTask.data;
      assert.equal(task.runAt, task.createdOn);
    });
  });
}

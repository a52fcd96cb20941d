/**
 * A write's result is never lost: when a nested field of a mutation's task fails (logs
 * asked for by a key without `r`, a logs limit over the cap), the task that was written
 * still comes back with its id, the nested field is null and its error is in `errors`.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { ERROR_FIELDS, startApi, type Api } from "./helpers.js";

const KEYS = { all: "key-all-0123456789", write: "key-write-0123456789", del: "key-delete-0123456789" };

for (const kind of await storeKinds()) {
  describe(`GraphQL mutations keep their result when a nested field fails (${kind.name})`, () => {
    let api: Api;
    before(async () => {
      api = await startApi(kind, {
        definitions: TEST_DEFINITIONS,
        apiKeys: [
          { key: KEYS.all, permissions: "rwd" },
          { key: KEYS.write, permissions: "w" },
          { key: KEYS.del, permissions: "d" },
        ],
      });
    });
    after(async () => {
      await api?.close();
    });

    const count = async () => (await api.stint.tasks.listTasks({ limit: 1 })).meta.totalCount;
    const trigger = (logs: string) =>
      `mutation { backgroundTasks { triggerTask(definition: someTask, delay: 3600) { data { id taskStatus ${logs} } ${ERROR_FIELDS} } } }`;

    it("triggerTask by a key without `r` asking for logs: the stored task's id comes back", async () => {
      const before = await count();
      const answer = await api.gql(trigger("logs { id }"), undefined, KEYS.write);
      const result = answer.body.data.backgroundTasks.triggerTask;
      assert.equal(typeof result.data?.id, "string", JSON.stringify(answer.body));
      assert.equal(result.data.taskStatus, "pending");
      assert.equal(result.data.logs, null);
      assert.equal(result.error, null);
      assert.deepEqual(answer.body.errors?.map((e) => [e.extensions?.code, (e as { path?: unknown[] }).path]), [
        ["SECURITY_NOT_AUTHORIZED", ["backgroundTasks", "triggerTask", "data", "logs"]],
      ]);
      // Stored exactly once, under the id the client got.
      assert.equal(await count(), before + 1);
      assert.equal((await api.stint.tasks.getTask(result.data.id))?.id, result.data.id);
    });

    it("triggerTask asking for logs(limit: 10001) (over Webiny's 10,000): the stored task's id comes back", async () => {
      const answer = await api.gql(trigger("logs(limit: 10001) { id }"), undefined, KEYS.all);
      const result = answer.body.data.backgroundTasks.triggerTask;
      assert.equal(typeof result.data?.id, "string", JSON.stringify(answer.body));
      assert.equal(result.data.logs, null);
      assert.equal(answer.body.errors?.[0]?.extensions?.code, "INVALID_ARGUMENT");
      assert.ok(await api.stint.tasks.getTask(result.data.id));
    });

    it("abortTask by a key without `r` asking for logs: the aborted task comes back", async () => {
      const task = await api.stint.tasks.trigger({ definition: "someTask", delay: 3600 });
      const answer = await api.gql(
        `mutation { backgroundTasks { abortTask(id: "${task.id}") { data { id taskStatus logs { id } } ${ERROR_FIELDS} } } }`,
        undefined,
        KEYS.write,
      );
      const result = answer.body.data.backgroundTasks.abortTask;
      assert.deepEqual(result.data, { id: task.id, taskStatus: "aborted", logs: null }, JSON.stringify(answer.body));
      assert.equal(answer.body.errors?.[0]?.extensions?.code, "SECURITY_NOT_AUTHORIZED");
    });

    it("a key without `r` asking for a nullable field of the task: the id comes back, the field is null", async () => {
      const before = await count();
      const answer = await api.gql(trigger("name"), undefined, KEYS.write);
      const result = answer.body.data.backgroundTasks.triggerTask;
      assert.equal(typeof result.data?.id, "string", JSON.stringify(answer.body));
      assert.equal(result.data.name, null);
      assert.equal(answer.body.errors?.[0]?.extensions?.code, "SECURITY_NOT_AUTHORIZED");
      assert.equal(await count(), before + 1);
    });

    it("a key without `r` asking for a non-null field (createdOn, createdBy): refused before anything is written", async () => {
      const before = await count();
      const answer = await api.gql(trigger("createdOn createdBy { id }"), undefined, KEYS.write);
      const result = answer.body.data.backgroundTasks.triggerTask;
      assert.equal(result.data, null);
      assert.equal(result.error.code, "SECURITY_NOT_AUTHORIZED");
      assert.deepEqual(result.error.data, { fields: ["createdOn", "createdBy"] });
      assert.match(result.error.message, /nothing was written/);
      assert.equal(await count(), before);

      const task = await api.stint.tasks.trigger({ definition: "someTask", delay: 3600 });
      const abort = await api.gql(
        `mutation { backgroundTasks { abortTask(id: "${task.id}") { data { id createdOn } ${ERROR_FIELDS} } } }`,
        undefined,
        KEYS.write,
      );
      assert.equal(abort.body.data.backgroundTasks.abortTask.error.code, "SECURITY_NOT_AUTHORIZED");
      assert.equal((await api.stint.tasks.getTask(task.id))?.taskStatus, "pending");
      // With `r` the same selections write and answer in full.
      const full = await api.gql(trigger("createdOn createdBy { id }"), undefined, KEYS.all);
      assert.equal(typeof full.body.data.backgroundTasks.triggerTask.data.createdOn, "string");
    });

    it("deleteTask has no nested field to fail: its answer is the deletion's", async () => {
      const task = await api.stint.tasks.trigger({ definition: "someTask", delay: 3600 });
      const answer = await api.gql(`mutation { backgroundTasks { deleteTask(id: "${task.id}") { data ${ERROR_FIELDS} } } }`, undefined, KEYS.del);
      assert.deepEqual(answer.body.data.backgroundTasks.deleteTask, { data: true, error: null });
      assert.equal(answer.body.errors, undefined);
      assert.equal(await api.stint.tasks.getTask(task.id), null);
    });

    it("a read whose nested logs fail still returns the task", async () => {
      const task = await api.stint.tasks.trigger({ definition: "someTask", delay: 3600 });
      const answer = await api.gql(
        `query { backgroundTasks { getTask(id: "${task.id}") { data { id logs(limit: 10001) { id } } ${ERROR_FIELDS} } } }`,
        undefined,
        KEYS.all,
      );
      assert.deepEqual(answer.body.data.backgroundTasks.getTask.data, { id: task.id, logs: null });
    });
  });
}

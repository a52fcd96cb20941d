/**
 * API keys over HTTP: each permission letter guards its operations; a missing or wrong
 * key is refused inside the envelope; a refused mutation changes nothing.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { ERROR_FIELDS, rawRequest, startApi, type Api } from "./helpers.js";

const DENIED = { message: "Not authorized!", code: "SECURITY_NOT_AUTHORIZED", data: null, stack: null };

const KEYS = {
  all: "key-all-0123456789",
  read: "key-read-0123456789",
  write: "key-write-0123456789",
  del: "key-delete-0123456789",
};

for (const kind of await storeKinds()) {
  describe(`GraphQL API keys (${kind.name})`, () => {
    let api: Api;
    let pendingId: string;
    before(async () => {
      api = await startApi(kind, {
        definitions: TEST_DEFINITIONS,
        apiKeys: [
          { key: KEYS.all, permissions: "rwd", name: "admin" },
          { key: KEYS.read, permissions: "r" },
          { key: KEYS.write, permissions: "w" },
          { key: KEYS.del, permissions: "d" },
        ],
      });
      pendingId = (await api.stint.tasks.trigger({ definition: "someTask", delay: 3600 })).id;
    });
    after(async () => {
      await api?.close();
    });

    const queries = {
      getTask: (id: string) => `query { backgroundTasks { getTask(id: "${id}") { data { id } ${ERROR_FIELDS} } } }`,
      listTasks: `query { backgroundTasks { listTasks { data { id } meta { totalCount } ${ERROR_FIELDS} } } }`,
      listDefinitions: `query { backgroundTasks { listDefinitions { data { id } ${ERROR_FIELDS} } } }`,
      listLogs: `query { backgroundTasks { listLogs { data { id } meta { totalCount } ${ERROR_FIELDS} } } }`,
      trigger: `mutation { backgroundTasks { triggerTask(definition: someTask, delay: 3600) { data { id } ${ERROR_FIELDS} } } }`,
      abort: (id: string) => `mutation { backgroundTasks { abortTask(id: "${id}") { data { taskStatus } ${ERROR_FIELDS} } } }`,
      remove: (id: string) => `mutation { backgroundTasks { deleteTask(id: "${id}") { data ${ERROR_FIELDS} } } }`,
    };

    async function taskCount(): Promise<number> {
      return (await api.stint.tasks.listTasks({ limit: 1 })).meta.totalCount;
    }

    it("stores the triggering key's identity as createdBy", async () => {
      const answer = await api.gql(
        `mutation { backgroundTasks { triggerTask(definition: someTask, delay: 3600) { data { id createdBy { id displayName type } } ${ERROR_FIELDS} } } }`,
        undefined,
        KEYS.all,
      );
      const created = answer.body.data.backgroundTasks.triggerTask.data;
      assert.deepEqual(created.createdBy, { id: "apikey:1", displayName: "admin", type: "apiKey" });
      const stored = await api.stint.tasks.getTask(created.id);
      assert.equal(stored?.createdBy.displayName, "admin");
      await api.stint.tasks.deleteTask(created.id);
    });

    it("r denies rerunTask and rerunTasks; w reaches the service with them", async () => {
      const rerun = `mutation { backgroundTasks { rerunTask(id: "${pendingId}") { data { id } ${ERROR_FIELDS} } } }`;
      const rerunMany = `mutation { backgroundTasks { rerunTasks(where: { definitionId: "someTask" }, dryRun: true) { data { count } ${ERROR_FIELDS} } } }`;
      const before = await taskCount();
      assert.deepEqual((await api.gql(rerun, undefined, KEYS.read)).body.data.backgroundTasks.rerunTask, { data: null, error: DENIED });
      assert.deepEqual((await api.gql(rerunMany, undefined, KEYS.read)).body.data.backgroundTasks.rerunTasks, { data: null, error: DENIED });
      // Allowed: the service answers (the task is still pending, so it refuses the re-run).
      assert.equal((await api.gql(rerun, undefined, KEYS.write)).body.data.backgroundTasks.rerunTask.error.code, "TASK_RERUN_ERROR");
      assert.equal((await api.gql(rerunMany, undefined, KEYS.write)).body.data.backgroundTasks.rerunTasks.error, null);
      assert.equal(await taskCount(), before);
    });

    it("r allows every query and denies trigger, abort and delete", async () => {
      const get = await api.gql(queries.getTask(pendingId), undefined, KEYS.read);
      assert.deepEqual(get.body.data.backgroundTasks.getTask, { data: { id: pendingId }, error: null });
      for (const query of [queries.listTasks, queries.listDefinitions, queries.listLogs]) {
        const answer = await api.gql(query, undefined, KEYS.read);
        const [result] = Object.values(answer.body.data.backgroundTasks) as { error: unknown }[];
        assert.equal(result.error, null);
      }
      const before = await taskCount();
      const trigger = await api.gql(queries.trigger, undefined, KEYS.read);
      assert.deepEqual(trigger.body.data.backgroundTasks.triggerTask, { data: null, error: DENIED });
      const abort = await api.gql(queries.abort(pendingId), undefined, KEYS.read);
      assert.deepEqual(abort.body.data.backgroundTasks.abortTask, { data: null, error: DENIED });
      const remove = await api.gql(queries.remove(pendingId), undefined, KEYS.read);
      assert.deepEqual(remove.body.data.backgroundTasks.deleteTask, { data: null, error: DENIED });
      assert.equal(await taskCount(), before);
      assert.equal((await api.stint.tasks.getTask(pendingId))?.taskStatus, "pending");
    });

    it("w allows trigger and abort, denies queries and delete", async () => {
      const trigger = await api.gql(queries.trigger, undefined, KEYS.write);
      const id = trigger.body.data.backgroundTasks.triggerTask.data.id;
      assert.equal(trigger.body.data.backgroundTasks.triggerTask.error, null);
      const abort = await api.gql(queries.abort(id), undefined, KEYS.write);
      assert.deepEqual(abort.body.data.backgroundTasks.abortTask, { data: { taskStatus: "aborted" }, error: null });

      const get = await api.gql(queries.getTask(id), undefined, KEYS.write);
      assert.deepEqual(get.body.data.backgroundTasks.getTask, { data: null, error: DENIED });
      const list = await api.gql(queries.listTasks, undefined, KEYS.write);
      assert.deepEqual(list.body.data.backgroundTasks.listTasks, { data: null, meta: null, error: DENIED });
      const remove = await api.gql(queries.remove(id), undefined, KEYS.write);
      assert.deepEqual(remove.body.data.backgroundTasks.deleteTask, { data: null, error: DENIED });
      assert.ok(await api.stint.tasks.getTask(id));
    });

    it("w gets back only id and taskStatus from a mutation: another task's input and output are refused", async () => {
      const secret = await api.stint.tasks.trigger({ definition: "someTask", input: { value: 4242 }, delay: 3600 });
      const fields = "id taskStatus name input output definitionId eventResponse progress";
      const abort = await api.gql(
        `mutation { backgroundTasks { abortTask(id: "${secret.id}") { data { ${fields} } ${ERROR_FIELDS} } } }`,
        undefined,
        KEYS.write,
      );
      const result = abort.body.data.backgroundTasks.abortTask;
      assert.equal(result.error, null, "the abort itself went through");
      assert.deepEqual(result.data, {
        id: secret.id, taskStatus: "aborted", name: null, input: null, output: null, definitionId: null, eventResponse: null, progress: null,
      });
      assert.doesNotMatch(JSON.stringify(abort.body), /4242/);
      const refused = (abort.body.errors ?? []).map((error: any) => [error.path.at(-1), error.extensions.code]);
      assert.deepEqual(
        refused.sort(),
        ["name", "input", "output", "definitionId", "eventResponse", "progress"].map((field) => [field, "SECURITY_NOT_AUTHORIZED"]).sort(),
      );
      assert.match(abort.body.errors?.[0]?.message ?? "", /needs an API key with the "r" permission/);

      const trigger = await api.gql(
        `mutation { backgroundTasks { triggerTask(definition: someTask, input: { value: 7 }, delay: 3600) { data { id taskStatus input } ${ERROR_FIELDS} } } }`,
        undefined,
        KEYS.write,
      );
      const triggered = trigger.body.data.backgroundTasks.triggerTask;
      assert.equal(triggered.error, null);
      assert.equal(triggered.data.taskStatus, "pending");
      assert.equal(triggered.data.input, null);
      assert.deepEqual((await api.stint.tasks.getTask(triggered.data.id))?.input, { value: 7 });

      // The same fields with r: everything comes back.
      const all = await api.gql(queries.getTask(secret.id).replace("data { id }", `data { ${fields} }`), undefined, KEYS.all);
      assert.equal(all.body.errors, undefined);
      assert.deepEqual(all.body.data.backgroundTasks.getTask.data.input, { value: 4242 });
    });

    it("introspection needs r, and a caller without r gets no field or definition suggestions", async () => {
      const introspection = `{ __schema { queryType { name } } }`;
      const typeQuery = `{ __type(name: "WebinyBackgroundTask") { fields { name } } }`;
      for (const key of [KEYS.write, KEYS.del, undefined]) {
        for (const query of [introspection, typeQuery]) {
          const answer = await api.gql(query, undefined, key);
          assert.equal(answer.body.data, undefined, `${key}: ${query}`);
          assert.equal(answer.body.errors?.[0]?.extensions?.code, "SECURITY_NOT_AUTHORIZED");
          assert.match(answer.body.errors![0].message, /Introspection .* needs an API key with the "r" permission/);
        }
        const typo = await api.gql(`{ backgroundTasks { listTask { data { id } } } }`, undefined, key);
        assert.doesNotMatch(JSON.stringify(typo.body), /Did you mean|listTasks/);
        const enumTypo = await api.gql(`mutation { backgroundTasks { triggerTask(definition: someTas) { data { id } } } }`, undefined, key);
        assert.doesNotMatch(JSON.stringify(enumTypo.body), /Did you mean|someTask|waitTask/);
        const variableTypo = await api.gql(
          `mutation ($d: WebinyBackgroundTaskDefinitionEnum!) { backgroundTasks { triggerTask(definition: $d) { data { id } } } }`,
          { d: "someTas" },
          key,
        );
        assert.ok(variableTypo.body.errors?.length);
        assert.doesNotMatch(JSON.stringify(variableTypo.body), /Did you mean|someTask|waitTask/);
      }
      const reader = await api.gql(introspection, undefined, KEYS.read);
      assert.deepEqual(reader.body.data, { __schema: { queryType: { name: "Query" } } });
      const readerTypo = await api.gql(`{ backgroundTasks { listTask { data { id } } } }`, undefined, KEYS.read);
      assert.match(JSON.stringify(readerTypo.body), /Did you mean/);
    });

    it("d allows delete only", async () => {
      const id = (await api.stint.tasks.trigger({ definition: "someTask", delay: 3600 })).id;
      const before = await taskCount();
      const trigger = await api.gql(queries.trigger, undefined, KEYS.del);
      assert.deepEqual(trigger.body.data.backgroundTasks.triggerTask, { data: null, error: DENIED });
      const abort = await api.gql(queries.abort(id), undefined, KEYS.del);
      assert.deepEqual(abort.body.data.backgroundTasks.abortTask, { data: null, error: DENIED });
      const definitions = await api.gql(queries.listDefinitions, undefined, KEYS.del);
      assert.deepEqual(definitions.body.data.backgroundTasks.listDefinitions, { data: null, error: DENIED });
      assert.equal(await taskCount(), before);
      assert.equal((await api.stint.tasks.getTask(id))?.taskStatus, "pending");

      const remove = await api.gql(queries.remove(id), undefined, KEYS.del);
      assert.deepEqual(remove.body.data.backgroundTasks.deleteTask, { data: true, error: null });
      assert.equal(await api.stint.tasks.getTask(id), null);
    });

    it("rwd allows everything", async () => {
      const trigger = await api.gql(queries.trigger, undefined, KEYS.all);
      const id = trigger.body.data.backgroundTasks.triggerTask.data.id;
      const get = await api.gql(queries.getTask(id), undefined, KEYS.all);
      assert.equal(get.body.data.backgroundTasks.getTask.data.id, id);
      const abort = await api.gql(queries.abort(id), undefined, KEYS.all);
      assert.equal(abort.body.data.backgroundTasks.abortTask.data.taskStatus, "aborted");
      const remove = await api.gql(queries.remove(id), undefined, KEYS.all);
      assert.equal(remove.body.data.backgroundTasks.deleteTask.data, true);
    });

    it("refuses a request without a key, inside the envelope, and changes nothing", async () => {
      const before = await taskCount();
      const list = await api.gql(queries.listTasks);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.data.backgroundTasks.listTasks, { data: null, meta: null, error: DENIED });
      const trigger = await api.gql(queries.trigger);
      assert.deepEqual(trigger.body.data.backgroundTasks.triggerTask, { data: null, error: DENIED });
      const remove = await api.gql(queries.remove(pendingId));
      assert.deepEqual(remove.body.data.backgroundTasks.deleteTask, { data: null, error: DENIED });
      assert.equal(await taskCount(), before);
    });

    it("refuses a wrong key, a near-miss key and a non-Bearer scheme", async () => {
      for (const key of ["wrong", `${KEYS.all}x`, KEYS.all.slice(0, -1), ""]) {
        const answer = await api.gql(queries.getTask(pendingId), undefined, key);
        assert.deepEqual(answer.body.data.backgroundTasks.getTask, { data: null, error: DENIED }, `key "${key}"`);
      }
      const basic = await fetch(api.server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Basic ${KEYS.all}` },
        body: JSON.stringify({ query: queries.getTask(pendingId) }),
      });
      const body = (await basic.json()) as any;
      assert.deepEqual(body.data.backgroundTasks.getTask, { data: null, error: DENIED });
    });

    it("serves any Host header when keys are configured (a proxy may rename the host)", async () => {
      const answer = await rawRequest(api.server.url, {
        headers: { "content-type": "application/json", authorization: `Bearer ${KEYS.read}`, host: "stint.example.com" },
        body: JSON.stringify({ query: queries.listDefinitions }),
      });
      assert.equal(answer.status, 200);
      assert.equal(JSON.parse(answer.body).data.backgroundTasks.listDefinitions.error, null);
    });
  });
}

/**
 * Webiny's documented operations and the trigger → run → logs round trip, over HTTP
 * against a real server with a real worker, on every store.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { ERROR_FIELDS, startApi, waitFor, type Api } from "./helpers.js";

const TASK_FIELDS = "id startedOn finishedOn name definitionId iterations parentId executionName eventResponse taskStatus input output";

for (const kind of await storeKinds()) {
  describe(`GraphQL operations (${kind.name})`, () => {
    let api: Api;
    before(async () => {
      api = await startApi(kind, { definitions: TEST_DEFINITIONS, worker: true });
    });
    after(async () => {
      await api?.close();
    });

    async function runToSuccess(input: Record<string, unknown>): Promise<string> {
      const trigger = await api.gql(`mutation { backgroundTasks { triggerTask(definition: someTask, input: ${toLiteral(input)}) { data { id } ${ERROR_FIELDS} } } }`);
      const id = trigger.body.data.backgroundTasks.triggerTask.data.id as string;
      await waitFor("the task to succeed", async () => {
        const answer = await api.gql(`query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { taskStatus } } } }`, { id });
        return answer.body.data.backgroundTasks.getTask.data.taskStatus === "success" ? true : undefined;
      });
      return id;
    }

    it("answers Webiny's listDefinitions example with the public definitions only", async () => {
      const answer = await api.gql(
        `query { backgroundTasks { listDefinitions { data { id title description } error { message code data stack } } } }`,
      );
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, {
        data: {
          backgroundTasks: {
            listDefinitions: {
              data: [
                { id: "someTask", title: "Some task", description: "Counts to steps, then doubles value." },
                { id: "waitTask", title: "Wait task", description: null },
              ],
              error: null,
            },
          },
        },
      });
    });

    it("describes each definition's limits and input schema (Stint's extra fields)", async () => {
      const answer = await api.gql(`query { backgroundTasks { listDefinitions { data { id maxIterations inputSchema fields } } } }`);
      const [some, wait] = answer.body.data.backgroundTasks.listDefinitions.data;
      assert.equal(some.maxIterations, 50);
      assert.deepEqual(some.fields, []);
      assert.ok(some.inputSchema.properties.steps, JSON.stringify(some.inputSchema));
      assert.equal(wait.inputSchema, null);
    });

    it("triggers with a bare enum value and answers with the pending task", async () => {
      const answer = await api.gql(
        `mutation { backgroundTasks { triggerTask(definition: someTask, input: { value: 2 }, name: "bare", delay: 600) {
          data { id name definitionId taskStatus iterations executionName input createdOn createdBy { id displayName type } }
          ${ERROR_FIELDS} } } }`,
      );
      const result = answer.body.data.backgroundTasks.triggerTask;
      assert.equal(result.error, null);
      assert.equal(result.data.name, "bare");
      assert.equal(result.data.definitionId, "someTask");
      assert.equal(result.data.taskStatus, "pending");
      assert.equal(result.data.iterations, 0);
      assert.equal(result.data.executionName, "");
      assert.deepEqual(result.data.input, { value: 2 });
      assert.match(result.data.createdOn, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(typeof result.data.createdBy.id, "string");
      assert.equal(typeof result.data.createdBy.displayName, "string");
    });

    it("triggers with $definition typed WebinyBackgroundTaskDefinitionEnum! and a JSON variable", async () => {
      const answer = await api.gql(
        `mutation Trigger($definition: WebinyBackgroundTaskDefinitionEnum!, $input: JSON) {
          backgroundTasks { triggerTask(definition: $definition, input: $input, delay: 600) { data { definitionId input } ${ERROR_FIELDS} } } }`,
        { definition: "someTask", input: { value: 3, steps: 1 } },
      );
      assert.deepEqual(answer.body.data.backgroundTasks.triggerTask, {
        data: { definitionId: "someTask", input: { value: 3, steps: 1 } },
        error: null,
      });
    });

    it("refuses private definitions and unknown names as enum values", async () => {
      for (const definition of ["hiddenTask", "noSuchTask"]) {
        const answer = await api.gql(`mutation { backgroundTasks { triggerTask(definition: ${definition}) { data { id } } } }`);
        assert.equal(answer.body.data, undefined);
        assert.match(answer.body.errors![0].message, new RegExp(`"${definition}"`));
      }
    });

    it("answers invalid input with Webiny's validation envelope", async () => {
      const answer = await api.gql(
        `mutation { backgroundTasks { triggerTask(definition: someTask, input: { steps: "many" }) { data { id } ${ERROR_FIELDS} } } }`,
      );
      const { data, error } = answer.body.data.backgroundTasks.triggerTask;
      assert.equal(data, null);
      assert.equal(error.message, "Validation failed.");
      assert.equal(error.code, "VALIDATION_FAILED_INVALID_FIELDS");
      assert.ok(error.data.invalidFields.steps);
      assert.equal(error.stack, null);
    });

    it("runs a triggered task to success, visible through getTask with its output", async () => {
      const id = await runToSuccess({ value: 21, steps: 2 });
      const answer = await api.gql(
        `query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { ${TASK_FIELDS} savedOn progress } ${ERROR_FIELDS} } } }`,
        { id },
      );
      const { data, error } = answer.body.data.backgroundTasks.getTask;
      assert.equal(error, null);
      assert.equal(data.taskStatus, "success");
      assert.equal(data.iterations, 3);
      assert.deepEqual(data.output, { doubled: 42 });
      assert.ok(data.startedOn && data.finishedOn);
      assert.ok(data.executionName.length > 0);
    });

    it("reads a run's logs through listLogs(where: { task }) as in Webiny's example", async () => {
      const id = await runToSuccess({ value: 1, steps: 2 });
      const answer = await api.gql(
        `query { backgroundTasks { listLogs(where: { task: "${id}" }) { data { id createdOn executionName iteration items { message createdOn type data error } } } } }`,
      );
      const logs = answer.body.data.backgroundTasks.listLogs.data as { iteration: number; items: { message: string; type: string }[] }[];
      assert.equal(logs.length, 3);
      // Lists are newest first by default.
      assert.deepEqual(logs.map((log) => log.iteration), [3, 2, 1]);
      const messages = logs.flatMap((log) => log.items.map((item) => item.message));
      assert.ok(messages.includes("step 1"));
      assert.ok(messages.includes("step 2"));
      assert.ok(logs.every((log) => log.items.every((item) => item.type === "info" || item.type === "error")));
    });

    it("reads a run's logs through the nested logs field, oldest first, each pointing back at the task", async () => {
      const id = await runToSuccess({ value: 1, steps: 2 });
      const answer = await api.gql(
        `query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { id logs { iteration items { message data } task { id taskStatus } } } } } }`,
        { id },
      );
      const task = answer.body.data.backgroundTasks.getTask.data;
      assert.deepEqual(task.logs.map((log: { iteration: number }) => log.iteration), [1, 2, 3]);
      assert.deepEqual(task.logs[0].items.find((item: { message: string }) => item.message === "step 1")?.data, { step: 1 });
      for (const log of task.logs) assert.deepEqual(log.task, { id, taskStatus: "success" });

      const filtered = await api.gql(
        `query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { logs(where: { iteration_gte: 2 }, limit: 1, sort: [iteration_DESC]) { iteration } } } } }`,
        { id },
      );
      assert.deepEqual(filtered.body.data.backgroundTasks.getTask.data.logs, [{ iteration: 3 }]);
    });

    it("answers Webiny's listTasks example, with meta", async () => {
      const answer = await api.gql(
        `query { backgroundTasks { listTasks { data { ${TASK_FIELDS} } meta { cursor hasMoreItems totalCount } error { message code data stack } } } }`,
      );
      const result = answer.body.data.backgroundTasks.listTasks;
      assert.equal(result.error, null);
      assert.ok(result.data.length >= 2);
      assert.equal(result.meta.totalCount, result.data.length);
      assert.equal(result.meta.hasMoreItems, false);
      assert.equal(result.meta.cursor, null);
      for (const task of result.data) assert.deepEqual(Object.keys(task).sort(), TASK_FIELDS.split(" ").sort());
    });

    it("filters and sorts listTasks with Webiny's where operators and both sorter spellings", async () => {
      const base = `where: { definitionId: "someTask", taskStatus_in: ["success"], iterations_gte: 3, createdOn_lt: "2999-01-01T00:00:00.000Z", name_startsWith: "Some" }`;
      const asc = await api.gql(`query { backgroundTasks { listTasks(${base}, sort: [createdOn_ASC]) { data { id iterations } ${ERROR_FIELDS} } } }`);
      const v6 = await api.gql(`query { backgroundTasks { listTasks(${base}, sort: [values_createdOn_ASC]) { data { id iterations } ${ERROR_FIELDS} } } }`);
      const desc = await api.gql(`query { backgroundTasks { listTasks(${base}, sort: [createdOn_DESC]) { data { id iterations } ${ERROR_FIELDS} } } }`);
      const ascList = asc.body.data.backgroundTasks.listTasks;
      assert.equal(ascList.error, null);
      assert.ok(ascList.data.length >= 3);
      assert.ok(ascList.data.every((task: { iterations: number }) => task.iterations >= 3));
      assert.deepEqual(v6.body.data.backgroundTasks.listTasks.data, ascList.data);
      assert.deepEqual(desc.body.data.backgroundTasks.listTasks.data, [...ascList.data].reverse());
    });

    it("answers getTask of an unknown id with data and error both null", async () => {
      const answer = await api.gql(`query { backgroundTasks { getTask(id: "doesNotExist") { data { id } ${ERROR_FIELDS} } } }`);
      assert.deepEqual(answer.body.data.backgroundTasks.getTask, { data: null, error: null });
    });

    it("deletes a task and answers true, then NOT_FOUND (Webiny v5's code) for a second delete", async () => {
      const trigger = await api.gql(`mutation { backgroundTasks { triggerTask(definition: someTask, delay: 600) { data { id } } } }`);
      const id = trigger.body.data.backgroundTasks.triggerTask.data.id;
      const first = await api.gql(`mutation ($id: ID!) { backgroundTasks { deleteTask(id: $id) { data ${ERROR_FIELDS} } } }`, { id });
      assert.deepEqual(first.body.data.backgroundTasks.deleteTask, { data: true, error: null });
      const gone = await api.gql(`query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { id } } } }`, { id });
      assert.equal(gone.body.data.backgroundTasks.getTask.data, null);
      const second = await api.gql(`mutation ($id: ID!) { backgroundTasks { deleteTask(id: $id) { data ${ERROR_FIELDS} } } }`, { id });
      assert.equal(second.body.data.backgroundTasks.deleteTask.data, null);
      assert.equal(second.body.data.backgroundTasks.deleteTask.error.code, "NOT_FOUND");
      assert.equal(second.body.data.backgroundTasks.deleteTask.error.message, `Task "${id}" was not found!`);
    });
  });
}

/** A JS object as a GraphQL input literal (keys bare, values JSON). */
function toLiteral(value: Record<string, unknown>): string {
  return `{ ${Object.entries(value).map(([key, item]) => `${key}: ${JSON.stringify(item)}`).join(", ")} }`;
}

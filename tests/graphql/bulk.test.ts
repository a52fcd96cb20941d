/**
 * Bulk abort and delete over GraphQL (abortTasks, deleteTasks) and the children argument
 * of abortTask / deleteTask: the count first (dryRun), then the act; bad input answers a
 * typed error envelope and changes nothing.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { ERROR_FIELDS, startApi, type Api } from "./helpers.js";

const BULK_FIELDS = `data { count dryRun } ${ERROR_FIELDS}`;

for (const kind of await storeKinds()) {
  describe(`GraphQL bulk abort and delete (${kind.name})`, () => {
    let api: Api;
    before(async () => {
      api = await startApi(kind, { definitions: TEST_DEFINITIONS });
    });
    after(async () => {
      await api?.close();
    });

    async function trigger(name: string, withChild = false): Promise<string> {
      const answer = await api.gql(
        `mutation ($name: String) { backgroundTasks { triggerTask(definition: someTask, name: $name, delay: 600) { data { id } } } }`,
        { name },
      );
      const id: string = answer.body.data.backgroundTasks.triggerTask.data.id;
      if (withChild) await api.stint.tasks.trigger({ definition: "someTask", name: `${name}-child`, delay: 600, parent: id });
      return id;
    }

    async function statusesNamed(prefix: string): Promise<string[]> {
      const answer = await api.gql(`query ($p: String) { backgroundTasks { listTasks(where: { name_startsWith: $p }, limit: 100) { data { taskStatus } } } }`, { p: prefix });
      return answer.body.data.backgroundTasks.listTasks.data.map((t: { taskStatus: string }) => t.taskStatus).sort();
    }

    it("counts with dryRun, then aborts and deletes what where matches, at most limit", async () => {
      for (let i = 0; i < 5; i += 1) await trigger(`bulk-${i}`);
      const where = { name_startsWith: "bulk-" };
      const dry = await api.gql(`mutation ($where: WebinyBackgroundTaskListWhereInput!) { backgroundTasks { abortTasks(where: $where, dryRun: true) { ${BULK_FIELDS} } } }`, { where });
      assert.deepEqual(dry.body.data.backgroundTasks.abortTasks, { data: { count: 5, dryRun: true }, error: null });
      assert.deepEqual(await statusesNamed("bulk-"), ["pending", "pending", "pending", "pending", "pending"]);

      const some = await api.gql(`mutation ($where: WebinyBackgroundTaskListWhereInput!) { backgroundTasks { abortTasks(where: $where, limit: 2, message: "Enough.") { ${BULK_FIELDS} } } }`, { where });
      assert.deepEqual(some.body.data.backgroundTasks.abortTasks, { data: { count: 2, dryRun: false }, error: null });
      assert.deepEqual(await statusesNamed("bulk-"), ["aborted", "aborted", "pending", "pending", "pending"]);

      const deleted = await api.gql(`mutation { backgroundTasks { deleteTasks(where: { name_startsWith: "bulk-", taskStatus: "aborted" }) { ${BULK_FIELDS} } } }`);
      assert.deepEqual(deleted.body.data.backgroundTasks.deleteTasks, { data: { count: 2, dryRun: false }, error: null });
      const rest = await api.gql(`mutation { backgroundTasks { deleteTasks(where: { name_startsWith: "bulk-" }) { ${BULK_FIELDS} } } }`);
      assert.deepEqual(rest.body.data.backgroundTasks.deleteTasks, { data: { count: 3, dryRun: false }, error: null });
      assert.deepEqual(await statusesNamed("bulk-"), []);
    });

    it("aborts a parent with its children by default, alone with children: false, and deletes a subtree with children: true", async () => {
      const parent = await trigger("tree-a", true);
      const alone = await trigger("tree-b", true);
      const one = await api.gql(`mutation ($id: ID!) { backgroundTasks { abortTask(id: $id) { data { taskStatus } ${ERROR_FIELDS} } } }`, { id: parent });
      assert.equal(one.body.data.backgroundTasks.abortTask.data.taskStatus, "aborted");
      assert.deepEqual(await statusesNamed("tree-a"), ["aborted", "aborted"]);
      await api.gql(`mutation ($id: ID!) { backgroundTasks { abortTask(id: $id, children: false) { data { taskStatus } } } }`, { id: alone });
      assert.deepEqual(await statusesNamed("tree-b"), ["aborted", "pending"]);
      const kept = await api.gql(`mutation ($id: ID!) { backgroundTasks { deleteTask(id: $id) { data ${ERROR_FIELDS} } } }`, { id: alone });
      assert.equal(kept.body.data.backgroundTasks.deleteTask.data, true);
      assert.deepEqual(await statusesNamed("tree-b"), ["pending"]);
      const tree = await api.gql(`mutation ($id: ID!) { backgroundTasks { deleteTask(id: $id, children: true) { data ${ERROR_FIELDS} } } }`, { id: parent });
      assert.equal(tree.body.data.backgroundTasks.deleteTask.data, true);
      assert.deepEqual(await statusesNamed("tree-a"), []);
    });

    it("answers bad input with a typed error and changes nothing", async () => {
      await trigger("bad-0");
      const cases: [string, string][] = [
        [`abortTasks(where: {}) { ${BULK_FIELDS} }`, "INVALID_ARGUMENT"],
        [`deleteTasks(where: {}) { ${BULK_FIELDS} }`, "INVALID_ARGUMENT"],
        [`abortTasks(where: { name_startsWith: "bad-" }, limit: 0) { ${BULK_FIELDS} }`, "INVALID_ARGUMENT"],
        [`deleteTasks(where: { name_startsWith: "bad-" }, limit: -3) { ${BULK_FIELDS} }`, "INVALID_ARGUMENT"],
        [`deleteTasks(where: { taskStatus: "nope" }) { ${BULK_FIELDS} }`, "INVALID_ARGUMENT"],
        [`deleteTask(id: "not a valid id!") { data ${ERROR_FIELDS} }`, "INVALID_TASK_ID"],
      ];
      for (const [mutation, code] of cases) {
        const answer = await api.gql(`mutation { backgroundTasks { ${mutation} } }`);
        assert.ok(answer.body.data?.backgroundTasks, `${mutation}: ${JSON.stringify(answer.body)}`);
        const field = Object.values(answer.body.data.backgroundTasks)[0] as { data: unknown; error: { code: string } };
        assert.equal(field.data, null, mutation);
        assert.equal(field.error.code, code, mutation);
      }
      // Missing where is refused by the schema itself.
      const missing = await api.gql(`mutation { backgroundTasks { abortTasks { ${BULK_FIELDS} } } }`);
      assert.ok(missing.body.errors?.length);
      assert.deepEqual(await statusesNamed("bad-"), ["pending"]);
    });
  });
}

/**
 * GraphQL behaviours that follow Webiny: user errors in the envelope (handler-graphql's
 * ErrorResponse), async input validation, `fields: []`, the filter renderer's inputs
 * (date ranges, `[String]` with null items), the log list's `items` filter, and the nested
 * `logs` field returning all of a task's records. On every store.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { ERROR_FIELDS, startApi, type Api } from "./helpers.js";

class QuotaError extends Error {
  readonly code = "QUOTA_EXCEEDED";
  readonly data = { used: 10, limit: 10 };
}

const guarded = createTaskDefinition<{ fail?: string }>({
  id: "guarded",
  title: "Guarded",
  onBeforeTrigger: ({ data }) => {
    if (data.input.fail === "coded") throw new QuotaError("Quota of 10 tasks reached.");
    if (data.input.fail === "plain") throw new Error("Not today.");
  },
  run: ({ response }) => response.done(),
});

const taken = new Set(["ada"]);
const refined = createTaskDefinition<{ user: string }>({
  id: "refined",
  title: "Refined",
  createInputValidation: ({ validator }) => ({
    user: validator.string().refine(async (name) => {
      await new Promise((resolve) => setImmediate(resolve));
      return !taken.has(name);
    }, "This user name is taken."),
  }),
  run: ({ response }) => response.done(),
});

const named = createTaskDefinition({ id: "named", title: "Named", run: ({ response }) => response.done() });

for (const kind of await storeKinds()) {
  describe(`GraphQL follows Webiny (${kind.name})`, () => {
    let api: Api;
    before(async () => {
      // A small list limit: the nested logs field must page to return more than one page.
      api = await startApi(kind, { definitions: [guarded, refined, named], server: { maxListLimit: 25 } });
    });
    after(async () => {
      await api?.close();
    });

    async function trigger(definition: string, extra = ""): Promise<string> {
      const answer = await api.gql(`mutation { backgroundTasks { triggerTask(definition: ${definition}, delay: 3600${extra}) { data { id } ${ERROR_FIELDS} } } }`);
      assert.equal(answer.body.data.backgroundTasks.triggerTask.error, null);
      return answer.body.data.backgroundTasks.triggerTask.data.id;
    }

    it("keeps the message, code and data of an error thrown by onBeforeTrigger in the envelope (Webiny's ErrorResponse)", async () => {
      const coded = await api.gql(`mutation { backgroundTasks { triggerTask(definition: guarded, input: { fail: "coded" }) { data { id } ${ERROR_FIELDS} } } }`);
      assert.deepEqual(coded.body.data.backgroundTasks.triggerTask, {
        data: null,
        error: { message: "Quota of 10 tasks reached.", code: "QUOTA_EXCEEDED", data: { used: 10, limit: 10 }, stack: null },
      });
    });

    it('answers code "" and data null for a user error without them, as Webiny does', async () => {
      const plain = await api.gql(`mutation { backgroundTasks { triggerTask(definition: guarded, input: { fail: "plain" }) { data { id } ${ERROR_FIELDS} } } }`);
      assert.deepEqual(plain.body.data.backgroundTasks.triggerTask.error, { message: "Not today.", code: "", data: null, stack: null });
    });

    it("answers a refusal by an async refinement with VALIDATION_FAILED_INVALID_FIELDS, never an internal error", async () => {
      const answer = await api.gql(`mutation { backgroundTasks { triggerTask(definition: refined, input: { user: "ada" }) { data { id } ${ERROR_FIELDS} } } }`);
      const { error } = answer.body.data.backgroundTasks.triggerTask;
      assert.equal(error.code, "VALIDATION_FAILED_INVALID_FIELDS");
      assert.deepEqual(error.data.invalidFields.user, { code: "custom", message: "This user name is taken.", data: { path: ["user"] } });
      const ok = await api.gql(`mutation { backgroundTasks { triggerTask(definition: refined, input: { user: "grace" }) { data { taskStatus } ${ERROR_FIELDS} } } }`);
      assert.deepEqual(ok.body.data.backgroundTasks.triggerTask, { data: { taskStatus: "pending" }, error: null });
    });

    it("answers listDefinitions fields as [] for a definition without fields", async () => {
      const answer = await api.gql(`query { backgroundTasks { listDefinitions { data { id fields } } } }`);
      for (const definition of answer.body.data.backgroundTasks.listDefinitions.data) assert.deepEqual(definition.fields, [], definition.id);
    });

    it("filters dates with _between and _not_between", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(await trigger("named", `, name: "between ${i}"`));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const tasks = await api.gql(`query { backgroundTasks { listTasks(where: { name_startsWith: "between" }, sort: [createdOn_ASC]) { data { id createdOn } } } }`);
      const created = tasks.body.data.backgroundTasks.listTasks.data.map((t: { createdOn: string }) => t.createdOn);
      const list = async (where: string) => {
        const answer = await api.gql(`query ($from: DateTime!, $to: DateTime!) { backgroundTasks { listTasks(where: { name_startsWith: "between", ${where} }, sort: [createdOn_ASC]) { data { id } ${ERROR_FIELDS} } } }`, { from: created[0], to: created[1] });
        assert.equal(answer.body.data.backgroundTasks.listTasks.error, null);
        return answer.body.data.backgroundTasks.listTasks.data.map((t: { id: string }) => t.id);
      };
      assert.deepEqual(await list("createdOn_between: [$from, $to]"), ids.slice(0, 2));
      assert.deepEqual(await list("createdOn_not_between: [$from, $to]"), ids.slice(2));
      assert.deepEqual(await list("savedOn_between: [$from, $to]"), ids.slice(0, 2));
    });

    it("takes null items in a [String] _in filter, matching tasks without the value", async () => {
      const root = await trigger("named", `, name: "null-in root"`);
      const answer = await api.gql(`query ($root: String) { backgroundTasks { listTasks(where: { name_startsWith: "null-in", parentId_in: [null, $root] }) { data { id } ${ERROR_FIELDS} } } }`, { root: "nobody" });
      assert.deepEqual(answer.body.data.backgroundTasks.listTasks.data.map((t: { id: string }) => t.id), [root]);
    });

    it("matches _contains and _startsWith ignoring the case of A-Z only, the same on every store", async () => {
      for (const name of ["ABC job", "Café crème", "Straße 1"]) await trigger("named", `, name: ${JSON.stringify(name)}`);
      const names = async (where: string) => {
        const answer = await api.gql(`query { backgroundTasks { listTasks(where: { ${where} }) { data { name } ${ERROR_FIELDS} } } }`);
        assert.equal(answer.body.data.backgroundTasks.listTasks.error, null);
        return answer.body.data.backgroundTasks.listTasks.data.map((t: { name: string }) => t.name).sort();
      };
      assert.deepEqual(await names(`name_contains: "abc"`), ["ABC job"]);
      assert.deepEqual(await names(`name_contains: "CAFé"`), ["Café crème"]);
      assert.deepEqual(await names(`name_contains: "CAFÉ"`), [], "É is not folded to é");
      assert.deepEqual(await names(`name_startsWith: "STRAßE"`), ["Straße 1"]);
      assert.deepEqual(await names(`name_startsWith: "STRASSE"`), [], "ß is not expanded");
      assert.deepEqual(await names(`name_contains: "CRÈME"`), []);
      assert.deepEqual(await names(`name_not_contains: "É", name_in: ["Café crème", "ABC job"]`), ["ABC job", "Café crème"]);
    });

    it("refuses a _contains value over 1,000 characters with a typed error, not an internal one", async () => {
      const answer = await api.gql(`query ($text: String) { backgroundTasks { listTasks(where: { name_contains: $text }) { data { id } ${ERROR_FIELDS} } } }`, { text: "x".repeat(50_001) });
      const { error } = answer.body.data.backgroundTasks.listTasks;
      assert.equal(error.code, "INVALID_ARGUMENT");
      assert.match(error.message, /"name_contains" takes at most 1000 characters; got 50001/);
      const logs = await api.gql(`query ($text: String) { backgroundTasks { listLogs(where: { items: { message_startsWith: $text } }) { data { id } ${ERROR_FIELDS} } } }`, { text: "x".repeat(1001) });
      assert.equal(logs.body.data.backgroundTasks.listLogs.error.code, "INVALID_ARGUMENT");
    });

    describe("logs", () => {
      let taskId: string;
      let manyId: string;
      before(async () => {
        taskId = await trigger("named", `, name: "with logs"`);
        const now = Date.now();
        const append = (task: string, iteration: number, items: { message: string; type: "info" | "error" }[]) =>
          api.stint.storage.logAppend({ taskId: task, iteration, executionName: "w1", now, items: items.map((item) => ({ ...item, createdOn: new Date(now) })) });
        await append(taskId, 1, [{ message: "Copied 10 files", type: "info" }, { message: "Disk full", type: "error" }]);
        await append(taskId, 2, [{ message: "copied 5 files", type: "info" }]);
        await append(taskId, 3, [{ message: "Done", type: "info" }]);
        manyId = await trigger("named", `, name: "many logs"`);
        for (let iteration = 1; iteration <= 60; iteration++) await append(manyId, iteration, [{ message: `step ${iteration}`, type: "info" }]);
      });

      async function iterations(where: string): Promise<number[]> {
        const answer = await api.gql(`query ($task: String) { backgroundTasks { listLogs(where: { task: $task, ${where} }, sort: [iteration_ASC]) { data { iteration } meta { totalCount } ${ERROR_FIELDS} } } }`, { task: taskId });
        const result = answer.body.data.backgroundTasks.listLogs;
        assert.equal(result.error, null);
        assert.equal(result.meta.totalCount, result.data.length);
        return result.data.map((log: { iteration: number }) => log.iteration);
      }

      it("filters logs by their items: a filter holds when some item matches (Webiny's items filter)", async () => {
        assert.deepEqual(await iterations(`items: { message_contains: "COPIED" }`), [1, 2]);
        assert.deepEqual(await iterations(`items: { type: "error" }`), [1]);
        assert.deepEqual(await iterations(`items: { message_startsWith: "done" }`), [3]);
        assert.deepEqual(await iterations(`items: { type_in: ["error"] }`), [1]);
        // Each filter on its own: log 1 has a "copied" item and (another) error item.
        assert.deepEqual(await iterations(`items: { message_contains: "copied", type: "error" }`), [1]);
      });

      it("reads a negated items filter as: no item matches", async () => {
        assert.deepEqual(await iterations(`items: { type_not: "error" }`), [2, 3]);
        assert.deepEqual(await iterations(`items: { message_not_contains: "copied" }`), [3]);
        assert.deepEqual(await iterations(`items: { message_not_in: ["Done"] }`), [1, 2]);
      });

      it("filters items by their time", async () => {
        const late = new Date(Date.now() + 3_600_000).toISOString();
        assert.deepEqual(await iterations(`items: { createdOn_gte: "${late}" }`), []);
        assert.deepEqual(await iterations(`items: { createdOn_lt: "${late}" }`), [1, 2, 3]);
      });

      it("applies the items filter to the nested logs field too", async () => {
        const answer = await api.gql(`query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { logs(where: { items: { type: "error" } }) { iteration } } } } }`, { id: taskId });
        assert.deepEqual(answer.body.data.backgroundTasks.getTask.data.logs, [{ iteration: 1 }]);
      });

      it("returns all of a task's log records from the nested logs field, read in pages (Webiny's limit 10,000)", async () => {
        const answer = await api.gql(`query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { logs { iteration } } } } }`, { id: manyId });
        const logs = answer.body.data.backgroundTasks.getTask.data.logs.map((log: { iteration: number }) => log.iteration);
        assert.deepEqual(logs, Array.from({ length: 60 }, (_, i) => i + 1), "more than the server's list limit (25) and the default page (50)");
        const limited = await api.gql(`query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { logs(limit: 30, sort: [iteration_DESC]) { iteration } } } } }`, { id: manyId });
        const last = limited.body.data.backgroundTasks.getTask.data.logs.map((log: { iteration: number }) => log.iteration);
        assert.deepEqual(last, Array.from({ length: 30 }, (_, i) => 60 - i));
      });

      it("refuses a nested logs limit over 10,000 with a field error", async () => {
        const answer = await api.gql(`query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { logs(limit: 10001) { iteration } } } } }`, { id: manyId });
        assert.equal(answer.body.errors?.[0]?.extensions?.code, "INVALID_ARGUMENT");
      });
    });
  });
}

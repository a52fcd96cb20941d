import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { ERROR_FIELDS, startApi, type Api } from "./helpers.js";
import { someTask } from "./definitions.js";

const perTenant = createTaskDefinition<{ tenant?: string }>({
  id: "perTenant",
  title: "Per tenant",
  concurrency: { limit: 3, key: (input) => input.tenant ?? "none" },
  run: ({ response }) => response.done(),
});

const TASK_FIELDS = "id priority idempotencyKey concurrencyKey";

for (const kind of await storeKinds()) {
  describe(`GraphQL flow control (${kind.name})`, () => {
    let api: Api;
    before(async () => {
      api = await startApi(kind, { definitions: [someTask, perTenant] });
    });
    after(() => api?.close());

    const trigger = (args: string) =>
      api.gql(`mutation { backgroundTasks { triggerTask(${args}) { data { ${TASK_FIELDS} } ${ERROR_FIELDS} } } }`);

    async function taskCount(): Promise<number> {
      return (await api.stint.tasks.listTasks()).meta.totalCount;
    }

    it("triggers with a priority and an idempotency key, and returns the same task for the key", async () => {
      const first = await trigger(`definition: someTask, priority: 5, idempotencyKey: "gql-1"`);
      const task = first.body.data.backgroundTasks.triggerTask;
      assert.equal(task.error, null);
      assert.equal(task.data.priority, 5);
      assert.equal(task.data.idempotencyKey, "gql-1");
      assert.equal(task.data.concurrencyKey, null);
      const again = await trigger(`definition: someTask, idempotencyKey: "gql-1", idempotencyKeyTtlSeconds: 3600`);
      assert.equal(again.body.data.backgroundTasks.triggerTask.data.id, task.data.id);
    });

    it("stores the concurrency key, computed or given, and shows the definition's limit", async () => {
      const computed = await trigger(`definition: perTenant, input: { tenant: "acme" }`);
      assert.equal(computed.body.data.backgroundTasks.triggerTask.data.concurrencyKey, "acme");
      const given = await trigger(`definition: perTenant, input: { tenant: "acme" }, concurrencyKey: "vip"`);
      assert.equal(given.body.data.backgroundTasks.triggerTask.data.concurrencyKey, "vip");
      const definitions = await api.gql(`query { backgroundTasks { listDefinitions { data { id concurrencyLimit } } } }`);
      const byId = new Map(definitions.body.data.backgroundTasks.listDefinitions.data.map((d: { id: string; concurrencyLimit: number | null }) => [d.id, d.concurrencyLimit]));
      assert.equal(byId.get("perTenant"), 3);
      assert.equal(byId.get("someTask"), null);
      const read = await api.gql(`query { backgroundTasks { getTask(id: "${given.body.data.backgroundTasks.triggerTask.data.id}") { data { ${TASK_FIELDS} } } } }`);
      assert.equal(read.body.data.backgroundTasks.getTask.data.concurrencyKey, "vip");
    });

    const refusals: [string, string, string][] = [
      ["a fractional priority", "priority", `definition: someTask, priority: 1.5`],
      ["an empty idempotency key", "idempotencyKey", `definition: someTask, idempotencyKey: ""`],
      ["a TTL without a key", "idempotencyKeyTtlSeconds", `definition: someTask, idempotencyKeyTtlSeconds: 10`],
      ["a negative TTL", "idempotencyKeyTtlSeconds", `definition: someTask, idempotencyKey: "x", idempotencyKeyTtlSeconds: -1`],
      ["a concurrency key for a definition without a limit", "concurrencyKey", `definition: someTask, concurrencyKey: "a"`],
    ];
    for (const [what, argument, args] of refusals) {
      it(`answers ${what} with INVALID_ARGUMENT in the envelope and stores nothing`, async () => {
        const before = await taskCount();
        const answer = await trigger(args);
        const result = answer.body.data.backgroundTasks.triggerTask;
        assert.equal(result.data, null);
        assert.equal(result.error.code, "INVALID_ARGUMENT");
        assert.equal(result.error.data.argument, argument);
        assert.equal(await taskCount(), before);
      });
    }

    it("refuses a priority that is not a number at validation", async () => {
      const answer = await trigger(`definition: someTask, priority: "high"`);
      assert.ok(answer.body.errors && answer.body.errors.length > 0);
    });
  });
}

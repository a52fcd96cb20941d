/**
 * The dashboard's polling reads only what its pages show: its real query functions
 * (dashboard/src/queries.ts), sent to a real server, make the store read no task input
 * or output for the runs list, and no event response for the run page.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { sqliteStore, type StoreKind } from "../helpers/stores.js";
import { withOverrides } from "../helpers/adapter-overrides.js";
import { TEST_DEFINITIONS } from "../graphql/definitions.js";
import { startApi, type Api } from "../graphql/helpers.js";
import { countTasksByStatus, getTask, listTasks } from "../../dashboard/src/queries.js";
import { TASK_STATUSES } from "../../dashboard/src/types.js";

const HEAVY = ["input", "output", "eventResponse", "progress"];

describe("dashboard queries read only what the pages show", () => {
  let api: Api;
  const reads: { op: string; heavy: string[] }[] = [];
  const realFetch = globalThis.fetch;

  before(async () => {
    const kind: StoreKind = {
      name: sqliteStore.name,
      async create() {
        const store = await sqliteStore.create();
        const heavyOf = (fields: readonly string[] | undefined) => (fields ? HEAVY.filter((f) => fields.includes(f)) : HEAVY);
        const adapter = withOverrides(store.adapter, {
          taskGet: (real) => (params) => (reads.push({ op: "taskGet", heavy: heavyOf(params.fields) }), real(params)),
          taskList: (real) => (params) => (reads.push({ op: "taskList", heavy: heavyOf(params.fields) }), real(params)),
        });
        return { ...store, adapter };
      },
    };
    api = await startApi(kind, { definitions: TEST_DEFINITIONS });
    // The dashboard posts to the relative URL "graphql" (same origin): point it at the server.
    globalThis.fetch = ((url: string, init?: RequestInit) => realFetch(url === "graphql" ? api.server.url : url, init)) as typeof fetch;
  });
  after(async () => {
    globalThis.fetch = realFetch;
    await api?.close();
  });

  it("the runs list (polled) reads no input, output or event response", async () => {
    const task = await api.stint.tasks.trigger({ definition: "someTask", delay: 3600, input: { value: 1 } });
    reads.length = 0;
    const page = await listTasks({}, 50);
    assert.deepEqual(page.items.map((t) => t.id), [task.id]);
    assert.deepEqual(reads, [{ op: "taskList", heavy: ["progress"] }]);
  });

  it("the run page (polled) reads input and output, not the event response", async () => {
    const task = await api.stint.tasks.trigger({ definition: "someTask", delay: 3600, input: { value: 2 } });
    reads.length = 0;
    const { task: detail, logs } = await getTask(task.id);
    assert.deepEqual(detail?.input, { value: 2 });
    assert.deepEqual(logs, []);
    assert.deepEqual(reads, [{ op: "taskGet", heavy: ["input", "output", "progress"] }]);
  });

  it("the runs page's counts per status read one list per status with no heavy field, under the other filters", async () => {
    const before = await countTasksByStatus({ definitionId: "someTask", search: "counted" }, TASK_STATUSES);
    await api.stint.tasks.trigger({ definition: "someTask", delay: 3600, name: "counted one", input: { value: 3 } });
    await api.stint.tasks.trigger({ definition: "someTask", delay: 3600, name: "not this one", input: { value: 4 } });
    reads.length = 0;
    // The filter's own status is ignored: every status is counted.
    const counts = await countTasksByStatus({ definitionId: "someTask", search: "counted", status: "failed" }, TASK_STATUSES);
    assert.deepEqual(counts, { ...before, pending: before.pending + 1 });
    assert.deepEqual(reads, TASK_STATUSES.map(() => ({ op: "taskList", heavy: [] })));
  });
});

/**
 * SQLite reads are synchronous: a task list yields to the event loop between slices of
 * `readSliceMs` and reads on after its last row, so other requests (a /healthz) run
 * meanwhile, and the page is the same as one read in a single go.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { createSqliteStorage } from "../../../src/storage/sqlite/index.js";
import type { StorageAdapter } from "../../../src/storage/port/index.js";
import type { TaskListParams } from "../../../src/storage/port/types.js";
import { isStintError } from "../../../src/domain/errors.js";
import { ByteBudget } from "../../../src/storage/read-budget.js";
import { NEWEST_FIRST, T0, taskParams } from "../../../src/testing/contract/fixtures.js";

const TASKS = 30;

async function seeded(readSliceMs?: number): Promise<StorageAdapter> {
  const adapter = createSqliteStorage({ filename: ":memory:", ...(readSliceMs === undefined ? {} : { readSliceMs }) });
  await adapter.migrate();
  await adapter.taskCreateMany({ tasks: Array.from({ length: TASKS }, (_, i) => taskParams({ createdOn: T0 + (i % 7), name: `task ${i % 4}`, input: { i } })) });
  return adapter;
}

/** Runs `fn` while counting event-loop turns (setImmediate callbacks) that ran meanwhile. */
async function turnsDuring<T>(fn: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const value = await fn();
  running = false;
  return { value, turns };
}

describe("SQLite task lists read in slices", () => {
  const adapters: StorageAdapter[] = [];
  after(async () => {
    for (const adapter of adapters) await adapter.close();
  });

  it("yields between slices and returns the same page as one read", async () => {
    const whole = await seeded(60_000);
    adapters.push(whole);
    // The same rows in a store where every row is its own slice (readSliceMs 0).
    const all = (await whole.taskList({ filters: [], sort: NEWEST_FIRST, limit: 100 })).items;
    const copy = createSqliteStorage({ filename: ":memory:", readSliceMs: 0 });
    adapters.push(copy);
    await copy.migrate();
    await copy.taskCreateMany({ tasks: all.map((t) => taskParams({ id: t.id, createdOn: t.createdOn.getTime(), name: t.name, input: t.input })) });

    const cases: Partial<TaskListParams>[] = [
      { limit: 100 },
      { limit: 10 },
      { limit: 7, sort: [{ field: "name", direction: "asc" }, { field: "id", direction: "asc" }] },
      { limit: 5, filters: [{ field: "name", op: "eq", value: "task 1" }] },
      { limit: 4, fields: ["id"] },
      // NULL sort values (no task has started) continue across slices too.
      { limit: 6, sort: [{ field: "startedOn", direction: "asc" }, { field: "id", direction: "asc" }] },
      { limit: 6, sort: [{ field: "startedOn", direction: "desc" }, { field: "id", direction: "desc" }] },
    ];
    for (const params of cases) {
      const base: TaskListParams = { filters: [], sort: NEWEST_FIRST, limit: 10, ...params };
      // Walk every page both ways: same items, cursors, counts.
      let cursor: string | undefined;
      for (let page = 0; page < 10; page += 1) {
        const expected = await whole.taskList({ ...base, after: cursor });
        const { value: got, turns } = await turnsDuring(() => copy.taskList({ ...base, after: cursor }));
        assert.deepEqual(got, expected, JSON.stringify(params));
        // One slice per row read (the extra row that tells hasMoreItems included).
        if (got.items.length > 1) assert.ok(turns >= got.items.length - 1, `${turns} turns for ${got.items.length} rows`);
        if (!got.cursor) break;
        cursor = got.cursor;
      }
    }
  });

  it("stops at the budget across slices", async () => {
    const adapter = await seeded(0);
    adapters.push(adapter);
    const budget = new ByteBudget(1000);
    await assert.rejects(adapter.taskList({ filters: [], sort: NEWEST_FIRST, limit: TASKS, budget }), (error) => isStintError(error, "RESPONSE_TOO_LARGE"));
    assert.ok(budget.used < 1500, `charged ${budget.used}`);
  });
});

/**
 * The port's tables of list fields (src/storage/port/list-fields.ts), read by the store:
 * every field filters with every operator its entry gives it, and every sortable field
 * sorts both ways and pages to the end through the cursor. Each answer is checked against
 * a plain reading of the rules of docs/storage.md "Lists" over the rows the store returns
 * unfiltered. A field added to a table is checked here as soon as its column exists.
 */
import assert from "node:assert/strict";
import type { LogItem, TaskLog } from "../../domain/log.js";
import type { Task } from "../../domain/task.js";
import {
  LOG_ITEM_FIELDS,
  LOG_LIST_FIELDS,
  sortableFields,
  TASK_LIST_FIELDS,
  type FilterOp,
  type ListField,
  type ListResult,
  type Sort,
} from "../../storage/port/index.js";
import type { ContractSuite } from "./suite.js";
import { createTask, T0, useStore } from "./fixtures.js";
import { seed } from "./list-tasks.contract.js";

type Value = string | number | Date | null;

/** A value as compared: dates by their epoch ms. */
const plain = (value: unknown): string | number | null => (value instanceof Date ? value.getTime() : ((value ?? null) as string | number | null));
/** Text matching ignores the case of A-Z only. */
const fold = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
const swapCase = (text: string) => text.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

/** Whether a row's `value` passes `op` with argument `arg`; every negated operator is the plain negation, NULL included. */
function holds(value: unknown, op: FilterOp, arg: unknown): boolean {
  const v = plain(value);
  const a = plain(arg);
  const pair = () => (arg as unknown[]).map(plain) as [string | number, string | number];
  switch (op) {
    case "eq": return v === a;
    case "in": return (arg as unknown[]).some((item) => v === plain(item));
    case "contains": return typeof v === "string" && fold(v).includes(fold(a as string));
    case "startsWith": return typeof v === "string" && fold(v).startsWith(fold(a as string));
    case "lt": return v !== null && v < a!;
    case "lte": return v !== null && v <= a!;
    case "gt": return v !== null && v > a!;
    case "gte": return v !== null && v >= a!;
    case "between": return v !== null && pair()[0] <= v && v <= pair()[1];
    default: return !holds(value, POSITIVE[op]!, arg);
  }
}
const POSITIVE: Partial<Record<FilterOp, FilterOp>> = {
  not: "eq", not_in: "in", not_contains: "contains", not_startsWith: "startsWith", not_between: "between",
};

/** A value no row holds, of the field's kind. */
function missing(field: ListField): Value {
  return field.kind === "number" ? -1 : field.kind === "date" ? new Date(0) : "no-such-value";
}

/** Arguments worth trying for `op` on a field whose rows hold `present` (distinct, sorted, no null). */
function argumentsFor(op: FilterOp, field: ListField, present: readonly Value[]): unknown[] {
  const first = present[0];
  const middle = present[Math.floor(present.length / 2)];
  const last = present[present.length - 1];
  const some = present.length > 0;
  switch (op) {
    case "eq":
    case "not":
      return [null, missing(field), ...(some ? [first, last] : [])];
    case "in":
    case "not_in":
      return some ? [[first, missing(field)], [middle, null, last]] : [[null, missing(field)]];
    case "contains":
    case "not_contains":
      return some ? [swapCase(String(first).slice(1, 4)), swapCase(String(last).slice(-3)), "%"] : ["x"];
    case "startsWith":
    case "not_startsWith":
      return some ? [swapCase(String(first).slice(0, 3)), "_"] : ["x"];
    case "between":
    case "not_between":
      return some ? [[first, middle], [middle, last]] : [];
    default:
      return some ? [first, middle] : [];
  }
}

function distinctValues(values: readonly unknown[]): Value[] {
  const byPlain = new Map<string | number, Value>();
  for (const value of values) if (value !== null && value !== undefined) byPlain.set(plain(value)!, value as Value);
  return [...byPlain.values()].sort((a, b) => compare(a, b));
}

function compare(a: unknown, b: unknown): number {
  const x = plain(a);
  const y = plain(b);
  if (x === y) return 0;
  if (x === null) return -1; // NULL is the smallest value
  if (y === null) return 1;
  return x < y ? -1 : 1;
}

/** One list of a store, and how to read a field's value from its rows. */
interface Lister<R extends { id: string }, F extends string> {
  fields: Readonly<Record<F, ListField>>;
  valueOf(row: R, field: F): unknown;
  list(params: { filters: { field: F; op: FilterOp; value: unknown }[]; sort: Sort<F>[]; limit: number; after?: string }): Promise<ListResult<R>>;
}

async function checkEveryFilter<R extends { id: string }, F extends string>(lister: Lister<R, F>): Promise<number> {
  const byId: Sort<F>[] = [{ field: "id" as F, direction: "asc" }];
  const rows = (await lister.list({ filters: [], sort: byId, limit: 1000 })).items;
  assert.ok(rows.length >= 3, "the seed has rows to filter");
  let checked = 0;
  for (const field of Object.keys(lister.fields) as F[]) {
    const spec = lister.fields[field];
    const present = distinctValues(rows.map((row) => lister.valueOf(row, field)));
    for (const op of spec.filters) {
      for (const arg of argumentsFor(op, spec, present)) {
        const expected = rows.filter((row) => holds(lister.valueOf(row, field), op, arg)).map((row) => row.id);
        const result = await lister.list({ filters: [{ field, op, value: arg }], sort: byId, limit: 1000 });
        const what = `${field} ${op} ${JSON.stringify(arg)}`;
        assert.deepEqual(result.items.map((row) => row.id), expected, what);
        assert.equal(result.totalCount, expected.length, `totalCount of ${what}`);
        checked += 1;
      }
    }
  }
  return checked;
}

async function checkEverySort<R extends { id: string }, F extends string>(lister: Lister<R, F>): Promise<void> {
  const rows = (await lister.list({ filters: [], sort: [{ field: "id" as F, direction: "asc" }], limit: 1000 })).items;
  for (const field of sortableFields(lister.fields)) {
    for (const direction of ["asc", "desc"] as const) {
      const sign = direction === "asc" ? 1 : -1;
      const expected = [...rows]
        .sort((a, b) => sign * (compare(lister.valueOf(a, field), lister.valueOf(b, field)) || compare(a.id, b.id)))
        .map((row) => row.id);
      const sort: Sort<F>[] = field === "id" ? [{ field, direction }] : [{ field, direction }, { field: "id" as F, direction }];
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page <= rows.length; page += 1) {
        const result = await lister.list({ filters: [], sort, limit: 2, after });
        seen.push(...result.items.map((row) => row.id));
        if (!result.cursor) break;
        after = result.cursor;
      }
      assert.deepEqual(seen, expected, `${field} ${direction}, two a page`);
    }
  }
}

const info = (message: string, at: number, type: LogItem["type"] = "info"): LogItem => ({ message, type, createdOn: new Date(at) });

export function listFieldsContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("list fields of the port's tables", () => {
    const store = useStore(suite);

    const tasks = (): Lister<Task, keyof typeof TASK_LIST_FIELDS> => ({
      fields: TASK_LIST_FIELDS,
      valueOf: (task, field) => (field === "createdBy" ? task.createdBy.id : task[field]),
      list: (params) => store.adapter.taskList(params),
    });
    const logs = (): Lister<TaskLog, keyof typeof LOG_LIST_FIELDS> => ({
      fields: LOG_LIST_FIELDS,
      valueOf: (log, field) => (field === "task" ? log.taskId : log[field]),
      list: (params) => store.adapter.logList(params),
    });

    async function seedLogs(): Promise<void> {
      const a = await createTask(store.adapter, { name: "a", createdOn: T0 + 1 });
      const b = await createTask(store.adapter, { name: "b", createdOn: T0 + 2 });
      const append = (taskId: string, iteration: number, executionName: string, now: number, items: LogItem[]) =>
        store.adapter.logAppend({ taskId, iteration, executionName, now, items });
      await append(a.id, 1, "Alpha_1", T0 + 10, [info("Copied 10 files", T0 + 11), info("Disk full", T0 + 12, "error")]);
      await append(a.id, 2, "beta", T0 + 20, [info("copied 5% of rows", T0 + 21)]);
      await append(b.id, 1, "Alpha_1", T0 + 20, [info("Done", T0 + 31)]);
      await append(b.id, 3, "gamma", T0 + 40, [info("retry", T0 + 41, "error"), info("Done", T0 + 42)]);
    }

    it("filters tasks on every field with every operator of its entry", async () => {
      await seed(store.adapter);
      assert.ok((await checkEveryFilter(tasks())) > 100);
    });

    it("sorts tasks on every sortable field both ways, paging to the end", async () => {
      await seed(store.adapter);
      await checkEverySort(tasks());
    });

    it("filters logs on every field with every operator of its entry, and sorts on every sortable one", async () => {
      await seedLogs();
      assert.ok((await checkEveryFilter(logs())) > 40);
      await checkEverySort(logs());
    });

    it("filters logs by every item field with every operator: some item holds, or for a negation none holds the positive form", async () => {
      await seedLogs();
      const all = (await logs().list({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 1000 })).items;
      let checked = 0;
      for (const field of Object.keys(LOG_ITEM_FIELDS) as (keyof typeof LOG_ITEM_FIELDS)[]) {
        const spec: ListField = LOG_ITEM_FIELDS[field];
        const present = distinctValues(all.flatMap((log) => log.items.map((item) => item[field])));
        for (const op of spec.filters) {
          for (const arg of argumentsFor(op, spec, present)) {
            const positive = POSITIVE[op];
            const some = (log: TaskLog, o: FilterOp) => log.items.some((item) => holds(item[field], o, arg));
            const expected = all.filter((log) => (positive ? !some(log, positive) : some(log, op))).map((log) => log.id);
            const result = await store.adapter.logList({
              filters: [],
              itemFilters: [{ field, op, value: arg }],
              sort: [{ field: "id", direction: "asc" }],
              limit: 1000,
            });
            assert.deepEqual(result.items.map((log) => log.id), expected, `items.${field} ${op} ${JSON.stringify(arg)}`);
            checked += 1;
          }
        }
      }
      assert.ok(checked > 30);
    });
  });
}

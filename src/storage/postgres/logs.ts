/**
 * Log records (one per task iteration) and their items, which are only ever appended.
 *
 * One statement appends any number of items to any number of records: it finds or
 * creates each record (`ON CONFLICT … DO UPDATE` so a record another transaction just
 * created is still returned, instead of silently skipped as with DO NOTHING), then
 * inserts the items in order; the identity `seq` keeps concurrent appends apart.
 */
import { newId } from "../../domain/ids.js";
import type { Identity } from "../../domain/task.js";
import type { LogItem, LogItemType, TaskLog } from "../../domain/log.js";
import { LOG_ITEM_FIELDS, LOG_LIST_FIELDS, type LogItemField, type LogListField } from "../port/list-fields.js";
import { logItemBytes, ROW_BASE_BYTES, wantsLogItems, type Filter, type ListResult, type LogAppendParams, type LogListParams } from "../port/types.js";
import { itemCondition } from "../item-filters.js";
import { readCharged } from "./charged-read.js";
import { forBatch, statement, type Db, type Queryable, type Statement } from "./connection.js";
import type { SqlNames } from "./names.js";
import { asciiIlike, buildListQuery, encodeCursor, filterSql, listColumns, pageLimit, type Binds, type ListSource } from "./list-sql.js";
import { boolArray, intArray, textArray, timeArray } from "./arrays.js";
import { toStintError } from "./errors.js";

interface LogRow {
  id: string;
  task_id: string;
  iteration: number;
  execution_name: string;
  created_on: Date;
  created_by: Identity;
}

interface LogItemRow {
  log_id: string;
  type: LogItemType;
  message: string;
  created_on: Date;
  /** jsonb as text: SQL NULL (absent) and JSON null must stay apart. */
  data: string | null;
  error: string | null;
  attempt: number | null;
}

/**
 * The CTEs that append log items: `wanted` (one row per log record asked for), `record`
 * (found or created) and `items`. Bind values start at `$<param>`, as `appendLogsValues`
 * lays them out (5 record arrays, then 7 item arrays). The record takes its createdBy
 * from `taskSource` (rows the statement already locked); a task that no longer exists
 * gets no record and so no items (matching the SQLite adapter). With `leaseToken`, only
 * while the task is running under that token. (A finish's own append, with its outcome
 * flags, is written out in postgres/finish/batch-logs.ts.)
 */
export function appendLogsCtes(
  { logs, logItems }: SqlNames,
  options: { param: number; taskSource: string; leaseToken?: string },
): string {
  const $ = (offset: number) => `$${options.param + offset}`;
  return `wanted AS (
      SELECT * FROM unnest(${$(0)}::text[], ${$(1)}::text[], ${$(2)}::int[], ${$(3)}::text[], ${$(4)}::timestamptz[])
               WITH ORDINALITY AS w(id, task_id, iteration, execution_name, created_on, ord)
    ), record AS (
      INSERT INTO ${logs} (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT w.id, w.task_id, w.iteration, w.execution_name, w.created_on, t.created_by
      FROM wanted w JOIN ${options.taskSource} t ON t.id = w.task_id${options.leaseToken ? `
      WHERE t.lease_token = ${options.leaseToken} AND t.status = 'running'` : ""}
      ORDER BY w.ord
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id, task_id, iteration
    ), items AS (
      INSERT INTO ${logItems} (log_id, type, message, created_on, data, error, attempt)
      SELECT record.id, i.type, i.message, i.created_on, i.data, i.error, i.attempt
      FROM unnest(${$(5)}::int[], ${$(6)}::text[], ${$(7)}::text[], ${$(8)}::timestamptz[], ${$(9)}::jsonb[], ${$(10)}::jsonb[], ${$(11)}::int[])
           WITH ORDINALITY AS i(wanted_ord, type, message, created_on, data, error, attempt, ord)
      JOIN wanted w ON w.ord = i.wanted_ord
      JOIN record ON record.task_id = w.task_id AND record.iteration = w.iteration
      ORDER BY i.ord
    )`;
}

/**
 * The standalone append. Its tasks are locked FOR KEY SHARE first (in id order), the lock
 * a foreign key check would take: a task deleted meanwhile gets no record, and a delete
 * waits until this append has committed, then removes what it wrote (tasks.ts).
 */
export function appendLogsSql(names: SqlNames, fenced = false): string {
  // Fenced (LogAppendParams.leaseToken, bound last as $13): the record and its items only
  // while the task is running under that token.
  return `WITH owner AS (
      SELECT t.id, t.created_by${fenced ? ", t.lease_token, t.status" : ""} FROM ${names.tasks} t
      WHERE t.id = ANY($2::text[])
      ORDER BY t.id
      FOR KEY SHARE OF t
    ), ${appendLogsCtes(names, { param: 1, taskSource: "owner", ...(fenced ? { leaseToken: "$13::int" } : {}) })} SELECT 1`;
}

/**
 * Bind values for `appendLogsSql` (array literals, arrays.ts) and how many items they
 * carry (the batch's size, for `forBatch`), or null when there is nothing to append.
 */
export function appendLogsValues(
  appends: readonly LogAppendParams[],
  /** Per append, how many of its last items describe a finish's outcome (postgres/finish/batch-logs.ts: $32, $33). */
  outcomeItems?: readonly number[],
): { values: unknown[]; itemCount: number } | null {
  // One row per distinct record, sorted, so concurrent batches lock records in one order.
  const records = new Map<string, LogAppendParams>();
  // Per record: whether it holds an item that is not an outcome's (stored in any case).
  const own = new Map<string, boolean>();
  appends.forEach((append, a) => {
    if (append.items.length === 0) return;
    const key = `${append.taskId}\u0000${append.iteration}`;
    if (!records.has(key)) records.set(key, append);
    if (outcomeItems) own.set(key, own.get(key) === true || append.items.length > (outcomeItems[a] ?? 0));
  });
  if (records.size === 0) return null;
  const keys = [...records.keys()].sort();
  const ordinal = new Map(keys.map((key, i) => [key, i + 1]));
  const recordList = keys.map((key) => records.get(key)!);
  const items = appends.flatMap((append, a) => {
    const firstOutcome = append.items.length - (outcomeItems?.[a] ?? 0);
    const ord = ordinal.get(`${append.taskId}\u0000${append.iteration}`)!;
    return append.items.map((item, n) => ({ item, now: append.now, ord, outcome: n >= firstOutcome }));
  });
  const values = [
    textArray(recordList.map((r) => newId(r.now))),
    textArray(recordList.map((r) => r.taskId)),
    intArray(recordList.map((r) => r.iteration)),
    textArray(recordList.map((r) => r.executionName)),
    timeArray(recordList.map((r) => r.now)),
    intArray(items.map((i) => i.ord)),
    ...logItemColumns(items),
  ];
  if (outcomeItems) values.push(boolArray(keys.map((key) => own.get(key) === true)), boolArray(items.map((i) => i.outcome)));
  return { values, itemCount: items.length };
}

/**
 * The six item arrays (type, message, created_on, data, error, attempt) as the append
 * statements bind them (array literals); an item without a usable time takes its
 * append's `now`.
 */
export function logItemColumns(items: readonly { item: LogItem; now: number }[]): string[] {
  return [
    textArray(items.map((i) => i.item.type)),
    textArray(items.map((i) => i.item.message)),
    timeArray(items.map((i) => itemTime(i.item.createdOn, i.now))),
    textArray(items.map((i) => optionalJson(i.item.data))),
    textArray(items.map((i) => optionalJson(i.item.error))),
    intArray(items.map((i) => i.item.attempt ?? null)),
  ];
}

/** The append as a named statement (its text is fixed per schema). */
export function appendLogsStatement(names: SqlNames, fenced = false): Statement {
  return statement(names, fenced ? "log_append_fenced" : "log_append", appendLogsSql(names, fenced));
}

/** Appends on `q` (a transaction, or the pool for a single statement). */
export async function appendLogs(q: Queryable, append: Statement, appends: readonly LogAppendParams[]): Promise<void> {
  let laid: ReturnType<typeof appendLogsValues>;
  try {
    laid = appendLogsValues(appends);
  } catch (error) {
    throw toStintError(error); // a value JSON cannot encode (a BigInt): STORAGE_VALUE_REFUSED, as on SQLite
  }
  // Sized by the item count (items join their records): at least the record count.
  if (laid) await q.query(forBatch(append, laid.itemCount), laid.values);
}

export function logOps(db: Db) {
  const { logs, logItems } = db.names;
  const SOURCE: ListSource<LogListField> = {
    columns: listColumns(LOG_LIST_FIELDS),
    searchSql: (pattern) => `EXISTS (SELECT 1 FROM ${logItems} i WHERE i.log_id = ${logs}.id AND ${asciiIlike("i.message", pattern)})`,
  };
  const ITEM_COLUMNS = listColumns(LOG_ITEM_FIELDS, { alias: "i" });
  /** Webiny's `items` filter: one (NOT) EXISTS over the log's items per filter (item-filters.ts). */
  const itemConditions = (filters: readonly Filter<LogItemField>[] = []) =>
    filters.map((given) => (binds: Binds) => {
      const { filter, none } = itemCondition(given);
      const condition = filterSql(ITEM_COLUMNS[filter.field], filter, binds);
      return `${none ? "NOT " : ""}EXISTS (SELECT 1 FROM ${logItems} i WHERE i.log_id = ${logs}.id AND ${condition})`;
    });
  const ITEMS = `
    SELECT log_id, type, message, created_on, data::text AS data, error::text AS error, attempt
    FROM ${logItems} WHERE log_id = ANY($1::text[]) ORDER BY log_id, seq`;

  const APPEND = appendLogsStatement(db.names);
  const APPEND_FENCED = appendLogsStatement(db.names, true);
  return {
    async append(params: LogAppendParams) {
      if (params.leaseToken === undefined) return appendLogs(db, APPEND, [params]);
      const laid = appendLogsValues([params]);
      if (laid) await db.query(forBatch(APPEND_FENCED, laid.itemCount), [...laid.values, params.leaseToken]);
    },

    async list(params: LogListParams): Promise<ListResult<TaskLog>> {
      const query = buildListQuery(SOURCE, params, itemConditions(params.itemFilters));
      const limit = pageLimit(params.limit);
      const [rows, [{ count }]] = await Promise.all([
        db.query<LogRow>(
          `SELECT id, task_id, iteration, execution_name, created_on, created_by FROM ${logs}
           WHERE ${query.pageWhere} ORDER BY ${query.orderBy} LIMIT ${limit + 1}`,
          query.pageValues,
        ),
        db.query<{ count: string }>(`SELECT count(*) AS count FROM ${logs} WHERE ${query.where}`, query.whereValues),
      ]);
      const hasMoreItems = rows.length > limit;
      const page = hasMoreItems ? rows.slice(0, limit) : rows;
      const { budget } = params;
      budget?.charge(page.length * ROW_BASE_BYTES);
      // Items only when asked for (LogReadOptions); through a cursor, charged, under a budget.
      let items: LogItemRow[] = [];
      if (page.length > 0 && wantsLogItems(params.fields)) {
        const ids = [page.map((r) => r.id)];
        items = budget
          ? await readCharged<LogItemRow>(db, ITEMS, ids, (row) => {
              const bytes = logItemBytes(row);
              budget.charge(bytes);
              return bytes;
            })
          : await db.query<LogItemRow>(ITEMS, ids);
      }
      const byLog = new Map<string, LogItem[]>();
      for (const row of items) {
        const list = byLog.get(row.log_id) ?? [];
        list.push(rowToLogItem(row));
        byLog.set(row.log_id, list);
      }
      return {
        items: page.map((row) => ({
          id: row.id,
          taskId: row.task_id,
          iteration: row.iteration,
          executionName: row.execution_name,
          items: byLog.get(row.id) ?? [],
          createdOn: row.created_on,
          createdBy: row.created_by,
        })),
        cursor: hasMoreItems ? encodeCursor(page[page.length - 1] as unknown as Record<string, unknown>, query.sortColumns) : null,
        hasMoreItems,
        totalCount: Number(count),
      };
    },
  };
}

function rowToLogItem(row: LogItemRow): LogItem {
  const item: LogItem = { message: row.message, createdOn: row.created_on, type: row.type };
  // Optional keys stay absent rather than undefined, as the writer gave them.
  if (row.data !== null) item.data = JSON.parse(row.data);
  if (row.error !== null) item.error = JSON.parse(row.error);
  if (row.attempt !== null) item.attempt = row.attempt;
  return item;
}

/** JSON for an optional item field: only undefined is "absent"; an explicit null round-trips. */
function optionalJson(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value) ?? null;
}

/** An item's time in epoch ms (timeArray prints it); its append's `now` when it has no usable one. */
function itemTime(createdOn: unknown, now: number): number {
  if (createdOn instanceof Date && Number.isFinite(createdOn.getTime())) return createdOn.getTime();
  if (typeof createdOn === "number" && Number.isFinite(createdOn)) return createdOn;
  return now;
}

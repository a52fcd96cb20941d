/**
 * Log records (one per task iteration) and their items, which are only ever appended:
 * an item's `seq` continues after the record's last one, inside the write lock, so
 * concurrent appends from several processes never lose or reorder an item.
 */
import { newId } from "../../domain/ids.js";
import type { LogItem, TaskLog } from "../../domain/log.js";
import { LOG_ITEM_FIELDS, LOG_LIST_FIELDS, type LogItemField, type LogListField } from "../port/list-fields.js";
import { logItemBytes, ROW_BASE_BYTES, wantsLogItems, type Filter, type ListResult, type LogAppendParams, type LogListParams } from "../port/types.js";
import { itemCondition } from "../item-filters.js";
import { jsonList, type Db } from "./connection.js";
import { buildListQuery, encodeCursor, filterSql, listColumns, type ListSource } from "./list-sql.js";
import { rowToLog, toOptionalJson, type LogItemRow, type LogRow } from "./row.js";

// Appends go in two statements for a whole batch, the rows passed as one JSON array each
// (jsonb_each: its elements are read without re-parsing text): per-row statements cost
// three calls and a lookup per append.
//
// 1. The records, [id, taskId, iteration, executionName, now] each: a record takes its
//    createdBy from its task, a task that no longer exists gets none, an existing one is
//    kept. (`WHERE true`: without a WHERE, ON CONFLICT would parse as the join's.)
const ENSURE_LOGS = `
  INSERT INTO stint_logs (id, task_id, iteration, execution_name, created_on, created_by)
  SELECT r.value ->> 0, t.id, r.value ->> 2, r.value ->> 3, r.value ->> 4, t.created_by
  FROM jsonb_each(?) AS r CROSS JOIN stint_tasks AS t ON t.id = r.value ->> 1
  WHERE true
  ON CONFLICT (task_id, iteration) DO NOTHING`;

// 2. The items, [logId, seq, type, message, createdOn, data, error, attempt] each, when
//    every record was created by step 1: the caller knows their ids and numbers the items.
const INSERT_NEW_ITEMS = `
  INSERT INTO stint_log_items (log_id, seq, type, message, created_on, data, error, attempt)
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7
  FROM jsonb_each(?)`;

// 2'. Otherwise the items, [taskId, iteration, type, message, ...] each, in append order,
//    find their record: `seq` continues after the record's last item, in the order given.
//    The select reads the table it inserts into, so SQLite computes every row before the
//    first insert. Items of a task without a record (it no longer exists) are dropped.
const INSERT_ITEMS = `
  INSERT INTO stint_log_items (log_id, seq, type, message, created_on, data, error, attempt)
  SELECT l.id,
    (SELECT COALESCE(MAX(seq), 0) FROM stint_log_items WHERE log_id = l.id)
      + ROW_NUMBER() OVER (PARTITION BY l.id ORDER BY i.key),
    i.value ->> 2, i.value ->> 3, i.value ->> 4, i.value ->> 5, i.value ->> 6, i.value ->> 7
  FROM jsonb_each(?) AS i
  CROSS JOIN stint_logs AS l ON l.task_id = i.value ->> 0 AND l.iteration = i.value ->> 1`;

const SELECT_ITEMS = `
  SELECT * FROM stint_log_items WHERE log_id IN (SELECT value FROM json_each(?)) ORDER BY log_id, seq`;

const LOG_LIST_SOURCE: ListSource<LogListField> = {
  columns: listColumns(LOG_LIST_FIELDS),
  searchSql: `EXISTS (SELECT 1 FROM stint_log_items i WHERE i.log_id = stint_logs.id AND i.message LIKE ? ESCAPE '\\')`,
};

const LOG_ITEM_COLUMNS = listColumns(LOG_ITEM_FIELDS, "i");

/** Webiny's `items` filter: one (NOT) EXISTS over the log's items per filter (item-filters.ts). */
function itemConditions(filters: readonly Filter<LogItemField>[] = []): { sql: string; args: unknown[] }[] {
  return filters.map((given) => {
    const { filter, none } = itemCondition(given);
    const built = filterSql(LOG_ITEM_COLUMNS[filter.field], filter);
    return {
      sql: `${none ? "NOT " : ""}EXISTS (SELECT 1 FROM stint_log_items i WHERE i.log_id = stint_logs.id AND ${built.sql})`,
      args: built.args,
    };
  });
}

// A fenced append (LogAppendParams.leaseToken) goes in only while its iteration holds the task.
const HOLDS = `SELECT 1 FROM stint_tasks WHERE id = ? AND lease_token = ? AND status = 'running'`;

/** The statements of log appends and item reads (snapshot: tests/storage/sqlite/statements.test.ts). */
export const LOG_STATEMENTS = { ENSURE_LOGS, INSERT_NEW_ITEMS, INSERT_ITEMS, SELECT_ITEMS, HOLDS };

export function logAppend(db: Db, params: LogAppendParams): void {
  db.write(() => {
    if (params.leaseToken !== undefined && params.items.length > 0 && !db.stmt(HOLDS, "pluck").get(params.taskId, params.leaseToken)) return;
    appendInTransaction(db, [params]);
  });
}

/**
 * The body of `logAppend` for several appends at once, in order, for callers already
 * inside a write transaction: the same as appending each in turn.
 */
export function appendInTransaction(db: Db, allAppends: readonly LogAppendParams[]): void {
  // An append without items creates no record (as on PostgreSQL).
  const appends = allAppends.filter((append) => append.items.length > 0);
  if (appends.length === 0) return;
  const logIds = appends.map((append) => newId(append.now));
  const records = appends.map((append, i) => [logIds[i], append.taskId, append.iteration, append.executionName, append.now]);
  const created = db.stmt(ENSURE_LOGS).run(JSON.stringify(records)).changes;
  // Each append created its record (the usual case: an iteration's first append): then
  // no two appends share one, and each record is ours and still empty. Saves looking up
  // the record and its last item for every item (about 1 µs of an append's 5).
  const allNew = created === appends.length;
  const items: unknown[][] = [];
  appends.forEach((append, i) => {
    append.items.forEach((item, n) => {
      items.push(allNew ? itemValues(logIds[i], n + 1, item, append.now) : itemValues(append.taskId, append.iteration, item, append.now));
    });
  });
  if (items.length > 0) db.stmt(allNew ? INSERT_NEW_ITEMS : INSERT_ITEMS).run(JSON.stringify(items));
}

/** An item as INSERT_NEW_ITEMS (record id, seq) or INSERT_ITEMS (task id, iteration) reads it. */
function itemValues(key: string, position: number, item: LogItem, now: number): unknown[] {
  return [
    key,
    position,
    item.type,
    item.message,
    item.createdOn instanceof Date ? item.createdOn.getTime() : now,
    toOptionalJson(item.data),
    toOptionalJson(item.error),
    item.attempt ?? null,
  ];
}

export function logList(db: Db, params: LogListParams): ListResult<TaskLog> {
  const query = buildListQuery(LOG_LIST_SOURCE, params, itemConditions(params.itemFilters));
  const limit = Math.max(1, Math.floor(params.limit));
  return db.read(() => {
    const rows = db
      .stmt(`SELECT * FROM stint_logs WHERE ${query.pageWhere} ORDER BY ${query.orderBy} LIMIT ?`)
      .all(...query.pageArgs, limit + 1) as LogRow[];
    const { count } = db.stmt(`SELECT COUNT(*) AS count FROM stint_logs WHERE ${query.where}`).get(...query.whereArgs) as { count: number };
    const hasMoreItems = rows.length > limit;
    const page = hasMoreItems ? rows.slice(0, limit) : rows;
    const { budget } = params;
    budget?.charge(page.length * ROW_BASE_BYTES);
    // Items only when asked for (LogReadOptions); charged one by one under a budget.
    let items: LogItemRow[] = [];
    if (page.length > 0 && wantsLogItems(params.fields)) {
      const statement = db.stmt(SELECT_ITEMS);
      if (budget) {
        for (const item of statement.iterate(jsonList(page.map((r) => r.id))) as IterableIterator<LogItemRow>) {
          budget.charge(logItemBytes(item));
          items.push(item);
        }
      } else {
        items = statement.all(jsonList(page.map((r) => r.id))) as LogItemRow[];
      }
    }
    const itemsByLog = new Map<string, LogItemRow[]>();
    for (const item of items) {
      const list = itemsByLog.get(item.log_id);
      if (list) list.push(item);
      else itemsByLog.set(item.log_id, [item]);
    }
    return {
      items: page.map((row) => rowToLog(row, itemsByLog.get(row.id) ?? [])),
      cursor: hasMoreItems ? encodeCursor(page[page.length - 1] as unknown as Record<string, unknown>, query.sortColumns) : null,
      hasMoreItems,
      totalCount: count,
    };
  });
}

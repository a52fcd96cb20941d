/**
 * Log records (one per task iteration) and their items, which are only ever appended:
 * an item's `seq` continues after the record's last one, inside the write lock, so
 * concurrent appends from several processes never lose or reorder an item.
 */
import { newId } from "../../domain/ids.js";
import type { TaskLog } from "../../domain/log.js";
import type { ListResult, LogAppendParams, LogListField, LogListParams } from "../port/types.js";
import { jsonList, type Db } from "./connection.js";
import { buildListQuery, encodeCursor, type ListSource } from "./list-query.js";
import { rowToLog, toOptionalJson, type LogItemRow, type LogRow } from "./row.js";

// The record takes its createdBy from the task; a task that no longer exists gets no record.
const ENSURE_LOG = `
  INSERT INTO stint_logs (id, task_id, iteration, execution_name, created_on, created_by)
  SELECT @id, id, @iteration, @executionName, @now, created_by FROM stint_tasks WHERE id = @taskId
  ON CONFLICT (task_id, iteration) DO NOTHING`;

const FIND_LOG = `
  SELECT l.id, (SELECT COALESCE(MAX(seq), 0) FROM stint_log_items WHERE log_id = l.id) AS last_seq
  FROM stint_logs l WHERE task_id = ? AND iteration = ?`;

const INSERT_ITEM = `
  INSERT INTO stint_log_items (log_id, seq, type, message, created_on, data, error, attempt)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

const LATEST_ITERATION = `SELECT MAX(iteration) AS iteration FROM stint_logs WHERE task_id = ?`;

const SELECT_ITEMS = `
  SELECT * FROM stint_log_items WHERE log_id IN (SELECT value FROM json_each(?)) ORDER BY log_id, seq`;

const LOG_LIST_SOURCE: ListSource<LogListField> = {
  columns: {
    id: { name: "id", kind: "text", nullable: false },
    task: { name: "task_id", kind: "text", nullable: false },
    iteration: { name: "iteration", kind: "number", nullable: false },
    executionName: { name: "execution_name", kind: "text", nullable: false },
    createdOn: { name: "created_on", kind: "date", nullable: false },
  },
  searchSql: `EXISTS (SELECT 1 FROM stint_log_items i WHERE i.log_id = stint_logs.id AND i.message LIKE ? ESCAPE '\\')`,
};

export function logAppend(db: Db, params: LogAppendParams): void {
  db.write(() => appendInTransaction(db, params));
}

/** The body of `logAppend`, for callers already inside a write transaction. */
export function appendInTransaction(db: Db, params: LogAppendParams): void {
  db.stmt(ENSURE_LOG).run({
    id: newId(params.now),
    taskId: params.taskId,
    iteration: params.iteration,
    executionName: params.executionName,
    now: params.now,
  });
  const log = db.stmt(FIND_LOG).get(params.taskId, params.iteration) as { id: string; last_seq: number } | undefined;
  if (!log) return;
  const insert = db.stmt(INSERT_ITEM);
  let seq = log.last_seq;
  for (const item of params.items) {
    seq += 1;
    insert.run(
      log.id,
      seq,
      item.type,
      item.message,
      item.createdOn instanceof Date ? item.createdOn.getTime() : params.now,
      toOptionalJson(item.data),
      toOptionalJson(item.error),
      item.attempt ?? null,
    );
  }
}

/** The iteration of the task's latest log record, or null when it has none. */
export function latestLogIteration(db: Db, taskId: string): number | null {
  return (db.stmt(LATEST_ITERATION).get(taskId) as { iteration: number | null }).iteration;
}

export function logList(db: Db, params: LogListParams): ListResult<TaskLog> {
  const query = buildListQuery(LOG_LIST_SOURCE, params);
  const limit = Math.max(1, Math.floor(params.limit));
  return db.read(() => {
    const rows = db
      .stmt(`SELECT * FROM stint_logs WHERE ${query.pageWhere} ORDER BY ${query.orderBy} LIMIT ?`)
      .all(...query.pageArgs, limit + 1) as LogRow[];
    const { count } = db.stmt(`SELECT COUNT(*) AS count FROM stint_logs WHERE ${query.where}`).get(...query.whereArgs) as { count: number };
    const hasMoreItems = rows.length > limit;
    const page = hasMoreItems ? rows.slice(0, limit) : rows;
    const items = page.length > 0 ? (db.stmt(SELECT_ITEMS).all(jsonList(page.map((r) => r.id))) as LogItemRow[]) : [];
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

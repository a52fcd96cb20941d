/** Task rows: create, read, list and delete (docs/storage.md "Operations", "Lists"). */
import { Errors } from "../../domain/errors.js";
import type { Task } from "../../domain/task.js";
import { TASK_LIST_FIELDS, type TaskListField } from "../port/list-fields.js";
import {
  heavyFieldsOf,
  type ListResult,
  type TaskCreateManyParams,
  type TaskCreateParams,
  type TaskDeleteParams,
  type TaskGetManyParams,
  type TaskGetParams,
  type TaskListParams,
} from "../port/types.js";
import { jsonList, type Db } from "./connection.js";
import { isUniqueViolation } from "./errors.js";
import { buildListQuery, encodeCursor, listColumns, UNFILTERED, type ListQuery, type ListSource } from "./list-sql.js";
import { col, rowToTask, TASK_COLUMNS, taskColumnsFor, taskRowBytes, taskValuesBytes, toJson, valuesToTask, type TaskRow, type TaskValues } from "./row.js";

const INSERT_TASK = `
  INSERT INTO stint_tasks (
    id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input,
    output, status, event_response, created_on, saved_on, created_by, run_at, attempt,
    lease_token, due_at, hook_pending, trace_context, priority, idempotency_key, concurrency_key,
    rerun_of
  ) VALUES (
    @id, @name, @definitionId, @parentId, '', 0, @maxIterations, @input,
    NULL, 'pending', @eventResponse, @createdOn, @createdOn, @createdBy, @runAt, 0,
    0, @runAt, 0, @traceContext, @priority, @idempotencyKey, @concurrencyKey,
    @rerunOf
  ) RETURNING *`;

/** The named parameters of INSERT_TASK for one task. */
export function insertValues(p: TaskCreateParams): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    definitionId: p.definitionId,
    parentId: p.parentId,
    maxIterations: p.maxIterations,
    input: JSON.stringify(p.input ?? {}),
    eventResponse: toJson(p.eventResponse),
    createdOn: p.createdOn,
    createdBy: JSON.stringify(p.createdBy),
    runAt: p.runAt,
    traceContext: toJson(p.traceContext),
    priority: p.priority ?? 0,
    idempotencyKey: p.idempotencyKey ?? null,
    concurrencyKey: p.concurrencyKey ?? null,
    rerunOf: p.rerunOf ?? null,
  };
}

/** The prepared INSERT of one task (RETURNING the row as an object). */
export function insertTaskStatement(db: Db): ReturnType<Db["stmt"]> {
  return db.stmt(INSERT_TASK);
}

/** A unique violation of an insert: the id, or (index stint_tasks_idempotency) the idempotency key. */
export function createConflict(error: unknown): Error | null {
  if (!isUniqueViolation(error)) return null;
  if (/idempotency_key/.test(String((error as Error).message))) {
    return Errors.invalidArgument("idempotencyKey", "a task of this definition already holds this key");
  }
  return Errors.invalidArgument("id", "a task with this id already exists");
}

const selectTask = (columns: string) => `SELECT ${columns} FROM stint_tasks WHERE id = ?`;
const selectTasks = (columns: string) => `SELECT ${columns} FROM stint_tasks WHERE id IN (SELECT value FROM json_each(?))`;
const DELETE_TASK = `DELETE FROM stint_tasks WHERE id = ?`;
const COUNT_ALL_TASKS = `SELECT n AS count FROM stint_task_count WHERE id = 1`;

/** The statements of task rows outside the claim/finish cycle (snapshot: tests/storage/sqlite/statements.test.ts; reads as of the whole row). */
export const TASK_STATEMENTS = {
  INSERT_TASK,
  SELECT_TASK: selectTask(TASK_COLUMNS),
  SELECT_TASKS: selectTasks(TASK_COLUMNS),
  DELETE_TASK,
  COUNT_ALL_TASKS,
};

export const TASK_LIST_SOURCE: ListSource<TaskListField> = {
  columns: listColumns(TASK_LIST_FIELDS),
  searchSql: `name LIKE ? ESCAPE '\\'`,
};

export function taskCreateMany(db: Db, { tasks }: TaskCreateManyParams): Task[] {
  const insert = db.stmt(INSERT_TASK);
  try {
    return db.write(() => tasks.map((p) => rowToTask(insert.get(insertValues(p)) as TaskRow)));
  } catch (error) {
    throw createConflict(error) ?? error;
  }
}

export function taskGet(db: Db, { id, fields, budget }: TaskGetParams): Task | null {
  const row = db.stmt(selectTask(taskColumnsFor(heavyFieldsOf(fields))), "raw").get(id) as TaskValues | undefined;
  if (row && budget) budget.charge(taskValuesBytes(row));
  return row ? valuesToTask(row) : null;
}

/** The tasks that exist, in the order their ids were given. */
export function taskGetMany(db: Db, { ids, fields, budget }: TaskGetManyParams): Task[] {
  if (ids.length === 0) return [];
  const statement = db.stmt(selectTasks(taskColumnsFor(heavyFieldsOf(fields))), "raw");
  let rows: TaskValues[];
  if (budget) {
    // Row by row, so a budget that runs out stops the read there.
    rows = [];
    for (const row of statement.iterate(jsonList(ids)) as IterableIterator<TaskValues>) {
      budget.charge(taskValuesBytes(row));
      rows.push(row);
    }
  } else {
    rows = statement.all(jsonList(ids)) as TaskValues[];
  }
  const byId = new Map(rows.map((row) => [row[col.id] as string, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [valuesToTask(row)] : [];
  });
}

export function taskDelete(db: Db, { id }: TaskDeleteParams): boolean {
  // Log records and items go with it (ON DELETE CASCADE).
  return db.stmt(DELETE_TASK).run(id).changes > 0;
}

/**
 * How long one list read may hold the thread (SQLite calls are synchronous) before it
 * yields to the event loop and goes on after the last row read. Rows with a large input
 * cost about 1 ms each even when the input is not selected: the columns stored after it
 * (status, dates…) are reached through its overflow pages. 800 such rows would stall
 * every other request, /healthz included, for about a second.
 */
export const DEFAULT_READ_SLICE_MS = 20;

/**
 * The page, read in slices of at most `sliceMs` each, every slice its own read
 * transaction continuing after the previous slice's last row (the keyset, as a client's
 * next page would): a long read lets other requests run between slices. The count comes
 * with the first slice.
 */
export async function taskList(db: Db, params: TaskListParams, sliceMs = DEFAULT_READ_SLICE_MS): Promise<ListResult<Task>> {
  const limit = Math.max(1, Math.floor(params.limit));
  const { budget } = params;
  const rows: TaskRow[] = [];
  let count = -1;
  let after = params.after;
  let sortColumns: ListQuery["sortColumns"] = [];
  for (let slice = 0; ; slice += 1) {
    const query = buildListQuery(TASK_LIST_SOURCE, { ...params, after });
    sortColumns = query.sortColumns;
    // Only the heavy columns asked for (taskColumnsFor), plus the generated identity id
    // when the cursor needs it: `*` would compute it (json_extract) for every row.
    const sortsByCreator = query.sortColumns.some((c) => c.name === "created_by_id");
    const columns = `${taskColumnsFor(heavyFieldsOf(params.fields))}${sortsByCreator ? ", created_by_id" : ""}`;
    const sliceEnd = performance.now() + sliceMs;
    const finished = db.read(() => {
      if (slice === 0 && params.count !== false) {
        // Unfiltered: the count the triggers keep (migration 0002), not a walk of every row.
        count = (
          (query.where === UNFILTERED
            ? db.stmt(COUNT_ALL_TASKS).get()
            : db.stmt(`SELECT COUNT(*) AS count FROM stint_tasks WHERE ${query.where}`).get(...query.whereArgs)) as { count: number }
        ).count;
      }
      const statement = db.stmt(`SELECT ${columns} FROM stint_tasks WHERE ${query.pageWhere} ORDER BY ${query.orderBy} LIMIT ?`);
      // Row by row: a budget that runs out stops the read at the row that passes it.
      for (const row of statement.iterate(...query.pageArgs, limit + 1 - rows.length) as IterableIterator<TaskRow>) {
        if (budget && rows.length < limit) budget.charge(taskRowBytes(row));
        rows.push(row);
        if (rows.length <= limit && performance.now() >= sliceEnd) return false;
      }
      return true;
    });
    if (finished) break;
    after = encodeCursor(rows[rows.length - 1] as unknown as Record<string, unknown>, query.sortColumns);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const hasMoreItems = rows.length > limit;
  const page = hasMoreItems ? rows.slice(0, limit) : rows;
  return {
    items: page.map(rowToTask),
    cursor: hasMoreItems ? encodeCursor(page[page.length - 1] as unknown as Record<string, unknown>, sortColumns) : null,
    hasMoreItems,
    totalCount: count,
  };
}

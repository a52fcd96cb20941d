/** Task rows: create, read, list and delete (docs/storage.md "Operations", "Lists"). */
import { Errors } from "../../domain/errors.js";
import type { Task } from "../../domain/task.js";
import type { ListResult, TaskCreateParams, TaskListField, TaskListParams } from "../port/types.js";
import { jsonList, type Db } from "./connection.js";
import { isUniqueViolation } from "./errors.js";
import { buildListQuery, encodeCursor, UNFILTERED, type ListSource } from "./list-query.js";
import { col, rowToTask, TASK_COLUMNS, toJson, valuesToTask, type TaskRow, type TaskValues } from "./row.js";

const INSERT_TASK = `
  INSERT INTO stint_tasks (
    id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input,
    output, status, event_response, created_on, saved_on, created_by, run_at, attempt,
    lease_token, due_at, hook_pending
  ) VALUES (
    @id, @name, @definitionId, @parentId, '', 0, @maxIterations, @input,
    NULL, 'pending', @eventResponse, @createdOn, @createdOn, @createdBy, @runAt, 0,
    0, @runAt, 0
  ) RETURNING *`;

const SELECT_TASK = `SELECT ${TASK_COLUMNS} FROM stint_tasks WHERE id = ?`;
const SELECT_TASKS = `SELECT ${TASK_COLUMNS} FROM stint_tasks WHERE id IN (SELECT value FROM json_each(?))`;
const DELETE_TASK = `DELETE FROM stint_tasks WHERE id = ?`;
const COUNT_ALL_TASKS = `SELECT n AS count FROM stint_task_count WHERE id = 1`;

export const TASK_LIST_SOURCE: ListSource<TaskListField> = {
  columns: {
    id: { name: "id", kind: "text", nullable: false },
    name: { name: "name", kind: "text", nullable: false },
    definitionId: { name: "definition_id", kind: "text", nullable: false },
    parentId: { name: "parent_id", kind: "text", nullable: true },
    executionName: { name: "execution_name", kind: "text", nullable: false },
    taskStatus: { name: "status", kind: "text", nullable: false },
    iterations: { name: "iterations", kind: "number", nullable: false },
    startedOn: { name: "started_on", kind: "date", nullable: true },
    finishedOn: { name: "finished_on", kind: "date", nullable: true },
    createdOn: { name: "created_on", kind: "date", nullable: false },
    savedOn: { name: "saved_on", kind: "date", nullable: false },
    createdBy: { name: "created_by_id", kind: "text", nullable: false },
  },
  searchSql: `name LIKE ? ESCAPE '\\'`,
};

export function taskCreateMany(db: Db, params: readonly TaskCreateParams[]): Task[] {
  const insert = db.stmt(INSERT_TASK);
  try {
    return db.write(() =>
      params.map((p) =>
        rowToTask(
          insert.get({
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
          }) as TaskRow,
        ),
      ),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw Errors.invalidArgument("id", "a task with this id already exists");
    throw error;
  }
}

export function taskGet(db: Db, id: string): Task | null {
  const row = db.stmt(SELECT_TASK, "raw").get(id) as TaskValues | undefined;
  return row ? valuesToTask(row) : null;
}

/** The tasks that exist, in the order their ids were given. */
export function taskGetMany(db: Db, ids: readonly string[]): Task[] {
  if (ids.length === 0) return [];
  const rows = db.stmt(SELECT_TASKS, "raw").all(jsonList(ids)) as TaskValues[];
  const byId = new Map(rows.map((row) => [row[col.id] as string, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [valuesToTask(row)] : [];
  });
}

export function taskDelete(db: Db, id: string): boolean {
  // Log records and items go with it (ON DELETE CASCADE).
  return db.stmt(DELETE_TASK).run(id).changes > 0;
}

export function taskList(db: Db, params: TaskListParams): ListResult<Task> {
  const query = buildListQuery(TASK_LIST_SOURCE, params);
  const limit = Math.max(1, Math.floor(params.limit));
  return db.read(() => {
    const rows = db
      .stmt(`SELECT * FROM stint_tasks WHERE ${query.pageWhere} ORDER BY ${query.orderBy} LIMIT ?`)
      .all(...query.pageArgs, limit + 1) as TaskRow[];
    // Unfiltered: the count the triggers keep (migration 0002), not a walk of every row.
    const { count } = (
      query.where === UNFILTERED
        ? db.stmt(COUNT_ALL_TASKS).get()
        : db.stmt(`SELECT COUNT(*) AS count FROM stint_tasks WHERE ${query.where}`).get(...query.whereArgs)
    ) as { count: number };
    const hasMoreItems = rows.length > limit;
    const page = hasMoreItems ? rows.slice(0, limit) : rows;
    return {
      items: page.map(rowToTask),
      cursor: hasMoreItems ? encodeCursor(page[page.length - 1] as unknown as Record<string, unknown>, query.sortColumns) : null,
      hasMoreItems,
      totalCount: count,
    };
  });
}

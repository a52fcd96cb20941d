/**
 * Idempotent creates (docs/flow-control.md "Idempotency keys"). One IMMEDIATE transaction
 * for the batch: it holds SQLite's write lock, so no other trigger can store a task with
 * the same key between this one's look-up and its insert, and the unique index
 * stint_tasks_idempotency stays the last word.
 */
import type { Task } from "../../domain/task.js";
import type { TaskCreateOrGetItem, TaskCreateOrGetResult, TaskFindByKeyParams } from "../port/types.js";
import type { Db } from "./connection.js";
import { rowToTask, TASK_COLUMNS, type TaskRow } from "./row.js";
import { createConflict, insertTaskStatement, insertValues } from "./tasks.js";

const FIND_BY_KEY = `
  SELECT ${TASK_COLUMNS} FROM stint_tasks
  WHERE definition_id = @definitionId AND idempotency_key = @key AND created_on >= @since`;

// A task older than the trigger's TTL no longer holds the key: released, not deleted.
const RELEASE_KEY = `
  UPDATE stint_tasks SET idempotency_key = NULL
  WHERE definition_id = @definitionId AND idempotency_key = @key AND created_on < @before`;

export function taskFindByIdempotencyKey(db: Db, params: TaskFindByKeyParams): Task | null {
  const row = db.stmt(FIND_BY_KEY).get({
    definitionId: params.definitionId,
    key: params.idempotencyKey,
    since: params.createdSince ?? Number.MIN_SAFE_INTEGER,
  }) as TaskRow | undefined;
  return row ? rowToTask(row) : null;
}

export function taskCreateOrGet(db: Db, params: readonly TaskCreateOrGetItem[]): TaskCreateOrGetResult[] {
  const insert = insertTaskStatement(db);
  const find = db.stmt(FIND_BY_KEY);
  const release = db.stmt(RELEASE_KEY);
  try {
    return db.write(() =>
      params.map((p) => {
        const key = p.idempotencyKey ?? null;
        if (key !== null) {
          if (p.keyReleaseBefore !== undefined) release.run({ definitionId: p.definitionId, key, before: p.keyReleaseBefore });
          const held = find.get({ definitionId: p.definitionId, key, since: Number.MIN_SAFE_INTEGER }) as TaskRow | undefined;
          if (held) return { task: rowToTask(held), created: false };
        }
        return { task: rowToTask(insert.get(insertValues(p)) as TaskRow), created: true };
      }),
    );
  } catch (error) {
    throw createConflict(error) ?? error;
  }
}

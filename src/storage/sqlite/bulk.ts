/**
 * Batch aborts and deletes (`taskAbortMany`, `taskDeleteMany`, `taskSubtree`): one
 * statement per batch, the subtree found by a recursive CTE over `parent_id` (the
 * stint_tasks_parent index), so a parent's whole tree costs one statement, not one per
 * level or per task. The abort is `taskAbort`'s (finish.ts) for many rows.
 */
import type { Task } from "../../domain/task.js";
import type { TaskAbortManyParams, TaskAbortManyResult, TaskDeleteManyParams, TaskSubtreeParams, TaskSubtreeRow } from "../port/types.js";
import { jsonList, type Db } from "./connection.js";
import { appendInTransaction } from "./logs.js";
import { rowToTask, type TaskRow } from "./row.js";
import { wakeWaiting } from "./wait-children.js";

// The listed ids, and with @subtree every descendant. UNION (not UNION ALL): a task is
// reached once even if a parent is listed beside its child.
const TARGETS = `
  WITH RECURSIVE targets(id) AS (
    SELECT value FROM json_each(@ids)
    UNION
    SELECT t.id FROM stint_tasks t JOIN targets ON t.parent_id = targets.id WHERE @subtree
  )`;

// The abort of taskAbort (finish.ts ABORT), per row; who runs onAbort by definition
// (TaskAbortManyParams.hooks): @runHere kept for @leaseMs, @none released, others due now.
const ABORT_MANY = `${TARGETS}
  UPDATE stint_tasks SET
    status = 'aborted',
    finished_on = @now,
    saved_on = @now,
    lease_token = lease_token + 1,
    hook_pending = CASE WHEN NOT @withHooks OR definition_id IN (SELECT value FROM json_each(@none)) THEN 0 ELSE 1 END,
    lease_owner = CASE WHEN NOT @withHooks OR definition_id IN (SELECT value FROM json_each(@none)) THEN NULL ELSE @workerId END,
    lease_expires_at = CASE
      WHEN NOT @withHooks OR definition_id IN (SELECT value FROM json_each(@none)) THEN NULL
      WHEN definition_id IN (SELECT value FROM json_each(@runHere)) THEN @now + @leaseMs
      ELSE @now END,
    due_at = CASE
      WHEN NOT @withHooks OR definition_id IN (SELECT value FROM json_each(@none)) THEN NULL
      WHEN definition_id IN (SELECT value FROM json_each(@runHere)) THEN @now + @leaseMs
      ELSE @now END
  WHERE id IN (SELECT id FROM targets) AND status IN ('pending', 'running')
  RETURNING *`;

// Log records and items go with the rows (ON DELETE CASCADE).
const DELETE_MANY = `${TARGETS}
  DELETE FROM stint_tasks WHERE id IN (SELECT id FROM targets) RETURNING id`;

const SUBTREE = `${TARGETS}
  SELECT t.id, t.definition_id, t.status FROM stint_tasks t WHERE t.id IN (SELECT id FROM targets)`;

/** The statements of batch aborts and deletes (snapshot: tests/storage/sqlite/statements.test.ts). */
export const BULK_STATEMENTS = { ABORT_MANY, DELETE_MANY, SUBTREE };

export function taskAbortMany(db: Db, p: TaskAbortManyParams): TaskAbortManyResult {
  if (p.ids.length === 0) return { aborted: [] };
  return db.write(() => {
    const rows = db.stmt(ABORT_MANY).all({
      ids: jsonList(p.ids),
      subtree: p.subtree ? 1 : 0,
      now: p.now,
      withHooks: p.hooks ? 1 : 0,
      none: jsonList(p.hooks?.none ?? []),
      runHere: jsonList(p.hooks?.runHere ?? []),
      leaseMs: p.hooks?.leaseMs ?? 0,
      workerId: p.workerId,
    }) as TaskRow[];
    const aborted = rows.map((row) => ({ task: rowToTask(row) as Task, leaseToken: row.lease_token }));
    // The message in each task's current iteration record, as taskAbort writes it.
    appendInTransaction(
      db,
      aborted.map(({ task }) => ({
        taskId: task.id,
        iteration: Math.max(1, task.iterations),
        executionName: task.executionName,
        now: p.now,
        items: [{ message: p.message, type: "info" as const, createdOn: new Date(p.now) }],
      })),
    );
    // Parents waiting for children whose last unfinished child this batch aborted.
    const woken = wakeWaiting(db, aborted.flatMap(({ task }) => (task.parentId ? [task.parentId] : [])), p.now);
    return { aborted, ...(woken.size > 0 ? { woken: [...woken] } : {}) };
  });
}

export function taskDeleteMany(db: Db, p: TaskDeleteManyParams): string[] {
  if (p.ids.length === 0) return [];
  return db.write(() =>
    (db.stmt(DELETE_MANY).all({ ids: jsonList(p.ids), subtree: p.subtree ? 1 : 0 }) as { id: string }[]).map((row) => row.id),
  );
}

export function taskSubtree(db: Db, p: TaskSubtreeParams): TaskSubtreeRow[] {
  if (p.ids.length === 0) return [];
  const rows = db.read(() => db.stmt(SUBTREE).all({ ids: jsonList(p.ids), subtree: p.subtree ? 1 : 0 })) as {
    id: string;
    definition_id: string;
    status: TaskSubtreeRow["taskStatus"];
  }[];
  return rows.map((row) => ({ id: row.id, definitionId: row.definition_id, taskStatus: row.status }));
}

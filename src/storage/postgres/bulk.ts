/**
 * Batch aborts and deletes (`taskAbortMany`, `taskDeleteMany`, `taskSubtree`): one
 * statement per batch for the rows, the subtree found by a recursive CTE over `parent_id`
 * (tasks_parent_idx), so a parent's whole tree costs one statement, not one per level or
 * per task. The abort is finish/abort.ts's for many rows; the delete is tasks.ts's.
 */
import type { TaskAbortManyParams, TaskAbortManyResult, TaskDeleteManyParams, TaskSubtreeParams, TaskSubtreeRow } from "../port/types.js";
import { textArray } from "./arrays.js";
import type { Db } from "./connection.js";
import { appendLogs, appendLogsStatement } from "./logs.js";
import type { SqlNames } from "./names.js";
import { encodeEvent } from "./notify.js";
import { rowToTask, TASK_COLUMNS, ts, type TaskRow } from "./row.js";
import { waitChildrenStatements, wakeParents } from "./finish/wait-children.js";

export interface BulkOps {
  abortMany(params: TaskAbortManyParams): Promise<TaskAbortManyResult>;
  deleteMany(params: TaskDeleteManyParams): Promise<string[]>;
  subtree(params: TaskSubtreeParams): Promise<TaskSubtreeRow[]>;
}

/** The listed ids ($1), and with $2 every descendant; UNION reaches each task once. */
function targets({ tasks }: SqlNames): string {
  return `WITH RECURSIVE targets(id) AS (
      SELECT unnest($1::text[]) COLLATE "C"
      UNION
      SELECT t.id FROM ${tasks} t JOIN targets ON t.parent_id = targets.id WHERE $2::boolean
    )`;
}

/**
 * Binds: $1 ids, $2 subtree, $3 now, $4 worker id, $5 with hooks, $6 definitions whose
 * onAbort the caller runs, $7 definitions with none, $8 the hook lease (ms).
 * Who runs onAbort: TaskAbortManyParams.hooks.
 */
export function abortManySql(names: SqlNames): string {
  const released = `(NOT $5::boolean OR definition_id = ANY($7::text[]))`;
  const due = `CASE WHEN ${released} THEN NULL
      WHEN definition_id = ANY($6::text[]) THEN $3::timestamptz + $8::int * interval '1 millisecond'
      ELSE $3::timestamptz END`;
  return `${targets(names)}
    UPDATE ${names.tasks} SET
      status = 'aborted',
      finished_on = $3,
      saved_on = $3,
      lease_token = lease_token + 1,
      lease_owner = CASE WHEN ${released} THEN NULL ELSE $4 END,
      hook_pending = NOT ${released},
      lease_expires_at = ${due},
      due_at = ${due}
    WHERE id IN (SELECT id FROM targets) AND status IN ('pending', 'running')
    RETURNING ${TASK_COLUMNS}`;
}

/** The rows first, then (a second statement, a fresh snapshot, as tasks.ts's delete) their logs. */
export function deleteManySql(names: SqlNames): { rows: string; logs: string } {
  return {
    rows: `${targets(names)}
    DELETE FROM ${names.tasks} WHERE id IN (SELECT id FROM targets) RETURNING id`,
    logs: `WITH records AS (
      DELETE FROM ${names.logs} WHERE task_id = ANY($1::text[]) RETURNING id
    )
    DELETE FROM ${names.logItems} WHERE log_id IN (SELECT id FROM records)`,
  };
}

export function subtreeSql(names: SqlNames): string {
  return `${targets(names)}
    SELECT t.id, t.definition_id, t.status FROM ${names.tasks} t WHERE t.id IN (SELECT id FROM targets)`;
}

export function bulkOps(db: Db): BulkOps {
  const ABORT_MANY = abortManySql(db.names);
  const DELETE_MANY = deleteManySql(db.names);
  const SUBTREE = subtreeSql(db.names);
  const APPEND = appendLogsStatement(db.names);
  const NOTIFY_MANY = `SELECT pg_notify('${db.names.channel}', e) FROM unnest($1::text[]) AS e`;
  const W = waitChildrenStatements(db.names);

  return {
    async abortMany(p) {
      if (p.ids.length === 0) return { aborted: [] };
      return db.transaction(async (tx) => {
        const rows = await tx.query<TaskRow>(ABORT_MANY, [
          textArray(p.ids),
          p.subtree === true,
          ts(p.now),
          p.workerId,
          p.hooks !== undefined,
          textArray(p.hooks?.runHere ?? []),
          textArray(p.hooks?.none ?? []),
          p.hooks?.leaseMs ?? 0,
        ]);
        const aborted = rows.map((row) => ({ task: rowToTask(row), leaseToken: row.lease_token }));
        if (aborted.length === 0) return { aborted };
        // The message in each task's current iteration record, as the single abort writes it.
        await appendLogs(
          tx,
          APPEND,
          aborted.map(({ task }) => ({
            taskId: task.id,
            iteration: Math.max(1, task.iterations),
            executionName: task.executionName,
            now: p.now,
            items: [{ message: p.message, type: "info" as const, createdOn: new Date(p.now) }],
          })),
        );
        await tx.query(NOTIFY_MANY, [textArray(aborted.map(({ task }) => encodeEvent({ type: "task-aborted", id: task.id })))]);
        // Parents waiting for children whose last unfinished child this batch aborted.
        const parents = aborted.flatMap(({ task }) => (task.parentId ? [task.parentId] : []));
        const woken = await wakeParents(tx, W, parents, p.now);
        return { aborted, ...(woken.length > 0 ? { woken } : {}) };
      });
    },

    async deleteMany(p) {
      if (p.ids.length === 0) return [];
      return db.transaction(async (tx) => {
        const rows = await tx.query<{ id: string }>(DELETE_MANY.rows, [textArray(p.ids), p.subtree === true]);
        const ids = rows.map((row) => row.id);
        if (ids.length > 0) await tx.query(DELETE_MANY.logs, [textArray(ids)]);
        return ids;
      });
    },

    async subtree(p) {
      if (p.ids.length === 0) return [];
      const rows = await db.query<{ id: string; definition_id: string; status: TaskSubtreeRow["taskStatus"] }>(SUBTREE, [
        textArray(p.ids),
        p.subtree === true,
      ]);
      return rows.map((row) => ({ id: row.id, definitionId: row.definition_id, taskStatus: row.status }));
    },
  };
}

/**
 * Idempotent creates (docs/flow-control.md "Idempotency keys"). Race-safe through the
 * unique index tasks_idempotency_idx: `INSERT … ON CONFLICT DO NOTHING` of a second
 * trigger with the same key waits for the first one's commit and then inserts nothing;
 * the next statement (a fresh snapshot under READ COMMITTED) reads the task that holds
 * the key. A TTL release and the insert that follows it are one transaction.
 */
import type { Task } from "../../domain/task.js";
import type { TaskCreateOrGetItem, TaskCreateOrGetResult, TaskFindByKeyParams } from "../port/types.js";
import { statement, type Db, type Queryable } from "./connection.js";
import { toStintError } from "./errors.js";
import { encodeEvent, notifySql } from "./notify.js";
import type { SqlNames } from "./names.js";
import { json, rowToTask, TASK_COLUMNS, ts, type TaskRow } from "./row.js";

export interface CreateOrGetOps {
  createOrGet(params: readonly TaskCreateOrGetItem[]): Promise<TaskCreateOrGetResult[]>;
  findByKey(params: TaskFindByKeyParams): Promise<Task | null>;
}

/** A key whose holder vanished between the insert and the read (deleted) is tried again this often. */
const MAX_ROUNDS = 3;

export function createOrGetOps(db: Db): CreateOrGetOps {
  const { INSERT, FIND, RELEASE } = createOrGetStatements(db.names);

  async function createOne(tx: Queryable, p: TaskCreateOrGetItem): Promise<TaskCreateOrGetResult> {
    const key = p.idempotencyKey ?? null;
    if (key !== null && p.keyReleaseBefore !== undefined) await tx.query(RELEASE, [p.definitionId, key, ts(p.keyReleaseBefore)]);
    const values = [
      p.id, p.name, p.definitionId, p.parentId, json(p.input ?? {}), p.maxIterations, ts(p.runAt), ts(p.createdOn),
      json(p.createdBy), json(p.eventResponse), p.priority ?? 0, key, p.concurrencyKey ?? null, json(p.traceContext), p.rerunOf ?? null,
    ];
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const [inserted] = await tx.query<TaskRow>(INSERT, values);
      if (inserted) return { task: rowToTask(inserted), created: true };
      const [held] = await tx.query<TaskRow>(FIND, [p.definitionId, key, null]);
      if (held) return { task: rowToTask(held), created: false };
    }
    throw new Error(`idempotency key of ${p.definitionId} kept changing hands; try again`);
  }

  return {
    async createOrGet(params) {
      if (params.length === 0) return [];
      try {
        return await db.transaction(async (tx) => {
          const results: TaskCreateOrGetResult[] = [];
          for (const p of params) results.push(await createOne(tx, p));
          // Delivered at commit, once the rows are visible (as tasks.ts's create).
          if (results.some((r) => r.created)) await tx.query(notifySql(db.names), [encodeEvent({ type: "tasks-available" })]);
          return results;
        });
      } catch (error) {
        throw toStintError(error, "create");
      }
    },

    async findByKey(params) {
      const [row] = await db.query<TaskRow>(FIND, [params.definitionId, params.idempotencyKey, ts(params.createdSince)]);
      return row ? rowToTask(row) : null;
    },
  };
}

/** The named statements of idempotent creates (their text is fixed per schema). */
export function createOrGetStatements(names: SqlNames) {
  const { tasks } = names;

  // $1 id … $10 event response as tasks.ts's INSERT; $11 priority, $12 key, $13 concurrency key,
  // $14 the trigger's trace context, $15 the task it re-runs.
  const INSERT = statement(names, "create_keyed", `
    INSERT INTO ${tasks} (id, name, definition_id, parent_id, input, max_iterations, run_at, due_at,
                          created_on, saved_on, created_by, event_response, priority, idempotency_key, concurrency_key,
                          trace_context, rerun_of)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $7, $8, $8, $9::jsonb, $10::jsonb, $11, $12, $13, $14::jsonb, $15)
    ON CONFLICT (definition_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING ${TASK_COLUMNS}`);

  const FIND = statement(names, "find_by_key", `
    SELECT ${TASK_COLUMNS} FROM ${tasks}
    WHERE definition_id = $1 AND idempotency_key = $2 AND created_on >= COALESCE($3, '-infinity'::timestamptz)`);

  // A task older than the trigger's TTL no longer holds the key: released, not deleted.
  const RELEASE = statement(names, "release_key", `
    UPDATE ${tasks} SET idempotency_key = NULL
    WHERE definition_id = $1 AND idempotency_key = $2 AND created_on < $3`);

  return { INSERT, FIND, RELEASE };
}

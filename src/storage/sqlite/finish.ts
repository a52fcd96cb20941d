/**
 * Fenced writes of a claim's holder (finish, update) and the one unfenced write that
 * beats them (abort). A finish or update applies only while the presented lease token is
 * current and the task is still `running`; an abort bumps the token, so whatever the old
 * holder writes afterwards changes nothing but the log.
 */
import type { Task } from "../../domain/task.js";
import type { TaskAbortParams, TaskAbortResult, TaskFinishParams, TaskFinishResult, TaskUpdateParams } from "../port/types.js";
import type { Db } from "./connection.js";
import { finishPlan } from "../finish-plan.js";
import { appendInTransaction, latestLogIteration } from "./logs.js";
import { rowToTask, toJson, type TaskRow } from "./row.js";

// `has*` flags tell "keep the stored value" (undefined) from "store this, maybe NULL".
const FINISH = `
  UPDATE stint_tasks SET
    status = @status,
    saved_on = @now,
    input = CASE WHEN @hasInput THEN @input ELSE input END,
    output = CASE WHEN @hasOutput THEN @output ELSE output END,
    iterations = CASE WHEN @inPlace THEN iterations + 1 ELSE COALESCE(@iterations, iterations) END,
    attempt = CASE WHEN @inPlace THEN 1 ELSE attempt END,
    lease_token = CASE WHEN @inPlace THEN lease_token + 1 ELSE lease_token END,
    progress = CASE WHEN @hasProgress THEN @progress ELSE progress END,
    run_at = COALESCE(@runAt, run_at),
    finished_on = COALESCE(@finishedOn, finished_on),
    hook_pending = @hookPending,
    lease_owner = CASE WHEN @release THEN NULL ELSE lease_owner END,
    lease_expires_at = CASE WHEN lease_expires_at >= @keepLeaseFrom THEN lease_expires_at ELSE @leaseExpiresAt END,
    due_at = CASE WHEN lease_expires_at >= @keepLeaseFrom THEN due_at ELSE @dueAt END
  WHERE id = @id AND lease_token = @leaseToken AND status = 'running'
  RETURNING *`;

const UPDATE = `
  UPDATE stint_tasks SET
    saved_on = @now,
    input = CASE WHEN @hasInput THEN @input ELSE input END,
    output = CASE WHEN @hasOutput THEN @output ELSE output END,
    progress = CASE WHEN @hasProgress THEN @progress ELSE progress END
  WHERE id = @id AND lease_token = @leaseToken AND status = 'running'`;

const ABORT = `
  UPDATE stint_tasks SET
    status = 'aborted',
    finished_on = @now,
    saved_on = @now,
    lease_token = lease_token + 1,
    lease_owner = @leaseOwner,
    hook_pending = @hookPending,
    lease_expires_at = @dueAt,
    due_at = @dueAt
  WHERE id = @id AND status IN ('pending', 'running')
  RETURNING *`;

const SELECT_TASK = `SELECT * FROM stint_tasks WHERE id = ?`;

export function taskFinishMany(db: Db, params: readonly TaskFinishParams[]): TaskFinishResult[] {
  if (params.length === 0) return [];
  const finish = db.stmt(FINISH);
  const select = db.stmt(SELECT_TASK);
  return db.write(() =>
    params.map((p) => {
      // Logs first and always: a fenced-out finish still keeps what the iteration wrote.
      if (p.log) appendInTransaction(db, p.log);
      const row = finish.get(finishArgs(p)) as TaskRow | undefined;
      if (row && finishPlan(p).inPlace) {
        return { id: p.id, applied: true, task: rowToTask(row), leaseToken: row.lease_token, leaseExpiresAt: row.lease_expires_at! };
      }
      if (row) return { id: p.id, applied: true, task: rowToTask(row) };
      const current = select.get(p.id) as TaskRow | undefined;
      return { id: p.id, applied: false, task: current ? rowToTask(current) : null };
    }),
  );
}

function finishArgs(p: TaskFinishParams): Record<string, unknown> {
  const plan = finishPlan(p);
  return {
    id: p.id,
    leaseToken: p.leaseToken,
    now: p.now,
    status: p.status,
    ...optional("Input", p.input, (v) => JSON.stringify(v)),
    ...optional("Output", p.output, toJson),
    ...optional("Progress", p.progress, toJson),
    iterations: p.iterations ?? null,
    runAt: plan.runAt,
    inPlace: plan.inPlace ? 1 : 0,
    finishedOn: plan.finishedOn,
    hookPending: plan.hookPending ? 1 : 0,
    release: plan.keepsClaim ? 0 : 1,
    leaseExpiresAt: plan.keepsClaim ? plan.dueAt : null,
    dueAt: plan.dueAt,
    // NULL unless in place: `x >= NULL` is never true.
    keepLeaseFrom: plan.keepLeaseFrom,
  };
}

export function taskUpdate(db: Db, p: TaskUpdateParams): boolean {
  const result = db.stmt(UPDATE).run({
    id: p.id,
    leaseToken: p.leaseToken,
    now: p.now,
    ...optional("Input", p.input, (v) => JSON.stringify(v)),
    ...optional("Output", p.output, toJson),
    ...optional("Progress", p.progress, toJson),
  });
  return result.changes > 0;
}

export function taskAbort(db: Db, p: TaskAbortParams): TaskAbortResult {
  const withHook = p.hookLeaseMs !== undefined;
  return db.write(() => {
    const row = db.stmt(ABORT).get({
      id: p.id,
      now: p.now,
      leaseOwner: withHook ? p.workerId : null,
      hookPending: withHook ? 1 : 0,
      dueAt: withHook ? p.now + p.hookLeaseMs! : null,
    }) as TaskRow | undefined;
    if (!row) {
      const current = db.stmt(SELECT_TASK).get(p.id) as TaskRow | undefined;
      return current ? { outcome: "not-abortable", task: rowToTask(current) } : { outcome: "not-found" };
    }
    const task: Task = rowToTask(row);
    appendInTransaction(db, {
      taskId: p.id,
      iteration: latestLogIteration(db, p.id) ?? task.iterations,
      executionName: task.executionName,
      now: p.now,
      items: [{ message: p.message, type: "info", createdOn: new Date(p.now) }],
    });
    return { outcome: "aborted", task, leaseToken: row.lease_token };
  });
}

/** `{ hasX, x }` binding for an optional column write (see the `has*` flags above). */
function optional<K extends string, V>(key: K, value: V | undefined, encode: (v: V) => string | null): Record<string, unknown> {
  return value === undefined ? { [`has${key}`]: 0, [key.toLowerCase()]: null } : { [`has${key}`]: 1, [key.toLowerCase()]: encode(value) };
}

/**
 * Fenced writes of a claim's holder (finish, update) and the one unfenced write that
 * beats them (abort). A finish or update applies only while the presented lease token is
 * current and the task is still `running`; an abort bumps the token, so whatever the old
 * holder writes afterwards changes nothing but the log.
 */
import type { Task } from "../../domain/task.js";
import type { LogAppendParams, TaskAbortParams, TaskAbortResult, TaskFinishManyParams, TaskFinishParams, TaskFinishResult, TaskUpdateParams } from "../port/types.js";
import { jsonList, type Db } from "./connection.js";
import { finishPlan, keptLog, runsOfDistinctIds, type FinishPlan } from "../finish-plan.js";
import { appendInTransaction } from "./logs.js";
import { settleChildWaits, wakeParentOfAborted } from "./wait-children.js";
import {
  changedCol,
  col,
  finishChangedColumnsOf,
  finishedTask,
  rowToTask,
  taskColumnsOf,
  toJson,
  valuesToTask,
  type TaskRow,
  type TaskValues,
} from "./row.js";

// Positional parameters, each `?` used once (the input twice: its comparison, then its
// write), bound from `finishValues` in this order:
// binding them by name (20 names) cost about 2 µs a row, a third of the update itself.
// `has*` flags tell "keep the stored value" (undefined) from "store this, maybe NULL".
// `lease_expires_at >= keepLeaseFrom` is never true when keepLeaseFrom is NULL (not in place).
// triggered_input: the first write that changes the input keeps the old one (the input as
// triggered, 0008_rerun.sql); a finish that leaves the input alone writes nothing there.
// No RETURNING: `changes` tells whether it applied, and the rows are read back together
// afterwards (RETURNING costs more per row than that lookup).
const FINISH = `
  UPDATE stint_tasks SET
    status = ?,                                                                     -- status
    saved_on = ?,                                                                   -- now
    triggered_input = CASE WHEN ? AND triggered_input IS NULL AND input IS NOT ? THEN input ELSE triggered_input END, -- hasInput, input
    input = CASE WHEN ? THEN ? ELSE input END,                                      -- hasInput, input
    output = CASE WHEN ? THEN ? ELSE output END,                                    -- hasOutput, output
    iterations = CASE WHEN ? THEN iterations + 1 ELSE COALESCE(?, iterations) END,  -- inPlace, iterations
    attempt = CASE WHEN ? THEN 1 ELSE attempt END,                                  -- inPlace
    lease_token = lease_token + ?,                                                  -- bumpsToken (1 or 0)
    progress = CASE WHEN ? THEN ? ELSE progress END,                                -- hasProgress, progress
    run_at = COALESCE(?, run_at),                                                   -- runAt
    finished_on = COALESCE(?, finished_on),                                         -- finishedOn
    hook_pending = ?,                                                               -- hookPending
    lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END,                       -- release
    lease_expires_at = CASE WHEN lease_expires_at >= ? THEN lease_expires_at ELSE ? END, -- keepLeaseFrom, leaseExpiresAt
    due_at = CASE WHEN lease_expires_at >= ? THEN due_at ELSE ? END                 -- keepLeaseFrom, dueAt
  WHERE id = ? AND lease_token = ? AND status = 'running'                           -- id, leaseToken
`;

// Tasks by id, as stored now (a missing one has no row): whole, or only the columns a
// finish changes (finishedTask).
const SELECT_TASKS = `SELECT ${taskColumnsOf("t")} FROM json_each(?) AS j CROSS JOIN stint_tasks AS t ON t.id = j.value`;
const SELECT_CHANGED = `SELECT ${finishChangedColumnsOf("t")} FROM json_each(?) AS j CROSS JOIN stint_tasks AS t ON t.id = j.value`;

const UPDATE = `
  UPDATE stint_tasks SET
    saved_on = @now,
    triggered_input = CASE WHEN @hasInput AND triggered_input IS NULL AND input IS NOT @input THEN input ELSE triggered_input END,
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

/** The statements of finishes, updates and aborts (snapshot: tests/storage/sqlite/statements.test.ts). */
export const FINISH_STATEMENTS = { FINISH, SELECT_TASKS, SELECT_CHANGED, UPDATE, ABORT, SELECT_TASK };

export function taskFinishMany(db: Db, { finishes }: TaskFinishManyParams): TaskFinishResult[] {
  if (finishes.length === 0) return [];
  return db.write(() => {
    const results: TaskFinishResult[] = [];
    for (const run of runsOfDistinctIds(finishes)) results.push(...finishRun(db, run));
    // Waits for children begin, and children's last finishes wake their parents (nothing
    // to do, and no statement, for a batch with neither).
    settleChildWaits(db, finishes, results, finishes[0]!.now);
    // Logs always, in the same transaction: a fenced-out finish still keeps what run()
    // wrote, but not its outcome's own items, and nothing once the task is aborted
    // (keptLog), so the updates go first. Finishes
    // never change what an append depends on (the task exists, its createdBy), so the
    // batch's appends go together, in the order given (results follow finishes).
    const logs: LogAppendParams[] = [];
    finishes.forEach((p, i) => {
      const result = results[i]!;
      const log = keptLog(p, result.applied, result.task?.taskStatus === "aborted");
      if (log) logs.push(log);
    });
    appendInTransaction(db, logs);
    return results;
  });
}

/**
 * Applies finishes of distinct tasks in order, then reads their rows back at once. Each
 * row then is as its own finish left it, since no other finish of the run touched it.
 */
function finishRun(db: Db, run: readonly TaskFinishParams[]): TaskFinishResult[] {
  const finish = db.stmt(FINISH);
  const plans = run.map(finishPlan);
  const applied = run.map((p, i) => finish.run(finishValues(p, plans[i]!)).changes > 0);
  const ids = jsonList(run.map((p) => p.id));
  // Every finish applied and each finisher gave its claimed task (the worker's usual
  // batch): only the changed columns come back. A finish fenced out returns the task as it
  // stands, whole (a takeover or an abort may have changed any of it).
  if (applied.every(Boolean) && run.every((p) => p.claimed)) {
    const changed = db.stmt(SELECT_CHANGED, "raw").all(ids) as TaskValues[];
    const byId = new Map(changed.map((row) => [row[changedCol.id] as string, row]));
    return run.map((p, i) => {
      const row = byId.get(p.id)!;
      const task = finishedTask(p.claimed!, row);
      if (!plans[i]!.inPlace) return { id: p.id, applied: true, task };
      return { id: p.id, applied: true, task, leaseToken: row[changedCol.lease_token] as number, leaseExpiresAt: row[changedCol.lease_expires_at] as number };
    });
  }
  const rows = db.stmt(SELECT_TASKS, "raw").all(ids) as TaskValues[];
  const byId = new Map(rows.map((row) => [row[col.id] as string, row]));
  return run.map((p, i) => {
    const row = byId.get(p.id);
    if (!applied[i]) return { id: p.id, applied: false, task: row ? valuesToTask(row) : null };
    const task = valuesToTask(row!);
    if (!plans[i]!.inPlace) return { id: p.id, applied: true, task };
    return { id: p.id, applied: true, task, leaseToken: row![col.lease_token] as number, leaseExpiresAt: row![col.lease_expires_at] as number };
  });
}

/** The parameters of FINISH, in its order. */
function finishValues(p: TaskFinishParams, plan: FinishPlan): unknown[] {
  const inPlace = plan.inPlace ? 1 : 0;
  const input = p.input === undefined ? null : JSON.stringify(p.input);
  return [
    p.status,
    p.now,
    input === null ? 0 : 1,
    input,
    input === null ? 0 : 1,
    input,
    p.output === undefined ? 0 : 1,
    p.output === undefined ? null : toJson(p.output),
    inPlace,
    p.iterations ?? null,
    inPlace,
    plan.bumpsToken ? 1 : 0,
    p.progress === undefined ? 0 : 1,
    p.progress === undefined ? null : toJson(p.progress),
    plan.runAt,
    plan.finishedOn,
    plan.hookPending ? 1 : 0,
    plan.keepsClaim ? 0 : 1,
    plan.keepLeaseFrom,
    plan.keepsClaim ? plan.dueAt : null,
    plan.keepLeaseFrom,
    plan.dueAt,
    p.id,
    p.leaseToken,
  ];
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
    appendInTransaction(db, [
      {
        taskId: p.id,
        // The current iteration's record (created if a running one has logged nothing
        // yet), not the latest that exists: the running iteration's own items, stored
        // later, would otherwise follow the message in a newer record, as if the task
        // went on after the abort. No other record is ever newer (docs/storage.md). A
        // task that never ran (iterations 0) gets iteration 1's record, as on Webiny.
        iteration: Math.max(1, task.iterations),
        executionName: task.executionName,
        now: p.now,
        items: [{ message: p.message, type: "info", createdOn: new Date(p.now) }],
      },
    ]);
    // The last unfinished child aborted (or deleted, which aborts first) wakes a waiting parent.
    return wakeParentOfAborted(db, { outcome: "aborted", task, leaseToken: row.lease_token }, p.now);
  });
}

/** `{ hasX, x }` binding for an optional column write (see the `has*` flags above). */
function optional<K extends string, V>(key: K, value: V | undefined, encode: (v: V) => string | null): Record<string, unknown> {
  return value === undefined ? { [`has${key}`]: 0, [key.toLowerCase()]: null } : { [`has${key}`]: 1, [key.toLowerCase()]: encode(value) };
}

/**
 * The end of iterations (`taskFinishMany`) and aborts: the two writes that settle a
 * task's status. Both are conditional updates, so a terminal status is written at most
 * once and an abort (which also bumps the lease token) wins over a later finish.
 *
 * A finish batch is ONE statement sent in autocommit (so one round trip and one
 * transaction) whatever its size: data-modifying CTEs lock the batch's task rows in id
 * order, update the ones whose fence matches, append every item's log items, and return
 * each task as stored afterwards (or as it stands, when fenced out).
 */
import { finishPlan } from "../finish-plan.js";
import type { TaskAbortParams, TaskAbortResult, TaskFinishParams, TaskFinishResult } from "../port/types.js";
import { forBatch, statement, type Db } from "./db.js";
import { appendLogs, appendLogsCtes, appendLogsStatement, appendLogsValues, latestLogIteration } from "./logs.js";
import { encodeEvent, notifySql } from "./notify.js";
import { json, rowToTask, TASK_COLUMNS, taskColumns, ts, type TaskRow } from "./row.js";

export interface FinishOps {
  finishMany(params: readonly TaskFinishParams[]): Promise<TaskFinishResult[]>;
  abort(params: TaskAbortParams): Promise<TaskAbortResult>;
}

export function finishOps(db: Db): FinishOps {
  const { tasks } = db.names;

  // Every per-item value is computed in JS (see finishValues); NULL in `iterations`,
  // `run_at` and `finished_on` means "keep the stored one". `in_place` is keepClaim
  // (continue in place): the same holder claims the next iteration in this write.
  //
  // Order of the locks, the same as taskAbort's (task row, then log record), so the two
  // never deadlock:
  // 1. `locked` takes every task row of the batch, in id order, FOR NO KEY UPDATE (as the
  //    other multi-row writes do, see claim.ts). In READ COMMITTED a row that a concurrent
  //    abort changed is waited for and returned as that abort left it, so both the fence
  //    check and the fenced-out rows returned below see the latest version (the
  //    statement's snapshot alone would not);
  // 2. `done` updates the rows whose token matches and that are still running;
  // 3. only then the log records and items (`record` reads `done` first, through `gate`,
  //    so it can never run before the task rows are locked). Logs are appended for every
  //    item, applied or fenced out. The record is found or created with ON CONFLICT DO
  //    UPDATE (see logs.ts) so a record another transaction just created is still used.
  const finishSql = (withLogs: boolean) => `
    WITH f AS (
      SELECT * FROM unnest(
        $1::text[], $2::int[], $3::text[], $4::timestamptz[],
        $5::bool[], $6::jsonb[], $7::bool[], $8::jsonb[], $9::bool[], $10::jsonb[],
        $11::int[], $12::timestamptz[], $13::timestamptz[],
        $14::bool[], $15::bool[], $16::timestamptz[], $17::bool[]
      ) AS f(f_id, f_token, f_status, f_now,
             f_set_input, f_input, f_set_output, f_output, f_set_progress, f_progress,
             f_iterations, f_run_at, f_finished_on,
             f_hook_pending, f_keep_owner, f_due_at, f_in_place)
    ), locked AS (
      -- The batch drives (an index lookup per item): joined here, not in "done", where
      -- a plan that thought the batch small re-ran the unnest once per row (quadratic).
      SELECT ${taskColumns("t")}, f.* FROM f JOIN ${tasks} t ON t.id = f.f_id
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), done AS (
      UPDATE ${tasks} t SET
        status = l.f_status,
        saved_on = l.f_now,
        input = CASE WHEN l.f_set_input THEN l.f_input ELSE t.input END,
        output = CASE WHEN l.f_set_output THEN l.f_output ELSE t.output END,
        progress = CASE WHEN l.f_set_progress THEN l.f_progress ELSE t.progress END,
        iterations = CASE WHEN l.f_in_place THEN t.iterations + 1 ELSE COALESCE(l.f_iterations, t.iterations) END,
        attempt = CASE WHEN l.f_in_place THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN l.f_in_place THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE(l.f_run_at, t.run_at),
        finished_on = COALESCE(l.f_finished_on, t.finished_on),
        hook_pending = l.f_hook_pending,
        lease_owner = CASE WHEN l.f_keep_owner THEN t.lease_owner END,
        lease_expires_at = CASE WHEN l.f_keep_owner THEN l.f_due_at END,
        due_at = l.f_due_at
      FROM locked l
      WHERE t.id = l.id AND l.lease_token = l.f_token AND l.status = 'running'
      RETURNING ${taskColumns("t")}
    )${
      withLogs
        ? `, gate AS (
      SELECT count(*) AS n FROM done
    ), ${appendLogsCtes(db.names, {
      param: 18,
      // created_by from the rows already locked: a join to the table could be planned as
      // a scan of every task (a generic plan sees neither the batch size nor the table size)
      taskSource: "locked",
      after: "gate",
    })}`
        : ""
    }
    SELECT true AS applied, done.* FROM done
    UNION ALL
    SELECT false AS applied, ${taskColumns("l")} FROM locked l
    WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = l.id)`;

  const FINISH = statement(db.names, "finish", finishSql(false));
  const FINISH_WITH_LOGS = statement(db.names, "finish_logs", finishSql(true));
  const APPEND = appendLogsStatement(db.names);

  // $1 id, $2 now, $3 worker id, $4 keep the claim for the onAbort hook, $5 its expiry.
  const ABORT = `
    UPDATE ${tasks} SET
      status = 'aborted',
      finished_on = $2,
      saved_on = $2,
      lease_token = lease_token + 1,
      lease_owner = CASE WHEN $4 THEN $3 END,
      hook_pending = $4,
      lease_expires_at = $5,
      due_at = $5
    WHERE id = $1 AND status IN ('pending', 'running')
    RETURNING ${TASK_COLUMNS}`;

  const GET = `SELECT ${TASK_COLUMNS} FROM ${tasks} WHERE id = $1`;

  return {
    async finishMany(params) {
      if (params.length === 0) return [];
      const logValues = appendLogsValues(params.flatMap((p) => (p.log ? [p.log] : [])));
      const rows = await db.query<TaskRow & { applied: boolean }>(
        forBatch(logValues ? FINISH_WITH_LOGS : FINISH, params.length),
        logValues ? [...finishValues(params), ...logValues] : finishValues(params),
      );
      const applied = new Map<string, TaskRow>();
      const fenced = new Map<string, TaskRow>();
      for (const row of rows) (row.applied ? applied : fenced).set(row.id, row);
      return params.map((p): TaskFinishResult => {
        const done = applied.get(p.id);
        if (done) {
          const task = rowToTask(done);
          if (!finishPlan(p).inPlace) return { id: p.id, applied: true, task };
          return { id: p.id, applied: true, task, leaseToken: done.lease_token, leaseExpiresAt: done.lease_expires_at!.getTime() };
        }
        const row = fenced.get(p.id);
        return { id: p.id, applied: false, task: row ? rowToTask(row) : null };
      });
    },

    async abort(params) {
      const keepClaim = params.hookLeaseMs !== undefined;
      return db.transaction<TaskAbortResult>(async (tx) => {
        const aborted = await tx.query<TaskRow>(ABORT, [
          params.id,
          ts(params.now),
          params.workerId,
          keepClaim,
          keepClaim ? ts(params.now + params.hookLeaseMs!) : null,
        ]);
        if (aborted.length === 0) {
          const [row] = await tx.query<TaskRow>(GET, [params.id]);
          return row ? { outcome: "not-abortable", task: rowToTask(row) } : { outcome: "not-found" };
        }
        const task = rowToTask(aborted[0]);
        const iteration = (await latestLogIteration(tx, db.names, task.id)) ?? task.iterations;
        await appendLogs(tx, APPEND, [
          {
            taskId: task.id,
            iteration,
            executionName: task.executionName,
            now: params.now,
            items: [{ message: params.message, type: "info", createdOn: new Date(params.now) }],
          },
        ]);
        await tx.query(notifySql(db.names), [encodeEvent({ type: "task-aborted", id: task.id })]);
        return { outcome: "aborted", task, leaseToken: aborted[0].lease_token };
      });
    },
  };
}

function finishValues(params: readonly TaskFinishParams[]): unknown[] {
  const rows = params.map((p) => {
    const plan = finishPlan(p);
    return {
      id: p.id,
      token: p.leaseToken,
      status: p.status,
      now: ts(p.now),
      setInput: p.input !== undefined,
      input: json(p.input),
      setOutput: p.output !== undefined,
      output: json(p.output),
      setProgress: p.progress !== undefined,
      progress: json(p.progress),
      iterations: p.iterations ?? null,
      runAt: ts(plan.runAt),
      finishedOn: ts(plan.finishedOn),
      hookPending: plan.hookPending,
      keepOwner: plan.keepsClaim,
      dueAt: ts(plan.dueAt),
      inPlace: plan.inPlace,
    };
  });
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.token),
    rows.map((r) => r.status),
    rows.map((r) => r.now),
    rows.map((r) => r.setInput),
    rows.map((r) => r.input),
    rows.map((r) => r.setOutput),
    rows.map((r) => r.output),
    rows.map((r) => r.setProgress),
    rows.map((r) => r.progress),
    rows.map((r) => r.iterations),
    rows.map((r) => r.runAt),
    rows.map((r) => r.finishedOn),
    rows.map((r) => r.hookPending),
    rows.map((r) => r.keepOwner),
    rows.map((r) => r.dueAt),
    rows.map((r) => r.inPlace),
  ];
}

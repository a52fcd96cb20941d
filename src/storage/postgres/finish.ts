/**
 * The end of iterations (`taskFinishMany`) and aborts: the two writes that settle a
 * task's status. Both are conditional updates, so a terminal status is written at most
 * once and an abort (which also bumps the lease token) wins over a later finish.
 *
 * A finish batch is one transaction of two statements whatever its size: one multi-row
 * UPDATE from arrays, then one multi-row append of every item's log items (plus one read
 * of the fenced-out rows, when there are any).
 */
import { isTerminalStatus } from "../../domain/task.js";
import type { TaskAbortParams, TaskAbortResult, TaskFinishParams, TaskFinishResult } from "../port/types.js";
import type { Db } from "./db.js";
import { appendLogs, latestLogIteration } from "./logs.js";
import { encodeEvent, notifySql } from "./notify.js";
import { json, rowToTask, TASK_COLUMNS, taskColumns, ts, type TaskRow } from "./row.js";

export interface FinishOps {
  finishMany(params: readonly TaskFinishParams[]): Promise<TaskFinishResult[]>;
  abort(params: TaskAbortParams): Promise<TaskAbortResult>;
}

export function finishOps(db: Db): FinishOps {
  const { tasks } = db.names;

  // Every per-item value is computed in JS (see finishValues); NULL in `iterations`,
  // `run_at` and `finished_on` means "keep the stored one".
  const FINISH = `
    WITH f AS (
      SELECT * FROM unnest(
        $1::text[], $2::int[], $3::text[], $4::timestamptz[],
        $5::bool[], $6::jsonb[], $7::bool[], $8::jsonb[], $9::bool[], $10::jsonb[],
        $11::int[], $12::timestamptz[], $13::timestamptz[],
        $14::bool[], $15::bool[], $16::timestamptz[]
      ) AS f(id, token, status, now,
             set_input, input, set_output, output, set_progress, progress,
             iterations, run_at, finished_on,
             hook_pending, keep_owner, due_at)
    ), mine AS (
      -- Locked in id order first, as in claim.ts, so concurrent batches never deadlock.
      SELECT t.id FROM ${tasks} t JOIN f ON t.id = f.id AND t.lease_token = f.token
      WHERE t.status = 'running'
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), done AS (
      UPDATE ${tasks} t SET
        status = f.status,
        saved_on = f.now,
        input = CASE WHEN f.set_input THEN f.input ELSE t.input END,
        output = CASE WHEN f.set_output THEN f.output ELSE t.output END,
        progress = CASE WHEN f.set_progress THEN f.progress ELSE t.progress END,
        iterations = COALESCE(f.iterations, t.iterations),
        run_at = COALESCE(f.run_at, t.run_at),
        finished_on = COALESCE(f.finished_on, t.finished_on),
        hook_pending = f.hook_pending,
        lease_owner = CASE WHEN f.keep_owner THEN t.lease_owner END,
        lease_expires_at = CASE WHEN f.keep_owner THEN f.due_at END,
        due_at = f.due_at
      FROM f JOIN mine ON mine.id = f.id
      WHERE t.id = f.id
      RETURNING ${taskColumns("t")}
    )
    SELECT * FROM done`;

  const GET_MANY = `SELECT ${TASK_COLUMNS} FROM ${tasks} WHERE id = ANY($1::text[])`;

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
      const { applied, fenced } = await db.transaction(async (tx) => {
        const updated = await tx.query<TaskRow>(FINISH, finishValues(params));
        const appliedIds = new Set(updated.map((row) => row.id));
        // Fenced-out rows as they stand now: a fresh statement sees an abort that
        // committed while the UPDATE waited for its lock (the UPDATE's snapshot does not).
        const missing = [...new Set(params.map((p) => p.id))].filter((id) => !appliedIds.has(id));
        const current = missing.length > 0 ? await tx.query<TaskRow>(GET_MANY, [missing]) : [];
        // Logs always, applied or not: a fenced-out finish still keeps what it logged.
        // Inside one transaction the order is invisible; task rows first, then log
        // records, is the order taskAbort locks them in too, so the two never deadlock.
        await appendLogs(tx, db.names, params.flatMap((p) => (p.log ? [p.log] : [])));
        return { applied: byId(updated), fenced: byId(current) };
      });
      return params.map((p) => {
        const row = applied.get(p.id) ?? fenced.get(p.id);
        return { id: p.id, applied: applied.has(p.id), task: row ? rowToTask(row) : null };
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
        await appendLogs(tx, db.names, [
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

function byId(rows: readonly TaskRow[]): Map<string, TaskRow> {
  return new Map(rows.map((row) => [row.id, row]));
}

function finishValues(params: readonly TaskFinishParams[]): unknown[] {
  const rows = params.map((p) => {
    const terminal = isTerminalStatus(p.status);
    const hookClaim = terminal && p.hookLeaseMs !== undefined;
    const retry = !terminal && p.retryAt !== undefined;
    const keepClaim = hookClaim || retry;
    // Continue: due again at runAt. Retry: claim kept until retryAt (next claim = new
    // attempt). Terminal: due only while its hook may still run.
    const dueAt = retry ? p.retryAt! : !terminal ? (p.runAt ?? p.now) : hookClaim ? p.now + p.hookLeaseMs! : null;
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
      runAt: terminal ? null : ts(retry ? p.retryAt! : (p.runAt ?? p.now)),
      finishedOn: terminal ? ts(p.now) : null,
      hookPending: hookClaim,
      keepOwner: keepClaim,
      dueAt: ts(dueAt),
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
  ];
}

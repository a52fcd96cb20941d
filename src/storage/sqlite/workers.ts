/**
 * The worker registry (migration 0006) and the grouped task counts of the metrics. A
 * worker's beat rides in its lease renewal's transaction (claims.ts `taskRenewLeases`):
 * one upsert of its own row, and the rows of workers forgotten by now deleted.
 */
import { WORKER_FORGET_AFTER_LEASES, WORKER_FORGET_AFTER_MS } from "../port/observability.js";
import type { TaskStatsParams, TaskStatsRow, WorkerBeat, WorkerListParams, WorkerRecord, WorkerUnregisterParams } from "../port/observability.js";
import type { Db } from "./connection.js";

/** `workerForgetAt` (port/observability.ts) in SQL. */
const FORGET_AT = `(last_beat_at + MAX(${WORKER_FORGET_AFTER_MS}, ${WORKER_FORGET_AFTER_LEASES} * lease_ms))`;

const UPSERT = `
  INSERT INTO stint_workers (worker_id, host, pid, version, started_at, concurrency, lease_ms, heartbeat_ms, last_beat_at, tasks)
  VALUES (@workerId, @host, @pid, @version, @startedAt, @concurrency, @leaseMs, @heartbeatMs, @now, @tasks)
  ON CONFLICT (worker_id) DO UPDATE SET
    host = excluded.host, pid = excluded.pid, version = excluded.version, started_at = excluded.started_at,
    concurrency = excluded.concurrency, lease_ms = excluded.lease_ms, heartbeat_ms = excluded.heartbeat_ms,
    last_beat_at = MAX(last_beat_at, excluded.last_beat_at), tasks = excluded.tasks`;

const FORGET = `DELETE FROM stint_workers WHERE ${FORGET_AT} < ?`;

const LIST = `
  SELECT worker_id AS workerId, host, pid, version, started_at AS startedAt, concurrency,
         lease_ms AS leaseMs, heartbeat_ms AS heartbeatMs, last_beat_at AS lastBeatAt, tasks
  FROM stint_workers WHERE ${FORGET_AT} >= ?
  ORDER BY started_at, worker_id`;

const UNREGISTER = `DELETE FROM stint_workers WHERE worker_id = ?`;

// One pass over the table (no index serves a grouped count of every row); the oldest due
// time of the unsettled rows comes with it. A held row's due time is its lease expiry, so
// `due_at <= now` is a task waiting for a claim: new, continuing, or a dead worker's.
const STATS = `
  SELECT definition_id AS definitionId, status, COUNT(*) AS count,
         MIN(CASE WHEN status IN ('pending', 'running') AND due_at <= ? THEN due_at END) AS oldestDueAt
  FROM stint_tasks GROUP BY definition_id, status`;

/** Inside the renewal's transaction: refresh this worker's row, forget the long-gone ones. */
export function registerBeat(db: Db, beat: WorkerBeat, now: number): void {
  db.stmt(UPSERT).run({
    workerId: beat.workerId,
    host: beat.host,
    pid: beat.pid,
    version: beat.version,
    startedAt: beat.startedAt,
    concurrency: wholeMs(beat.concurrency),
    leaseMs: wholeMs(beat.leaseMs),
    heartbeatMs: wholeMs(beat.heartbeatMs),
    now,
    tasks: JSON.stringify(beat.tasks),
  });
  db.stmt(FORGET).run(now);
}

/** The integer columns take whole numbers (the worker options accept any positive number). */
function wholeMs(value: number): number {
  return Math.max(1, Math.round(value));
}

export function workerList(db: Db, params: WorkerListParams): WorkerRecord[] {
  const rows = db.stmt(LIST).all(params.now) as (Omit<WorkerRecord, "tasks"> & { tasks: string })[];
  return rows.map((row) => ({ ...row, tasks: JSON.parse(row.tasks) as string[] }));
}

export function workerUnregister(db: Db, params: WorkerUnregisterParams): boolean {
  return db.stmt(UNREGISTER).run(params.workerId).changes > 0;
}

export function taskStats(db: Db, params: TaskStatsParams): TaskStatsRow[] {
  return db.stmt(STATS).all(params.now) as TaskStatsRow[];
}

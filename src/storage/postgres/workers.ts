/**
 * The worker registry (migration 0007) and the grouped task counts of the metrics.
 *
 * A worker's beat is never a round trip of its own: with leases to renew, `beatCtes` is
 * folded into the renewal statement (claim.ts); an idle worker's beat is `BEAT` alone,
 * the one statement of that heartbeat. Either way the beat also deletes the workers
 * forgotten by now (port/observability.ts `workerForgetAt`), so the table never holds
 * more than the live workers and the recently dead.
 */
import { WORKER_FORGET_AFTER_LEASES, WORKER_FORGET_AFTER_MS } from "../port/observability.js";
import type { TaskStatsParams, TaskStatsRow, WorkerBeat, WorkerListParams, WorkerRecord, WorkerUnregisterParams } from "../port/observability.js";
import { statement, type Db } from "./connection.js";
import type { SqlNames } from "./names.js";
import { ts } from "./row.js";
import { textArray } from "./arrays.js";

/** Where each beat value sits in a statement's parameters. */
export interface BeatParams {
  workerId: number;
  /** The first of the nine consecutive others (host … tasks), in `beatValues` order. */
  first: number;
}

/** `workerForgetAt` in SQL, over a workers row. */
const forgetAt = (alias: string) =>
  `(${alias}.last_beat_at + GREATEST(${WORKER_FORGET_AFTER_MS}, ${WORKER_FORGET_AFTER_LEASES} * ${alias}.lease_ms) * interval '1 millisecond')`;

/** The CTEs of a beat (`beat`, `forget`), to put in a WITH list; data-modifying CTEs always run. */
export function beatCtes(names: SqlNames, p: BeatParams): string {
  const n = (offset: number) => `$${p.first + offset}`;
  return `
    beat AS (
      INSERT INTO ${names.workers} AS w
        (worker_id, host, pid, version, started_at, concurrency, lease_ms, heartbeat_ms, last_beat_at, tasks)
      VALUES ($${p.workerId}, ${n(0)}, ${n(1)}::int, ${n(2)}, ${n(3)}::timestamptz, ${n(4)}::int, ${n(5)}::bigint, ${n(6)}::bigint,
              ${n(7)}::timestamptz, ${n(8)}::text[])
      ON CONFLICT (worker_id) DO UPDATE SET
        host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, started_at = EXCLUDED.started_at,
        concurrency = EXCLUDED.concurrency, lease_ms = EXCLUDED.lease_ms, heartbeat_ms = EXCLUDED.heartbeat_ms,
        last_beat_at = GREATEST(w.last_beat_at, EXCLUDED.last_beat_at), tasks = EXCLUDED.tasks
    ), forget AS (
      DELETE FROM ${names.workers} f WHERE f.worker_id <> $${p.workerId} AND ${forgetAt("f")} < ${n(7)}::timestamptz
    )`;
}

/** The nine values after the worker id, in the order `beatCtes` numbers them. */
export function beatValues(beat: WorkerBeat, now: number): unknown[] {
  return [
    beat.host,
    beat.pid,
    beat.version,
    ts(beat.startedAt),
    Math.max(1, Math.round(beat.concurrency)),
    Math.max(1, Math.round(beat.leaseMs)),
    Math.max(1, Math.round(beat.heartbeatMs)),
    ts(now),
    textArray(beat.tasks),
  ];
}

/** An idle worker's beat (no lease to renew): the heartbeat's one statement. $1 worker id. */
export function beatStatement(names: SqlNames) {
  return statement(names, "worker_beat", `WITH ${beatCtes(names, { workerId: 1, first: 2 })} SELECT 1`);
}

export interface WorkerOps {
  list(params: WorkerListParams): Promise<WorkerRecord[]>;
  unregister(params: WorkerUnregisterParams): Promise<boolean>;
  taskStats(params: TaskStatsParams): Promise<TaskStatsRow[]>;
}

interface WorkerRow {
  worker_id: string;
  host: string;
  pid: number;
  version: string;
  started_at: Date;
  concurrency: number;
  lease_ms: number;
  heartbeat_ms: number;
  last_beat_at: Date;
  tasks: string[];
}

/** The registry's reads and the metrics' grouped count (the beat's are in claim.ts). */
export function workerStatements(names: SqlNames) {
  const { workers, tasks } = names;
  const LIST = statement(
    names,
    "worker_list",
    `SELECT worker_id, host, pid, version, started_at, concurrency, lease_ms::float8 AS lease_ms,
            heartbeat_ms::float8 AS heartbeat_ms, last_beat_at, tasks
     FROM ${workers} w WHERE ${forgetAt("w")} >= $1
     ORDER BY started_at, worker_id`,
  );
  const UNREGISTER = statement(names, "worker_unregister", `DELETE FROM ${workers} WHERE worker_id = $1 RETURNING 1 AS gone`);
  // One pass over the table (no index serves a grouped count of every row); the oldest
  // due time of the unsettled rows comes with it. A held row's due time is its lease
  // expiry, so `due_at <= now` is a task waiting for a claim: new, continuing, or a dead
  // worker's. Not on the hot path: the metrics cache it for a few seconds.
  const STATS = statement(
    names,
    "task_stats",
    `SELECT definition_id, status, count(*)::float8 AS count,
            min(due_at) FILTER (WHERE status IN ('pending', 'running') AND due_at <= $1) AS oldest_due_at
     FROM ${tasks} GROUP BY definition_id, status`,
  );

  return { LIST, UNREGISTER, STATS };
}

export function workerOps(db: Db): WorkerOps {
  const { LIST, UNREGISTER, STATS } = workerStatements(db.names);

  return {
    async list(params) {
      const rows = await db.query<WorkerRow>(LIST, [ts(params.now)]);
      return rows.map((row) => ({
        workerId: row.worker_id,
        host: row.host,
        pid: row.pid,
        version: row.version,
        startedAt: row.started_at.getTime(),
        concurrency: row.concurrency,
        leaseMs: row.lease_ms,
        heartbeatMs: row.heartbeat_ms,
        lastBeatAt: row.last_beat_at.getTime(),
        tasks: row.tasks,
      }));
    },
    async unregister(params) {
      const rows = await db.query(UNREGISTER, [params.workerId]);
      return rows.length > 0;
    },
    async taskStats(params) {
      const rows = await db.query<{ definition_id: string; status: string; count: number; oldest_due_at: Date | null }>(STATS, [ts(params.now)]);
      return rows.map((row) => ({
        definitionId: row.definition_id,
        status: row.status,
        count: row.count,
        oldestDueAt: row.oldest_due_at ? row.oldest_due_at.getTime() : null,
      }));
    },
  };
}

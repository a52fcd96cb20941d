/**
 * Port types for observability: the worker registry (each worker's row, written by its
 * heartbeat) and the grouped task counts behind the `stint_tasks` and
 * `stint_queue_lag_seconds` metrics. Both stores keep the same rules (contract suite:
 * workers.contract.ts, task-stats.contract.ts).
 */

/**
 * What a worker says about itself with each heartbeat (`TaskRenewLeasesParams.beat`): the
 * store inserts or refreshes its row in the same round trip as the lease renewal.
 */
export interface WorkerBeat {
  workerId: string;
  host: string;
  pid: number;
  /** The Stint version the worker runs. */
  version: string;
  /** When the worker started (epoch ms). */
  startedAt: number;
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  /** The ids of the tasks the worker holds now (running, or waiting in its queue). */
  tasks: readonly string[];
}

/** A registered worker as stored: its last beat's values and when that beat was. */
export interface WorkerRecord extends Omit<WorkerBeat, "tasks"> {
  tasks: string[];
  /** Time of the last beat (the `now` it was sent with, epoch ms). */
  lastBeatAt: number;
}

export interface WorkerListParams {
  /** Workers forgotten by then (`workerForgetAt`) are left out. */
  now: number;
}

export interface WorkerUnregisterParams {
  workerId: string;
}

/** Longest a dead worker stays listed (as gone): an hour after its last beat... */
export const WORKER_FORGET_AFTER_MS = 3_600_000;
/** ...or this many of its leases, when that is longer. */
export const WORKER_FORGET_AFTER_LEASES = 10;

/**
 * When a worker that stopped beating is forgotten: its row is deleted (by any beat after
 * then) and lists leave it out. Both adapters compute the same expression in SQL.
 */
export function workerForgetAt(worker: { lastBeatAt: number; leaseMs: number }): number {
  return worker.lastBeatAt + Math.max(WORKER_FORGET_AFTER_MS, WORKER_FORGET_AFTER_LEASES * worker.leaseMs);
}

export interface TaskStatsParams {
  /** A task waits for a claim when its due time is at or before `now`. */
  now: number;
}

/** One (definition, status) group of stored tasks. */
export interface TaskStatsRow {
  definitionId: string;
  status: string;
  count: number;
  /**
   * For `pending` and `running` rows: the due time (epoch ms) of the oldest of them that
   * waits for a claim at `now` (new, continuing after its wait, or a dead worker's whose
   * lease ran out); null when none does, and for terminal statuses.
   */
  oldestDueAt: number | null;
}

/**
 * A registered worker as Stint shows it (GraphQL `listWorkers`, `stint workers`, the
 * dashboard's Workers page), and the rule that says whether it is alive.
 */

/**
 * - `alive`: its last heartbeat is recent (within two heartbeat intervals);
 * - `lagging`: it missed a beat, but its leases still hold (the worker may be busy, or
 *   cut off from the store);
 * - `gone`: silent for longer than its lease: its tasks are free for other workers.
 */
export type WorkerState = "alive" | "lagging" | "gone";

/** The state of a worker whose last beat was at `lastBeatAt`, seen at `now`. */
export function workerState(worker: { lastBeatAt: number; heartbeatMs: number; leaseMs: number }, now: number): WorkerState {
  const silence = now - worker.lastBeatAt;
  if (silence > worker.leaseMs) return "gone";
  return silence > Math.min(2 * worker.heartbeatMs, worker.leaseMs) ? "lagging" : "alive";
}

/** A task a worker holds, as its last beat listed it. */
export interface WorkerTaskInfo {
  id: string;
  name: string;
  definitionId: string;
  /** The iteration it runs. */
  iteration: number;
  attempt: number;
}

/** One worker of the registry. Dates are ISO strings. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  /** The Stint version it runs. */
  version: string;
  startedOn: string;
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  lastHeartbeatOn: string;
  state: WorkerState;
  /** The tasks it held at its last beat that it still holds (finished ones are left out). */
  tasks: WorkerTaskInfo[];
}

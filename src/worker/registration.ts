/** What a worker registers about itself with each heartbeat (the worker registry, docs/workers.md). */
import { hostname } from "node:os";
import type { WorkerBeat } from "../storage/port/index.js";
import { STINT_VERSION } from "../version.js";
import type { ResolvedWorkerOptions } from "./options.js";

/** The beat's fixed part: the keeper adds the id, lease, start time and the tasks held. */
export function workerRegistration(options: ResolvedWorkerOptions): Omit<WorkerBeat, "workerId" | "leaseMs" | "tasks" | "startedAt"> {
  return {
    host: hostname(),
    pid: process.pid,
    version: STINT_VERSION,
    concurrency: options.concurrency,
    heartbeatMs: options.heartbeatMs,
  };
}

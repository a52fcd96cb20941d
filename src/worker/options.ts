import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { Errors } from "../domain/errors.js";

/** Worker settings; every default is here and nowhere else. */
export interface WorkerOptions {
  /**
   * Identity stored as the task's `executionName`.
   * @defaultValue `<hostname>:<pid>:<random>`
   */
  workerId?: string;
  /**
   * Iterations run at once.
   * @defaultValue 10
   */
  concurrency?: number;
  /**
   * How long a claim lasts without renewal; a dead worker's tasks are taken over after it.
   * @defaultValue 30000
   */
  leaseMs?: number;
  /**
   * How often held leases are renewed (one store call for all of them).
   * @defaultValue leaseMs / 3
   */
  heartbeatMs?: number;
  /**
   * Longest idle wait between looks at the store when no wake-up arrives (a fallback:
   * triggers in the same process and PostgreSQL notifications wake the worker at once).
   * @defaultValue 1000
   */
  pollIntervalMs?: number;
  /**
   * Time budget of one iteration, unless the definition sets `timeout`.
   * @defaultValue 900 (15 minutes)
   */
  timeoutSeconds?: number;
  /**
   * After the budget's AbortSignal fires, how long run() may take to return before the
   * worker takes the slot back and fails the task with TASK_TIMEOUT.
   * @defaultValue 5000
   */
  graceMs?: number;
  /**
   * How long a stored terminal outcome stays claimed while its hook runs; if the worker
   * dies meanwhile, another one runs the hook after this.
   * @defaultValue 60000
   */
  hookLeaseMs?: number;
  /**
   * On stop(), how long in-flight iterations may take to finish before they are handed
   * back to the store for another worker.
   * @defaultValue 30000
   */
  shutdownTimeoutMs?: number;
  /**
   * How often a long iteration's log items are written while it runs.
   * @defaultValue 1000
   */
  logFlushIntervalMs?: number;
  /**
   * Minimum time between two progress writes of one task.
   * @defaultValue 1000
   */
  progressIntervalMs?: number;
  /**
   * Claimed tasks kept queued beyond the running ones, so claims come in batches and a
   * freed slot starts the next task at once. "auto" keeps about 200 ms of work queued
   * at the observed iteration speed (hundreds for tiny tasks, none for long ones).
   * Iterations that have run and wait for their outcome's write count against neither
   * (the next claim overlaps that write); once two capacities of them wait, the worker
   * claims no more until the store catches up.
   * @defaultValue "auto"
   */
  prefetch?: number | "auto";
  /**
   * Take tasks straight from their trigger while idle, on stores that can (PostgreSQL):
   * a trigger of a task due now stores it claimed by an idle worker and notifies it, so
   * run() starts without a claim round trip. Off: every task is claimed.
   * @defaultValue true
   */
  handoff?: boolean;
  /**
   * Where iterations run: in this thread, or each in a worker thread that is terminated
   * at the hard timeout (for code that never yields). Applies to definitions that give
   * `module`; a definition's own `isolation` wins.
   * @defaultValue "none"
   */
  isolation?: "none" | "thread";
}

export type ResolvedWorkerOptions = Required<WorkerOptions>;

export function resolveWorkerOptions(options: WorkerOptions = {}): ResolvedWorkerOptions {
  const leaseMs = positive(options.leaseMs, 30_000, "leaseMs");
  return {
    workerId: options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    concurrency: Math.floor(positive(options.concurrency, 10, "concurrency")),
    leaseMs,
    heartbeatMs: positive(options.heartbeatMs, Math.max(10, Math.floor(leaseMs / 3)), "heartbeatMs"),
    pollIntervalMs: positive(options.pollIntervalMs, 1000, "pollIntervalMs"),
    timeoutSeconds: positive(options.timeoutSeconds, 900, "timeoutSeconds"),
    graceMs: nonNegative(options.graceMs, 5000, "graceMs"),
    hookLeaseMs: positive(options.hookLeaseMs, 60_000, "hookLeaseMs"),
    shutdownTimeoutMs: nonNegative(options.shutdownTimeoutMs, 30_000, "shutdownTimeoutMs"),
    logFlushIntervalMs: positive(options.logFlushIntervalMs, 1000, "logFlushIntervalMs"),
    progressIntervalMs: nonNegative(options.progressIntervalMs, 1000, "progressIntervalMs"),
    isolation: isolationMode(options.isolation),
    prefetch: prefetchSetting(options.prefetch),
    handoff: flag(options.handoff, true, "handoff"),
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw Errors.invalidArgument(`worker.${name}`, `expected a positive number, got ${String(value)}`);
  }
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw Errors.invalidArgument(`worker.${name}`, `expected a number, zero or more, got ${String(value)}`);
  }
  return value;
}

function flag(value: boolean | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw Errors.invalidArgument(`worker.${name}`, `expected true or false, got ${String(value)}`);
  return value;
}

function isolationMode(value: unknown): "none" | "thread" {
  if (value === undefined) return "none";
  if (value === "none" || value === "thread") return value;
  throw Errors.invalidArgument("worker.isolation", `expected "none" or "thread", got ${String(value)}`);
}

function prefetchSetting(value: unknown): number | "auto" {
  if (value === undefined || value === "auto") return "auto";
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  throw Errors.invalidArgument("worker.prefetch", `expected "auto" or a whole number, zero or more, got ${String(value)}`);
}

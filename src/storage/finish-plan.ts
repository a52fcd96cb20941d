/**
 * What ending an iteration does to a task's claim and schedule, decided once for every
 * adapter (docs/storage.md, taskFinishMany): adapters only turn the plan into SQL.
 */
import { isTerminalStatus } from "../domain/task.js";
import type { LogAppendParams, TaskFinishParams } from "./port/types.js";

/**
 * The due time of a task waiting for its children without a timeout (9999-12-31 UTC):
 * a time rather than NULL, since NULL means "settled" to the claim and the due index.
 */
export const WAIT_FOREVER = Date.UTC(9999, 11, 31);

export interface FinishPlan {
  terminal: boolean;
  /** Continue in place: the holder claims the next iteration in the same write. */
  inPlace: boolean;
  /** A retry of the same iteration: the claim is kept until `retryAt`. */
  retry: boolean;
  /** Terminal with a hook still to run: the claim is kept for `hookLeaseMs`. */
  hookPending: boolean;
  /** The lease owner stays (in place, retry, hook); otherwise the claim is released. */
  keepsClaim: boolean;
  /**
   * The claim's fence moves on (lease token + 1): in place, the next iteration is a new
   * claim; a retry's claim is parked until `retryAt`, and a renewal or hand-back still
   * carrying the failed attempt's token (one in flight when the finish committed) must not
   * move its due time (a renewal set it to the lease's expiry, a hand-back to now).
   */
  bumpsToken: boolean;
  /** Epoch ms when a worker has something to do next; null when the task is settled. */
  dueAt: number | null;
  /**
   * In place only: a current lease expiring at or after this time is kept as it is,
   * instead of being moved to `dueAt` (at least half of `keepClaim.leaseMs` is left; the
   * holder renews it as any claim). An unchanged `due_at` lets PostgreSQL update the row
   * in place (HOT), with no new index entries, at every checkpoint.
   */
  keepLeaseFrom: number | null;
  /** New `run_at`, or null to keep the stored one (terminal). */
  runAt: number | null;
  /** `finished_on` to write, or null to keep the stored one. */
  finishedOn: number | null;
}

export function finishPlan(p: TaskFinishParams): FinishPlan {
  const terminal = isTerminalStatus(p.status);
  const hookPending = terminal && p.hookLeaseMs !== undefined;
  const retry = !terminal && p.retryAt !== undefined;
  const inPlace = !terminal && !retry && !p.waitForChildren && p.keepClaim !== undefined;
  let dueAt: number | null;
  let runAt: number | null;
  if (inPlace) {
    dueAt = p.now + p.keepClaim!.leaseMs; // our lease on the next iteration
    runAt = p.now;
  } else if (retry) {
    dueAt = runAt = p.retryAt!; // a takeover at retryAt is the next attempt
  } else if (!terminal && p.waitForChildren) {
    // Waiting for children: due at the timeout, or never until the last child's finish
    // makes it due (the adapters' wake, in that finish's transaction).
    dueAt = runAt = p.runAt ?? WAIT_FOREVER;
  } else if (!terminal) {
    dueAt = runAt = p.runAt ?? p.now; // continue: due again after the wait
  } else {
    dueAt = hookPending ? p.now + p.hookLeaseMs! : null; // settled once hooks are done
    runAt = null;
  }
  return {
    terminal,
    inPlace,
    retry,
    hookPending,
    keepsClaim: inPlace || retry || hookPending,
    bumpsToken: inPlace || retry,
    dueAt,
    // Whole ms (PostgreSQL keeps ms): the same comparison on both stores.
    keepLeaseFrom: inPlace ? p.now + Math.ceil(p.keepClaim!.leaseMs / 2) : null,
    runAt,
    finishedOn: terminal ? p.now : null,
  };
}

/**
 * The log a finish stores (`TaskFinishParams.outcomeLogItems`): all of it when the finish
 * applied; otherwise without the outcome's own items, and nothing when only those remain.
 * Nothing at all when the finish was fenced out by an abort (`aborted`: the task as it
 * stands is aborted): the abort's message ends the log, and what the aborted iteration
 * logged since its last flush would land after it.
 */
export function keptLog(p: TaskFinishParams, applied: boolean, aborted = false): LogAppendParams | undefined {
  const log = p.log;
  if (!log || applied) return log;
  if (aborted) return undefined;
  if (!p.outcomeLogItems) return log;
  const own = log.items.length - Math.min(p.outcomeLogItems, log.items.length);
  return own > 0 ? { ...log, items: log.items.slice(0, own) } : undefined;
}

/**
 * The batch cut where an id repeats, so that each run holds a task at most once. A batch
 * from the worker never repeats one, but a caller may, and then each finish must see what
 * the one before it stored: adapters write each run as a batch, one after the other.
 */
export function runsOfDistinctIds(params: readonly TaskFinishParams[]): TaskFinishParams[][] {
  const runs: TaskFinishParams[][] = [[]];
  let ids = new Set<string>();
  for (const p of params) {
    if (ids.has(p.id)) {
      runs.push([]);
      ids = new Set();
    }
    ids.add(p.id);
    runs[runs.length - 1]!.push(p);
  }
  return runs;
}

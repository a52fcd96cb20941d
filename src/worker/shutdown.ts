/**
 * How a worker stops, as one sequence, because its order is what keeps the worker's
 * invariant (every claim is let go) while the store is still open:
 * 1. The claim loop has seen the mode and returned: nothing is claimed after this.
 * 2. The handoff inbox closes: its offer is withdrawn, what was handed and never taken
 *    is given back.
 * 3. Queued claims (never started) are given back, so other workers take them at once.
 * 4. In-flight executions get `shutdownTimeoutMs` to end. The rest are asked to stop
 *    (their AbortSignal) and get `graceMs`; those still going then are abandoned.
 * 5. Every give-back write has ended; then the worker detaches (no renewals, no listeners).
 */
import { Errors } from "../domain/errors.js";
import type { LazyAbort } from "../runner/lazy-abort.js";
import type { ClaimedTask } from "../storage/port/index.js";
import type { GiveBacks } from "./give-backs.js";
import type { HandoffInbox } from "./handoff-inbox.js";
import type { ResolvedWorkerOptions } from "./options.js";
import { settledWithin } from "./settled-within.js";

/** Abort reason given to iterations still running when a stop's deadline passes. */
export const SHUTDOWN = Errors.closed();

/** An execution as shutdown sees it. */
export interface InFlight {
  claim: ClaimedTask;
  abort: LazyAbort;
  /** run() returned and the outcome's write is in flight. */
  storing: boolean;
  /** Settles when the execution has let its claim go; never rejects. */
  done: Promise<void>;
}

export interface ShutdownParts {
  /** Resolves once the claim loop has returned (at once when it never started). */
  loopEnded: Promise<void>;
  /** The loop ran, so handoff slots may have been offered. */
  started: boolean;
  inbox: HandoffInbox;
  giveBacks: GiveBacks;
  executions: ReadonlyMap<string, InFlight>;
  giveBackQueued(): Promise<void>;
  /** Stops lease renewal and every subscription. */
  detach(): void;
  timing: Pick<ResolvedWorkerOptions, "shutdownTimeoutMs" | "graceMs">;
}

/** Runs the shutdown sequence above; the worker is in its draining mode throughout. */
export async function shutDown(parts: ShutdownParts): Promise<void> {
  await parts.loopEnded;
  await parts.inbox.close(parts.started);
  await parts.giveBackQueued();
  await stopInFlight(parts);
  await parts.giveBacks.settled();
  parts.detach();
}

async function stopInFlight(parts: ShutdownParts): Promise<void> {
  const { executions } = parts;
  if (await settledWithin([...executions.values()].map((e) => e.done), parts.timing.shutdownTimeoutMs)) return;
  // Ask what is left to stop; an iteration that returns within the grace period
  // still has its outcome stored (e.g. a checkpoint taken on the signal).
  for (const execution of executions.values()) execution.abort.abort(SHUTDOWN);
  if (await settledWithin([...executions.values()].map((e) => e.done), parts.timing.graceMs)) return;
  // Not an iteration whose outcome is being written: its write may commit after a
  // give-back, and the give-back would then re-open the stored row (make a finished task
  // due again, cut a continue's wait short). Its lease lapses if the write never lands,
  // and another worker takes the task over then.
  const abandoned = [...executions.values()].filter((execution) => !execution.storing);
  await parts.giveBacks.abandon(abandoned.map((e) => e.claim));
}

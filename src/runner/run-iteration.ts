/**
 * One attempt of one iteration of one task: build the controller, call `run()`, and turn
 * whatever happens (a response, a throw, the time budget running out, an abort) into an
 * outcome. Nothing here writes the outcome; the worker stores it in a batch.
 */
import type { Task, TaskProgress } from "../domain/task.js";
import type { LogItem } from "../domain/log.js";
import type { Clock } from "../domain/clock.js";
import type { AnyTaskDefinition, TaskContextSource } from "../definition/types.js";
import { summaryOf } from "../definition/normalize.js";
import type { StorageAdapter } from "../storage/port/index.js";
import { Errors } from "../domain/errors.js";
import { replaceNul } from "../domain/nul.js";
import { createController, type ChildTasks, type IterationScope } from "./controller.js";
import { LogBuffer } from "./log-buffer.js";
import { copyInput } from "./copy-input.js";
import { ProgressTracker } from "./progress.js";
import { runInThread } from "./isolation/run-in-thread.js";
import {
  outcomeFromError,
  outcomeFromResponse,
  outcomeFromThrown,
  outcomeMaxIterations,
  withRetry,
  type IterationOutcome,
} from "./outcome.js";

export interface IterationParams {
  task: Task;
  /** The claim's fence, read at each write (a re-claim by the same worker renews it). */
  lease: { readonly leaseToken: number };
  definition: AnyTaskDefinition;
  storage: StorageAdapter;
  clock: Clock;
  executionName: string;
  /** Time budget of the iteration in ms (the definition's, else the worker's). */
  timeoutMs: number;
  /** After the budget's signal fires, how long `run()` may take to return before the slot is taken back. */
  graceMs: number;
  children: ChildTasks;
  /** `createStint({ context })`, for v5 definitions' run(). */
  context?: TaskContextSource;
  /** User abort, lost lease, shutdown (LazyAbort): which of them, with a signal built only when read. */
  abort: { readonly userAborted: boolean; readonly stopped: boolean; readonly signal: AbortSignal; onChange(listener: () => void): void };
  logFlushIntervalMs: number;
  progressIntervalMs: number;
  /** "thread": run() executes in a worker thread, terminated at the hard timeout. */
  isolation: "none" | "thread";
}

export interface IterationResult {
  outcome: IterationOutcome;
  logItems: LogItem[];
  progress: TaskProgress | undefined;
  /** True when the grace period ran out and run() was left behind. */
  timedOut: boolean;
}

export async function runIteration(params: IterationParams): Promise<IterationResult> {
  const { task, definition, clock } = params;
  const logs = new LogBuffer({
    storage: params.storage,
    taskId: task.id,
    iteration: task.iterations,
    attempt: task.attempt,
    executionName: params.executionName,
    enabled: definition.databaseLogs,
    clock,
    flushIntervalMs: params.logFlushIntervalMs,
    lease: params.lease,
  });

  // Every attempt is checked: a takeover keeps the iteration's number, and an iteration
  // past the maximum must not run even when its first attempt never reached this line
  // (its claim handed back unstarted, or its worker gone before run()).
  if (task.iterations > task.maxIterations) {
    return finish(outcomeMaxIterations(task), undefined, false);
  }

  // Created by the first progress.set(): most iterations never report progress.
  let progress: ProgressTracker | undefined;
  const start = clock.now();
  const deadline = start + params.timeoutMs;

  // The signal run() sees is built only if it asks for it (most iterations never do):
  // it fires on abort (user, lease lost, shutdown) and at the budget.
  let budget: AbortController | undefined;
  let budgetSpent = false;
  let signal: AbortSignal | undefined;

  let ended = false; // set once the attempt is over (see `progress` below)
  const scope: IterationScope = {
    task,
    definition,
    lease: params.lease,
    storage: params.storage,
    clock,
    deadline,
    signal: () => {
      if (!signal) {
        budget = new AbortController();
        if (budgetSpent) budget.abort(timeoutError(params));
        signal = AbortSignal.any([params.abort.signal, budget.signal]);
      }
      return signal;
    },
    // Only a user's abort is an abort; the worker stopping or losing the lease asks run()
    // to wrap up (isCloseToTimeout) and the worker runs the iteration again elsewhere.
    abort: params.abort,
    logs,
    // A tracker created after the iteration ended (a stray set() from a timer run() left
    // behind) starts closed: it must not write under a lease that may still be valid.
    progress: () => {
      if (!progress) {
        const write = (value: TaskProgress) =>
          params.storage.taskUpdate({ id: task.id, leaseToken: params.lease.leaseToken, now: clock.now(), progress: value });
        progress = new ProgressTracker(task.progress, write, params.progressIntervalMs);
        if (ended) progress.close();
      }
      return progress;
    },
    children: params.children,
  };
  const controller = createController(scope);

  // The budget: at the deadline the signal fires; `graceMs` later the attempt is abandoned.
  // One promise settles with whichever comes first: run()'s response, its throw, or the
  // end of the grace period (no Promise.race: it cost a promise per contender).
  let cancelTimer: () => void = noop;
  let outcome: IterationOutcome;
  let timedOut = false;
  let thread: ReturnType<typeof runInThread> | undefined;
  try {
    thread = params.isolation === "thread" ? runInThread(definition, controller, deadline, params.abort) : undefined;
    const run =
      thread?.response ??
      Promise.resolve().then(() =>
        definition.run({ input: copyInput(task.input), controller, definition: summaryOf(definition) }, params.context),
      );
    const winner = await new Promise<{ response: unknown } | undefined>((resolve, reject) => {
      // Unref'd: an abandoned run() that never settles must not keep the process alive.
      cancelTimer = clock.timeout(params.timeoutMs, () => {
        budgetSpent = true;
        budget?.abort(timeoutError(params));
        cancelTimer = clock.timeout(params.graceMs, () => resolve(undefined), { unref: true });
      }, { unref: true });
      run.then((response) => resolve({ response }), reject);
    });
    if (winner) {
      // scope.task: the task as run() left it (updateInput/updateOutput replace it).
      outcome = outcomeFromResponse(scope.task, winner.response, clock.now());
    } else {
      timedOut = true;
      thread?.terminate(); // code that never yields can only be stopped this way
      outcome = withRetry(outcomeFromError(timeoutError(params)), definition.retry, task.attempt, clock.now());
    }
  } catch (thrown) {
    outcome = withRetry(outcomeFromThrown(thrown), definition.retry, task.attempt, clock.now());
  } finally {
    cancelTimer();
  }
  ended = true;
  return finish(outcome, progress?.close(), timedOut);

  async function finish(result: IterationOutcome, finalProgress: TaskProgress | undefined, didTimeOut: boolean) {
    // What the task produced may carry NUL characters, which PostgreSQL cannot store.
    let outcome = result;
    if (result.input !== undefined || result.output !== undefined) {
      outcome = { ...result };
      if (result.input !== undefined) outcome.input = replaceNul(result.input);
      if (result.output !== undefined) outcome.output = replaceNul(result.output);
    }
    return { outcome, logItems: await logs.drain(result.logItems), progress: replaceNul(finalProgress), timedOut: didTimeOut };
  }
}

const noop = () => {};


function timeoutError(params: IterationParams) {
  return Errors.timeout(Math.round(params.timeoutMs / 1000));
}

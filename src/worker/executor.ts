/**
 * What a dispatched claim does, apart from the loop that decides when: an iteration runs,
 * its outcome is stored (batched by the CompletionBatcher) and its terminal hooks run and
 * are confirmed; a hook claim runs the hooks its task still owes. The loop learns when the
 * slot frees up (`IterationPhases`) and gets back the next iteration's claim when the
 * store kept it (continue in place).
 */
import type { Clock } from "../domain/clock.js";
import type { Task } from "../domain/task.js";
import { isTerminalStatus } from "../domain/task.js";
import { Errors } from "../domain/errors.js";
import type { AnyTaskDefinition } from "../definition/types.js";
import type { ClaimedTask, StorageAdapter, TaskFinishParams, TaskFinishResult } from "../storage/port/index.js";
import { runIteration, type IterationResult } from "../runner/run-iteration.js";
import { hooksForTerminal, type HookName, type IterationOutcome } from "../runner/outcome.js";
import type { LazyAbort } from "../runner/lazy-abort.js";
import type { IterationPhases } from "./capacity.js";
import { CompletionBatcher } from "./completion-batcher.js";
import type { WorkerDependencies } from "./dependencies.js";
import type { WorkerEvents } from "./events.js";
import { claimedSnapshot, finishParams } from "./finish-params.js";
import type { GiveBacks } from "./give-backs.js";
import { hasAnyHook, logHookFailures, runHooks, type HookFailure } from "./hooks.js";
import type { ResolvedWorkerOptions } from "./options.js";
import type { PrefetchPolicy } from "./prefetch.js";
import { refusedResult } from "./refused-outcome.js";
import { SHUTDOWN } from "./shutdown.js";
import { SelfCleanup } from "./self-cleanup.js";
import { isValueRefusedError, retryTransient } from "./transient.js";
import { traceIteration, withStoredContext, type IterationTrace } from "../observability/tracing.js";

export interface ExecutorOptions {
  deps: WorkerDependencies;
  options: ResolvedWorkerOptions;
  events: WorkerEvents;
  prefetch: PrefetchPolicy;
  giveBacks: GiveBacks;
  /** Nothing else waits here and the worker is not stopping: a continue due now may keep its claim. */
  mayContinueInPlace(): boolean;
  /** Something may be due now (a continue that did not keep its claim). */
  wake(): void;
  onError(error: unknown, during: string): void;
}

/** Runs iterations and owed hooks, and stores what they produce. */
export class Executor {
  private readonly storage: StorageAdapter;
  private readonly clock: Clock;
  private readonly workerId: string;
  private readonly batcher: CompletionBatcher;
  private readonly selfCleanup: SelfCleanup;

  constructor(private readonly options: ExecutorOptions) {
    this.storage = options.deps.storage;
    this.clock = options.deps.clock;
    this.workerId = options.options.workerId;
    this.batcher = new CompletionBatcher(this.storage, 500, undefined, (error) => options.onError(error, "store outcome"));
    this.selfCleanup = new SelfCleanup(this.storage, (error) => options.onError(error, "self-cleanup"));
  }

  /**
   * Runs one iteration, stores its outcome and runs its hooks; returns the next iteration's
   * claim when kept. All of it in a `stint.iteration` span, a child of the trace context
   * stored at the trigger (observability/tracing.ts).
   */
  iterateAndStore(claim: ClaimedTask, abort: LazyAbort, phases: IterationPhases): Promise<ClaimedTask | void> {
    return traceIteration(claim.task, claim.traceContext, (trace) => this.iterate(claim, abort, phases, trace));
  }

  private async iterate(claim: ClaimedTask, abort: LazyAbort, phases: IterationPhases, trace: IterationTrace): Promise<ClaimedTask | void> {
    const { deps, options, events } = this.options;
    const { task } = claim;
    const definition = deps.definitions.get(task.definitionId);
    if (!definition) throw Errors.definitionNotFound(task.definitionId);
    const startedAt = Date.now();
    const claimed = claimedSnapshot(task); // before anything outside the worker sees the task
    // Per-task events build their payload only for a listener (most workers have none).
    if (events.listenerCount("task:start") > 0) events.emit("task:start", { task, iteration: task.iterations, attempt: task.attempt });

    const result = await runIteration({
      task,
      lease: claim,
      definition,
      storage: this.storage,
      clock: this.clock,
      executionName: this.workerId,
      timeoutMs: (definition.timeout ?? options.timeoutSeconds) * 1000,
      graceMs: options.graceMs,
      children: deps.children,
      context: deps.context,
      abort,
      logFlushIntervalMs: options.logFlushIntervalMs,
      progressIntervalMs: options.progressIntervalMs,
      isolation: definition.module ? (definition.isolation ?? options.isolation) : "none",
    });
    this.options.prefetch.record(Date.now() - startedAt);
    // The run is over (or abandoned at the timeout): the slot can take new work while
    // the outcome is written with the next batch.
    phases.ran();
    if (this.options.giveBacks.wasAbandoned(task.id)) return; // another worker re-runs the attempt

    let { outcome } = result;
    // Stopped by this worker (shutdown) or its lost lease, not by a user: an outcome that
    // is not a plain continue or done is most likely run() reacting to that (aborted(),
    // an AbortError thrown, an error returned) and must not be stored as the task's fate.
    // The attempt is given back instead, to run again (at least once, as after a crash).
    if (abort.stopped && !abort.userAborted && !keepsOutcome(outcome)) {
      trace.handedBack();
      await this.options.giveBacks.giveBackStopped(claim, definition, result, abort.reason === SHUTDOWN);
      events.emit("task:iteration", { task, status: outcome.status, applied: false, durationMs: Date.now() - startedAt });
      return;
    }
    let owesHooks = isTerminalStatus(outcome.status) && hasAnyHook(definition, outcome.hooks);
    const now = this.clock.now();
    // Continue in place only when nothing else waits here: fairness over a saved claim.
    const inPlace =
      outcome.status === "running" &&
      outcome.retryAt === undefined &&
      !outcome.waitForChildren &&
      (outcome.runAt ?? now) <= now &&
      this.options.mayContinueInPlace() &&
      !abort.aborted;
    let stored: TaskFinishResult;
    try {
      stored = await this.batcher.finish(this.finishOf(claim, claimed, result, now, owesHooks, inPlace));
    } catch (error) {
      if (!isValueRefusedError(error)) throw error;
      // The store refused a value this iteration produced: the task fails with that error
      // (refused-outcome.ts) rather than running again into the same refusal.
      const failedAt = this.clock.now();
      const refused = refusedResult(error, task, definition, failedAt);
      outcome = refused.outcome;
      owesHooks = hasAnyHook(definition, outcome.hooks);
      stored = await this.batcher.finish(this.finishOf(claim, claimed, refused, failedAt, owesHooks, false));
    } finally {
      phases.stored();
    }
    trace.outcome(outcome, stored.applied);
    const storedTask = stored.task ?? task;
    if (events.listenerCount("task:iteration") > 0) {
      events.emit("task:iteration", { task: storedTask, status: outcome.status, applied: stored.applied, durationMs: Date.now() - startedAt });
    }
    if (!stored.applied) return;
    // The finish made a waiting task due (a parent whose last child this was, or this
    // task waiting for children that had all finished): a worker may claim it now.
    if (stored.woken) this.options.wake();
    if (result.timedOut) events.emit("task:timeout", { task: storedTask });
    if (outcome.status === "running") {
      if (stored.leaseToken !== undefined && stored.task) {
        return {
          kind: "iteration",
          task: stored.task,
          leaseToken: stored.leaseToken,
          leaseExpiresAt: stored.leaseExpiresAt!,
          traceContext: claim.traceContext, // the task's next iteration, in the same trace
        };
      }
      if (!outcome.waitForChildren && (outcome.runAt ?? outcome.retryAt ?? 0) <= this.clock.now()) this.options.wake();
      return;
    }
    this.emitTerminal(storedTask, outcome);
    if (owesHooks) await this.finishHooks(definition, outcome.hooks, storedTask, claim);
    await this.cleanUpIfAsked(definition, storedTask);
  }

  /** `selfCleanup`: a task that succeeded goes, with its logs and finished children, once its hooks ran. */
  private async cleanUpIfAsked(definition: AnyTaskDefinition | undefined, task: Task): Promise<void> {
    if (!definition?.selfCleanup || task.taskStatus !== "success") return;
    // A task whose hooks were not confirmed (abandoned at shutdown, store away) still has
    // hook_pending set: the store's delete leaves it for the worker that runs its hooks.
    await this.selfCleanup.delete(task.id);
  }

  /** A hook claim: runs the hooks the stored terminal task still owes (in the trace stored at its trigger). */
  async runOwedHooks(claim: ClaimedTask): Promise<void> {
    const definition = this.options.deps.definitions.get(claim.task.definitionId);
    await withStoredContext(claim.traceContext, () => this.finishHooks(definition, hooksForTerminal(claim.task), claim.task, claim));
    await this.cleanUpIfAsked(definition, claim.task);
  }

  /**
   * The finish of an iteration. `leaseToken` is read now: a re-claim by this worker may
   * have renewed it. `owesHooks`: keep the claim while hooks run; `inPlace`: claim the next
   * iteration in the same write.
   */
  private finishOf(claim: ClaimedTask, claimed: Task, result: IterationResult, now: number, owesHooks: boolean, inPlace: boolean): TaskFinishParams {
    const { options } = this.options;
    return finishParams({
      task: claim.task,
      claimed,
      leaseToken: claim.leaseToken,
      result,
      now,
      workerId: this.workerId,
      ...(owesHooks ? { hookLeaseMs: options.hookLeaseMs } : {}),
      ...(inPlace ? { keepClaimMs: options.leaseMs } : {}),
    });
  }

  private async finishHooks(definition: AnyTaskDefinition | undefined, hooks: readonly HookName[], task: Task, claim: ClaimedTask): Promise<void> {
    const { deps, options, events } = this.options;
    const budgetMs = (definition?.timeout ?? options.timeoutSeconds) * 1000;
    const failures: HookFailure[] = [];
    await runHooks(definition, hooks, task, { ms: budgetMs, clock: this.clock }, (hook, error) => {
      failures.push({ hook, error });
      events.emit("hook:error", { task, hook, error });
    }, deps.context);
    // Abandoned at shutdown: the hook claim was given back (another worker runs the hooks).
    if (this.options.giveBacks.wasAbandoned(task.id)) return;
    // The hooks ran: confirm it even through a store blink. If the store stays away, keep
    // the claim (no give-back) and let the hook lease lapse: a re-run then needs a crash
    // or a store outage longer than the retries, never a plain write error.
    await retryTransient(() => this.storage.taskHooksDone({ items: [{ id: task.id, leaseToken: claim.leaseToken }] }), {
      onError: (error) => this.options.onError(error, "confirm hooks"),
    }).catch(() => undefined);
    // After the confirmation (the write that must get through), what failed goes to the log.
    await logHookFailures(this.storage, definition, task, failures, {
      executionName: this.workerId,
      now: this.clock.now(),
      onError: (error) => this.options.onError(error, "log a failed hook"),
    });
  }

  private emitTerminal(task: Task, outcome: IterationOutcome): void {
    const { events } = this.options;
    if (task.taskStatus === "success") events.emit("task:done", { task });
    else if (task.taskStatus === "failed") {
      // The outcome's error item keeps the stack (the stored output does not).
      events.emit("task:failed", { task, error: outcome.logItems.find((item) => item.type === "error")?.error });
    }
    else if (task.taskStatus === "aborted") events.emit("task:aborted", { task });
  }
}

/** An outcome the worker stores even when it asked run() to stop: a checkpoint (continue) or done. */
function keepsOutcome(outcome: IterationOutcome): boolean {
  return outcome.status === "success" || (outcome.status === "running" && outcome.retryAt === undefined);
}

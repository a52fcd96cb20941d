/**
 * The worker: claim due tasks in batches into a small local queue → run up to
 * `concurrency` iterations at once → store the outcomes in batches → run terminal hooks.
 * A task that continues with no wait keeps its claim and runs its next iteration at once
 * ("continue in place") when nothing else is queued here.
 *
 * Invariant: every task this worker claims is released, whatever happens: by storing
 * the iteration's outcome, by confirming its hooks ran, or by handing the claim back;
 * and if the process dies first, the lease lapses and another worker takes it over.
 */
import { claimLimitsOf } from "./claim-limits.js";
import type { Clock } from "../domain/clock.js";
import type { Task } from "../domain/task.js";
import { isTerminalStatus } from "../domain/task.js";
import type { AnyTaskDefinition, TaskContextSource } from "../definition/types.js";
import type { ClaimedTask, StorageAdapter, TaskFinishResult } from "../storage/port/index.js";
import type { ChildTasks } from "../runner/controller.js";
import { runIteration, type IterationResult } from "../runner/run-iteration.js";
import { hooksForTerminal, type HookName, type IterationOutcome } from "../runner/outcome.js";
import { Errors } from "../domain/errors.js";
import { CompletionBatcher } from "./completion-batcher.js";
import { LeaseKeeper } from "./lease-keeper.js";
import { WorkerEvents } from "./events.js";
import { hasAnyHook, logHookFailures, runHooks, type HookFailure } from "./hooks.js";
import { isValueRefusedError, retryTransient } from "./transient.js";
import { refusedResult } from "./refused-outcome.js";
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from "./options.js";
import { PrefetchPolicy } from "./prefetch.js";
import { LazyAbort, USER_ABORT } from "../runner/lazy-abort.js";
import { WakeGate } from "./wake-gate.js";
import { settledWithin } from "./settled-within.js";
import { claimedSnapshot, finishParams } from "./finish-params.js";
import type { WorkerSignals } from "./signals.js";

/** Abort reason given to iterations still running when a stop's deadline passes. */
const SHUTDOWN = Errors.closed();

export interface DefinitionLookup {
  get(id: string): AnyTaskDefinition | undefined;
  ids(): string[];
}

/** What the worker learns as an iteration goes (see execute). */
interface IterationPhases {
  ran(): void;
  stored(): void;
}

export interface WorkerDependencies {
  storage: StorageAdapter;
  definitions: DefinitionLookup;
  clock: Clock;
  children: ChildTasks;
  /** In-process wake-ups from the TaskService of the same instance. */
  signals?: WorkerSignals;
  /** `createStint({ context })`: what v5 run() and hooks get as `context`. */
  context?: TaskContextSource;
}

interface Execution {
  claim: ClaimedTask;
  abort: LazyAbort;
  /** run() returned and the outcome's write is in flight: it holds no slot. */
  storing: boolean;
  /** What a lost lease stops (kept so a re-claim of our own task can keep it). */
  onLost: (state: "aborted" | "lost") => void;
  /**
   * A claim of this task that came while its outcome was being stored: the task's next
   * run, not this one's (see take). It is queued once this execution has settled.
   */
  claimedAgain?: ClaimedTask;
  done: Promise<void>;
}

/** Runs task iterations: claims due tasks, runs up to `concurrency` at once, stores their outcomes and runs their hooks. Made by `stint.createWorker()` / `stint.startWorker()`; `stop()` shuts it down gracefully. */
export class Worker {
  readonly events = new WorkerEvents();
  readonly options: ResolvedWorkerOptions;
  private readonly storage: StorageAdapter;
  private readonly clock: Clock;
  private readonly batcher: CompletionBatcher;
  private readonly leases: LeaseKeeper;
  private readonly executions = new Map<string, Execution>();
  /** Claimed, not started yet (their leases are renewed like the others'). */
  private readonly queue: ClaimedTask[] = [];
  private readonly prefetch: PrefetchPolicy;
  /** Iterations whose run() is still going (a slot each). */
  private running = 0;
  /** Iterations whose run() returned and whose outcome is being stored. */
  private storing = 0;
  private loopPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private stopping = false;
  private readonly gate: WakeGate;
  private unsubscribers: (() => void)[] = [];
  private stopListeningInProcess: () => void = () => {};
  /** Tasks handed back at shutdown whose run() had not returned: their outcome is not stored. */
  private readonly abandoned = new Set<string>();
  /** Hand-backs started while stopping; shutdown waits for them before the store closes. */
  private readonly pendingReleases = new Set<Promise<void>>();
  /** Handoffs need the store's notifications, which only the started loop listens to. */
  private readonly offersHandoff: boolean;
  /** How long a handoff slot offered by a claim stays valid: a few claim loops. */
  private readonly handoffSlotMs: number;
  /** Set once shutdown withdrew the slot: a handoff arriving later goes straight back. */
  private handoffClosed = false;
  /** Handed tasks received, waiting one turn before they are taken (see takeHanded). */
  private readonly pendingHanded: ClaimedTask[] = [];
  /** Handed tasks already taken, until their handed lease ends (see firstSight). */
  private readonly handedSeen = new Map<string, number>();
  /** The handoff slots the last claim offered, and how many no handoff has used yet. */
  private offerSize = 0;
  private offerLeft = 0;

  constructor(private readonly deps: WorkerDependencies, options: WorkerOptions = {}) {
    this.options = resolveWorkerOptions(options);
    this.storage = deps.storage;
    this.clock = deps.clock;
    this.prefetch = new PrefetchPolicy(this.options.concurrency, this.options.prefetch);
    this.gate = new WakeGate(this.clock);
    this.batcher = new CompletionBatcher(this.storage, 500, undefined, (error) => this.reportError(error, "store outcome"));
    this.leases = new LeaseKeeper({
      storage: this.storage,
      clock: this.clock,
      workerId: this.options.workerId,
      leaseMs: this.options.leaseMs,
      intervalMs: this.options.heartbeatMs,
      onError: (error) => this.reportError(error, "renew leases"),
    });
    this.offersHandoff = this.storage.capabilities.supportsHandoff && this.options.handoff;
    // An idle worker claims every pollIntervalMs, renewing its offer; a dead one's lapses
    // within this (a handoff to it meanwhile waits for its lease to expire).
    this.handoffSlotMs = Math.min(10_000, Math.max(1_000, 2 * this.options.pollIntervalMs));
    this.listenInProcess();
  }

  get workerId(): string {
    return this.options.workerId;
  }

  /** Iterations and hooks in flight (queued claims not included). */
  get activeCount(): number {
    return this.executions.size;
  }

  /** Claims waiting in this worker's local queue for a free slot (prefetched). */
  get queuedCount(): number {
    return this.queue.length;
  }

  /**
   * Claims that count against the capacity: queued, running, hooks. Iterations whose
   * outcome is being stored do not: counting them kept the next claim waiting for the
   * outcome batch's write, so the store and this process took turns instead of working
   * at once (see `storeBacklogFull` for their bound).
   */
  private get held(): number {
    return this.queue.length + this.executions.size - this.storing;
  }

  /**
   * Outcomes waiting to be stored. Up to two capacities' worth, the next claim overlaps
   * the write of the last batch's outcomes (the store works on both while this process
   * runs tasks); past that the store is the bottleneck and claiming more only piles up.
   */
  private get storeBacklogFull(): boolean {
    return this.storing >= 2 * this.capacity;
  }

  /** The most claims held at once: the running slots plus the prefetch queue. */
  private get capacity(): number {
    return this.options.concurrency + this.prefetch.target();
  }

  /** Starts the claim loop. A worker runs once: after stop() it cannot be started again. */
  start(): void {
    if (this.stopping) throw Errors.closed();
    if (this.loopPromise) return;
    this.subscribe();
    this.leases.start();
    this.events.emit("worker:start", { workerId: this.workerId });
    this.loopPromise = this.loop();
  }

  /** Wakes the claim loop now: something may be due (a trigger, a continue, time jumped). */
  wake(): void {
    this.gate.work();
  }

  /**
   * Stops claiming, lets in-flight iterations finish within `shutdownTimeoutMs`, then
   * aborts the rest and hands their claims back so another worker re-runs them.
   */
  stop(): Promise<void> {
    this.stopPromise ??= this.shutdown();
    return this.stopPromise;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loopPromise;
    if (this.loopPromise && this.offersHandoff) {
      // No handoff after this; what was handed and never arrived goes back at once (its
      // notification, if it comes now, is handed back too: handoffClosed).
      const unseen = await this.storage.taskWithdrawHandoff({ workerId: this.workerId }).catch((error) => {
        this.reportError(error, "withdraw handoff slot");
        return [];
      });
      // A handed task this worker is running (or holds) is not unseen, even when its first
      // sight has been forgotten (its handed lease passed while it ran): handing it back
      // would let another worker run it too.
      const unseenHere = unseen.filter((claim) => !this.holds(claim.task.id) && this.firstSight(claim));
      this.handBack([...unseenHere, ...this.pendingHanded.splice(0)]);
    }
    this.handoffClosed = true;
    await this.releaseQueued();
    const inFlight = [...this.executions.values()];
    if (!(await settledWithin(inFlight.map((e) => e.done), this.options.shutdownTimeoutMs))) {
      // Ask what is left to stop; an iteration that returns within the grace period
      // still has its outcome stored (e.g. a checkpoint taken on the signal).
      for (const execution of this.executions.values()) execution.abort.abort(SHUTDOWN);
      const left = [...this.executions.values()];
      if (!(await settledWithin(left.map((e) => e.done), this.options.graceMs))) {
        // Not an iteration whose outcome is being written: its write may commit after a
        // hand-back and the hand-back would then re-open the stored row (make a finished
        // task due again, cut a continue's wait short). Its lease lapses if the write
        // never lands, and another worker takes the task over then.
        const abandoned = [...this.executions.values()].filter((execution) => !execution.storing);
        for (const execution of abandoned) this.abandoned.add(execution.claim.task.id);
        await this.giveBack(abandoned.map((e) => e.claim), "hand back claims");
      }
    }
    await Promise.all(this.pendingReleases);
    this.leases.stop();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.stopListeningInProcess();
    if (this.loopPromise) this.events.emit("worker:stop", { workerId: this.workerId });
  }

  /**
   * Runs everything that is due now (and what becomes due as a result) until nothing is
   * due and nothing is in flight. For tests and scripts; the started loop does not need it.
   */
  async drain(): Promise<void> {
    while (!this.stopping) {
      this.dispatch();
      const want = this.capacity - this.held;
      const claimed = want > 0 && !this.storeBacklogFull ? await this.claim(want) : 0;
      if (claimed > 0) continue;
      if (this.executions.size === 0 && this.queue.length === 0) return;
      await Promise.race([...this.executions.values()].map((e) => e.done));
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.dispatch();
      const capacity = this.capacity;
      const want = capacity - this.held;
      // Claim when a slot would otherwise sit idle, or in batches of at least half the
      // capacity: never one round trip per finished task.
      const starving = this.queue.length === 0 && this.running < this.options.concurrency;
      if (want <= 0 || this.storeBacklogFull || (!starving && want < capacity / 2)) {
        await this.waitForWake(this.options.pollIntervalMs);
        continue;
      }
      const quiet = this.gate.quietRemaining();
      if (quiet > 0) {
        await this.waitForWake(quiet);
        continue;
      }
      let claimed: number;
      let nextDue: number | null = null;
      const mark = this.gate.mark();
      try {
        claimed = await this.claim(want, true);
        if (claimed < want) nextDue = await this.storage.taskNextDueAt({ definitionIds: this.deps.definitions.ids() });
        failures = 0;
      } catch (error) {
        this.reportError(error, "claim");
        failures++;
        await this.waitForWake(Math.min(this.options.pollIntervalMs * 5, 100 * 2 ** failures));
        continue;
      }
      // An embedded store answers in microtasks: yield so outcomes get written and timers
      // run between claims (otherwise a busy loop could starve the completion batcher).
      await new Promise((resolve) => setImmediate(resolve));
      if (claimed === want) continue;
      const wait = nextDue === null ? this.options.pollIntervalMs : Math.min(this.options.pollIntervalMs, nextDue - this.clock.now());
      if (wait > 0) {
        this.gate.quietFor(wait, mark); // unless new work was signalled meanwhile
        await this.waitForWake(wait);
      }
    }
  }

  /**
   * Claims up to `limit` due tasks into the local queue; returns how many came. From the
   * loop, on stores with `supportsHandoff`, the claim also offers this worker's free run
   * slots to triggers until the next claim (handoff), and brings back tasks handed over
   * meanwhile whose notification has not arrived (a silently dead LISTEN connection).
   */
  private async claim(limit: number, offerHandoff = false): Promise<number> {
    const now = this.clock.now();
    const handoff =
      offerHandoff && this.offersHandoff && !this.stopping
        ? { until: now + this.handoffSlotMs, slots: this.options.concurrency - this.running - this.queue.length }
        : undefined;
    const definitionIds = this.deps.definitions.ids();
    const claimed = await this.storage.taskClaim({
      workerId: this.workerId,
      limit,
      now,
      leaseMs: this.options.leaseMs,
      definitionIds,
      limits: claimLimitsOf(this.deps.definitions, definitionIds),
      handoff,
    });
    let count = 0;
    for (const claim of claimed) {
      if (!claim.handed) count++;
      else if (!this.firstSight(claim)) continue;
      this.take(claim);
    }
    this.offerSize = this.offerLeft = handoff ? Math.max(0, handoff.slots - count) : 0;
    this.dispatch();
    return count;
  }

  /** Whether this worker runs, queues or holds the lease of this task. */
  private holds(id: string): boolean {
    return this.executions.has(id) || this.leases.leases.has(id) || this.queue.some((claim) => claim.task.id === id);
  }

  /** A claim from the store (claimed, or handed by a trigger): queued, or run at once for hooks. */
  private take(claim: ClaimedTask): void {
    const inFlight = this.executions.get(claim.task.id);
    if (inFlight) {
      // run() returned and its outcome is being written: the store may have committed it
      // (a continue that released the claim, due now) and given the task to this claim
      // before the write's answer came back. This claim is the next run, not this one's
      // (adopting it would store nothing under it and drop it). If the lease had lapsed
      // instead, the write is fenced out and this claim runs the iteration again.
      if (!inFlight.storing) return this.adopt(inFlight.claim, claim, inFlight.onLost);
      // Renewed from now on (the stored outcome's lease needs no renewal: its write is fenced).
      inFlight.claimedAgain = claim;
      this.leases.hold(this.leaseFor(claim, () => {
        if (inFlight.claimedAgain === claim) inFlight.claimedAgain = undefined;
      }));
      return;
    }
    // Only a task whose lease we hold can be queued here (rare: its lease lapsed).
    const queued = this.leases.leases.has(claim.task.id) ? this.queue.find((q) => q.task.id === claim.task.id) : undefined;
    if (queued) {
      this.adopt(queued, claim, () => this.dropQueued(queued));
      return;
    }
    if (claim.kind === "hook") {
      this.execute(claim); // hooks take no slot
    } else {
      this.leases.hold(this.leaseFor(claim, () => this.dropQueued(claim)));
      this.queue.push(claim);
    }
  }

  /**
   * A task a trigger handed to this worker (handoff): it runs as if claimed. It waits one
   * turn of the event loop, so an abort that arrived right behind it (e.g. in the same
   * read from the socket) drops it before run() starts.
   */
  private takeHanded(claim: ClaimedTask): void {
    // Expired on the way (another worker may have taken it over), or already here.
    if (claim.leaseExpiresAt <= this.clock.now() || !this.firstSight(claim)) return;
    this.pendingHanded.push(claim);
    if (this.pendingHanded.length === 1) setImmediate(() => this.flushHanded());
  }

  private flushHanded(): void {
    const handed = this.pendingHanded.splice(0);
    if (this.handoffClosed) return this.handBack(handed);
    this.offerLeft -= handed.length;
    for (const claim of handed) this.take(claim);
    this.dispatch();
  }

  /**
   * Whether this is the first time this worker sees a handed task: a handoff can come
   * both by notification and (if that seemed lost) with a claim. Remembered until the
   * handed lease ends; after that a late notification is dropped as expired anyway.
   */
  private firstSight(claim: ClaimedTask): boolean {
    const now = this.clock.now();
    for (const [id, until] of this.handedSeen) {
      if (until > now) break; // roughly in expiry order: stop at the first live one
      this.handedSeen.delete(id);
    }
    if (this.handedSeen.has(claim.task.id)) return false;
    this.handedSeen.set(claim.task.id, claim.leaseExpiresAt);
    return true;
  }

  /** Gives claims back unrun (shutdown); shutdown waits for the write. */
  private handBack(claims: readonly ClaimedTask[]): void {
    this.trackRelease(this.giveBack(claims, "hand back claims"));
  }

  /**
   * Every hand-back to the store goes through here. This worker stops renewing the claims
   * first, and the store moves their token on, so no renewal can extend what is handed
   * back. `retry`: through a store blink (a stopped attempt that must run again).
   */
  private async giveBack(claims: readonly ClaimedTask[], during: string, retry = false): Promise<void> {
    if (claims.length === 0) return;
    for (const claim of claims) this.leases.release(claim.task.id);
    // Tokens read now: a re-claim by this worker may have renewed them.
    const write = () =>
      this.storage.taskReleaseLeases({ leases: claims.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken })), now: this.clock.now() });
    const report = (error: unknown) => this.reportError(error, during);
    await (retry ? retryTransient(write, { onError: report }).catch(() => undefined) : write().catch(report));
  }

  /** A hand-back started while stopping: shutdown waits for it before the store closes. */
  private trackRelease(release: Promise<void>): void {
    this.pendingReleases.add(release);
    void release.finally(() => this.pendingReleases.delete(release));
  }

  /** Starts queued iterations while slots are free. */
  private dispatch(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0 && !this.stopping) {
      this.execute(this.queue.shift()!);
    }
  }

  /** A queued claim whose lease was lost or aborted before it started: forget it. */
  private dropQueued(claim: ClaimedTask): void {
    const index = this.queue.indexOf(claim);
    if (index >= 0) this.queue.splice(index, 1);
    this.leases.release(claim.task.id);
  }

  /** Hands queued, never-started claims back so other workers can take them at once. */
  private async releaseQueued(): Promise<void> {
    await this.giveBack(this.queue.splice(0), "hand back queued claims");
  }

  private waitForWake(ms: number): Promise<void> {
    return this.stopping ? Promise.resolve() : this.gate.wait(ms);
  }

  /** The lease-keeper entry of a claim; `onLost` says what to stop when it is lost. */
  private leaseFor(claim: ClaimedTask, onLost: (state: "aborted" | "lost") => void) {
    return { id: claim.task.id, leaseToken: claim.leaseToken, expiresAt: claim.leaseExpiresAt, onLost };
  }

  /**
   * Our own lease lapsed (renewals failed while the store was away) and this worker got
   * the task back: the claim already here carries on under the new lease token instead
   * of a second run starting (which would re-run an iteration or a hook for nothing).
   */
  private adopt(held: ClaimedTask, fresh: ClaimedTask, onLost: (state: "aborted" | "lost") => void): void {
    held.leaseToken = fresh.leaseToken;
    held.leaseExpiresAt = fresh.leaseExpiresAt;
    this.leases.hold(this.leaseFor(held, onLost));
  }

  private execute(claim: ClaimedTask): void {
    const abort = new LazyAbort();
    const id = claim.task.id;
    const isIteration = claim.kind === "iteration";
    if (isIteration) this.running++;
    const onLost = (state: "aborted" | "lost") => abort.abort(state === "aborted" ? USER_ABORT : Errors.leaseLost(id));
    this.leases.hold(this.leaseFor(claim, onLost));
    const execution: Execution = { claim, abort, onLost, storing: false, done: Promise.resolve() };
    let slotFreed = !isIteration;
    const phases: IterationPhases = {
      // run() returned (or was left behind): the slot takes new work while the outcome is written.
      ran: () => {
        if (slotFreed) return;
        slotFreed = true;
        this.running--;
        execution.storing = true;
        this.storing++;
        this.gate.slot();
      },
      // The outcome's write ended: hooks that follow count against the capacity again.
      stored: () => {
        if (!execution.storing) return;
        const wasFull = this.storeBacklogFull;
        execution.storing = false;
        this.storing--;
        if (wasFull) this.gate.slot(); // the loop may claim again, even while hooks run
      },
    };
    execution.done = this.settle(execution, phases, isIteration);
    this.executions.set(id, execution);
  }

  /**
   * Runs an execution to its end and lets its claim go; never rejects (shutdown waits on
   * it). One async function, not a then/catch/finally chain: three promises fewer per task.
   */
  private async settle(execution: Execution, phases: IterationPhases, isIteration: boolean): Promise<void> {
    const { claim, abort } = execution;
    const id = claim.task.id;
    let next: ClaimedTask | undefined;
    try {
      next = (isIteration ? await this.runIteration(claim, abort, phases) : await this.runPendingHooks(claim)) ?? undefined;
    } catch (error) {
      this.reportError(error, `task ${id}`);
      await this.giveBack([claim], "hand back claim");
    }
    phases.ran();
    phases.stored();
    this.leases.release(id);
    this.executions.delete(id);
    // Nothing queued here and half the handoff offer used (or none standing): claim
    // again to renew it (a slot wake-up alone would wait for the poll while triggers
    // find the offer spent). With a queue, the loop claims by its own rules.
    if (this.offersHandoff && !this.stopping && this.queue.length === 0 && this.offerLeft <= this.offerSize / 2) this.wake();
    this.gate.slot(); // a claim is released: the loop may claim again
    // Continue in place: the next iteration is already ours; it runs before anything
    // claimed later. So does a claim of the task that came while the outcome was being
    // stored (take). Not if the task was aborted while this iteration's outcome was
    // being stored: the abort moved the token on, so the kept claim is void.
    next = execution.claimedAgain ?? next;
    if (!next || abort.userAborted) return;
    if (!this.stopping) {
      const kept = next;
      this.leases.hold(this.leaseFor(kept, () => this.dropQueued(kept)));
      this.queue.unshift(kept);
      this.dispatch();
    } else {
      // Stopping: hand the kept claim back (shutdown waits for this write).
      this.queue.unshift(next);
      this.trackRelease(this.releaseQueued());
    }
  }

  /** Runs one iteration and stores its outcome; returns the next iteration's claim when kept. */
  private async runIteration(claim: ClaimedTask, abort: LazyAbort, phases: IterationPhases): Promise<ClaimedTask | void> {
    const { task } = claim;
    const definition = this.deps.definitions.get(task.definitionId);
    if (!definition) throw Errors.definitionNotFound(task.definitionId);
    const startedAt = Date.now();
    const claimed = claimedSnapshot(task); // before anything outside the worker sees the task
    // Per-task events build their payload only for a listener (most workers have none).
    if (this.events.listenerCount("task:start") > 0) this.events.emit("task:start", { task, iteration: task.iterations, attempt: task.attempt });

    const result = await runIteration({
      task,
      lease: claim,
      definition,
      storage: this.storage,
      clock: this.clock,
      executionName: this.workerId,
      timeoutMs: (definition.timeout ?? this.options.timeoutSeconds) * 1000,
      graceMs: this.options.graceMs,
      children: this.deps.children,
      context: this.deps.context,
      abort,
      logFlushIntervalMs: this.options.logFlushIntervalMs,
      progressIntervalMs: this.options.progressIntervalMs,
      isolation: definition.module ? (definition.isolation ?? this.options.isolation) : "none",
    });
    this.prefetch.record(Date.now() - startedAt);
    // The run is over (or abandoned at the timeout): the slot can take new work while
    // the outcome is written with the next batch.
    phases.ran();
    if (this.abandoned.delete(task.id)) return; // handed back at shutdown; another worker re-runs the attempt

    let { outcome } = result;
    // Stopped by this worker (shutdown) or its lost lease, not by a user: an outcome that
    // is not a plain continue or done is most likely run() reacting to that (aborted(),
    // an AbortError thrown, an error returned) and must not be stored as the task's fate.
    // The attempt is handed back instead, to run again (at least once, as after a crash).
    if (abort.stopped && !abort.userAborted && !keepsOutcome(outcome)) {
      // Tracked: stop() waits for these writes before the store closes.
      const handBack = this.handBackStopped(claim, definition, result, abort.reason === SHUTDOWN);
      this.trackRelease(handBack);
      await handBack;
      this.events.emit("task:iteration", { task, status: outcome.status, applied: false, durationMs: Date.now() - startedAt });
      return;
    }
    const terminal = isTerminalStatus(outcome.status);
    let owesHooks = terminal && hasAnyHook(definition, outcome.hooks);
    const now = this.clock.now();
    // Continue in place only when nothing else waits here: fairness over a saved claim.
    const inPlace =
      outcome.status === "running" &&
      outcome.retryAt === undefined &&
      (outcome.runAt ?? now) <= now &&
      this.queue.length === 0 &&
      !this.stopping &&
      !abort.aborted;
    const params = finishParams({
      task,
      claimed,
      leaseToken: claim.leaseToken, // read now: a re-claim by this worker may have renewed it
      result,
      now,
      workerId: this.workerId,
      ...(owesHooks ? { hookLeaseMs: this.options.hookLeaseMs } : {}),
      ...(inPlace ? { keepClaimMs: this.options.leaseMs } : {}),
    });
    let stored: TaskFinishResult;
    try {
      stored = await this.batcher.finish(params);
    } catch (error) {
      if (!isValueRefusedError(error)) throw error;
      // The store refused a value this iteration produced: the task fails with that error
      // (refused-outcome.ts) rather than running again into the same refusal.
      const refused = refusedResult(error, task, definition, this.clock.now());
      outcome = refused.outcome;
      owesHooks = hasAnyHook(definition, outcome.hooks);
      stored = await this.batcher.finish(
        finishParams({
          task,
          claimed,
          leaseToken: claim.leaseToken,
          result: refused,
          now: this.clock.now(),
          workerId: this.workerId,
          ...(owesHooks ? { hookLeaseMs: this.options.hookLeaseMs } : {}),
        }),
      );
    } finally {
      phases.stored();
    }
    const storedTask = stored.task ?? task;
    if (this.events.listenerCount("task:iteration") > 0) {
      this.events.emit("task:iteration", { task: storedTask, status: outcome.status, applied: stored.applied, durationMs: Date.now() - startedAt });
    }
    if (!stored.applied) return;
    if (result.timedOut) this.events.emit("task:timeout", { task: storedTask });
    if (outcome.status === "running") {
      if (stored.leaseToken !== undefined && stored.task) {
        return { kind: "iteration", task: stored.task, leaseToken: stored.leaseToken, leaseExpiresAt: stored.leaseExpiresAt! };
      }
      if ((outcome.runAt ?? outcome.retryAt ?? 0) <= this.clock.now()) this.wake();
      return;
    }
    this.emitTerminal(storedTask, outcome);
    if (owesHooks) await this.finishHooks(definition, outcome.hooks, storedTask, claim);
  }

  /**
   * Gives the claim back so any worker re-runs the attempt, then keeps what run() logged.
   * The claim first: it is what lets the task run again at once (otherwise it waits for
   * the lease to lapse). Both are retried through a store blink.
   */
  private async handBackStopped(claim: ClaimedTask, definition: AnyTaskDefinition, result: IterationResult, shutdown: boolean): Promise<void> {
    const { task } = claim;
    await this.giveBack([claim], "hand back claim", true);
    if (!definition.databaseLogs) return;
    const now = this.clock.now();
    // What run() logged itself; the outcome's own items (its "error", "Task aborted.") describe a fate not stored.
    const logged = result.logItems.slice(0, Math.max(0, result.logItems.length - result.outcome.logItems.length));
    const note = shutdown ? "The worker stopped before this attempt ended: it runs again." : "The worker lost the task's lease: the attempt runs again.";
    const items = [...logged, { type: "info" as const, message: note, createdOn: new Date(now), attempt: task.attempt }];
    await retryTransient(() => this.storage.logAppend({ taskId: task.id, iteration: task.iterations, executionName: this.workerId, now, items }), {
      onError: (error) => this.reportError(error, "log a handed-back attempt"),
    }).catch(() => undefined);
  }

  private async runPendingHooks(claim: ClaimedTask): Promise<void> {
    const definition = this.deps.definitions.get(claim.task.definitionId);
    await this.finishHooks(definition, hooksForTerminal(claim.task), claim.task, claim);
  }

  private async finishHooks(
    definition: AnyTaskDefinition | undefined,
    hooks: readonly HookName[],
    task: Task,
    claim: ClaimedTask,
  ): Promise<void> {
    const budgetMs = (definition?.timeout ?? this.options.timeoutSeconds) * 1000;
    const failures: HookFailure[] = [];
    await runHooks(definition, hooks, task, { ms: budgetMs, clock: this.clock }, (hook, error) => {
      failures.push({ hook, error });
      this.events.emit("hook:error", { task, hook, error });
    }, this.deps.context);
    // Abandoned at shutdown: the hook claim was handed back (another worker runs the hooks).
    if (this.abandoned.delete(task.id)) return;
    // The hooks ran: confirm it even through a store blink. If the store stays away, keep
    // the claim (no hand-back) and let the hook lease lapse: a re-run then needs a crash
    // or a store outage longer than the retries, never a plain write error.
    await retryTransient(() => this.storage.taskHooksDone({ items: [{ id: task.id, leaseToken: claim.leaseToken }] }), {
      onError: (error) => this.reportError(error, "confirm hooks"),
    }).catch(() => undefined);
    // After the confirmation (the write that must get through), what failed goes to the log.
    await logHookFailures(this.storage, definition, task, failures, {
      executionName: this.workerId,
      now: this.clock.now(),
      onError: (error) => this.reportError(error, "log a failed hook"),
    });
  }

  private emitTerminal(task: Task, outcome: IterationOutcome): void {
    if (task.taskStatus === "success") this.events.emit("task:done", { task });
    else if (task.taskStatus === "failed") {
      // The outcome's error item keeps the stack (the stored output does not).
      this.events.emit("task:failed", { task, error: outcome.logItems.find((item) => item.type === "error")?.error });
    }
    else if (task.taskStatus === "aborted") this.events.emit("task:aborted", { task });
  }

  /** In-process signals: cheap, so on from construction (drain() relies on them too). */
  private listenInProcess(): void {
    const signals = this.deps.signals;
    if (!signals) return;
    const onAborted = (id: string) => this.abortExecution(id);
    const onAvailable = () => this.wake();
    signals.on("task-aborted", onAborted);
    signals.on("tasks-available", onAvailable);
    this.stopListeningInProcess = () => {
      signals.off("task-aborted", onAborted);
      signals.off("tasks-available", onAvailable);
    };
  }

  /** Store notifications (PostgreSQL LISTEN) and clock jumps: only while the loop runs. */
  private subscribe(): void {
    if (this.storage.capabilities.supportsNotify) {
      this.unsubscribers.push(
        this.storage.subscribe((event) => {
          if (event.type === "task-aborted") this.abortExecution(event.id);
          else if (event.type === "task-handed") {
            if (event.workerId === this.workerId) this.takeHanded(event.claim);
          } else this.wake();
        }),
      );
    }
    if (this.clock.onAdvance) this.unsubscribers.push(this.clock.onAdvance(() => this.wake()));
  }

  private abortExecution(id: string): void {
    const handed = this.pendingHanded.findIndex((claim) => claim.task.id === id);
    if (handed >= 0) this.pendingHanded.splice(handed, 1); // not started: nothing to stop or give back
    // Claimed but not started (prefetched, or kept to continue in place): its run() must
    // not start. The abort moved the task's lease token on, so there is nothing to hand back.
    const queued = this.queue.find((claim) => claim.task.id === id);
    if (queued) this.dropQueued(queued);
    this.executions.get(id)?.abort.abort(USER_ABORT);
  }

  private reportError(error: unknown, during: string): void {
    if (this.events.listenerCount("worker:error") > 0) {
      this.events.emit("worker:error", { workerId: this.workerId, error, during });
    }
  }
}

/** An outcome the worker stores even when it asked run() to stop: a checkpoint (continue) or done. */
function keepsOutcome(outcome: IterationOutcome): boolean {
  return outcome.status === "success" || (outcome.status === "running" && outcome.retryAt === undefined);
}

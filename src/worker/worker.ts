/**
 * The worker: claim due tasks in batches into a small local queue → run up to
 * `concurrency` iterations at once → store the outcomes in batches → run terminal hooks.
 * A task that continues with no wait keeps its claim and runs its next iteration at once
 * ("continue in place") when nothing else is queued here. This file is the loop and the
 * dispatch; what an execution does is in executor.ts, what counts against the capacity
 * in capacity.ts, handoff in handoff-inbox.ts, the stop sequence in shutdown.ts.
 *
 * Invariant: every task this worker claims is let go, whatever happens; and if the
 * process dies first, the lease lapses and another worker takes it over. A claim is let go
 * in one of these ways, each with one verb throughout this folder:
 * - **finish**: its outcome is stored (or its hooks confirmed) under its lease.
 * - **give back**: a write tells the store the claim returns unrun, and the task is due
 *   again at once for any worker (the store calls it `taskReleaseLeases`; the docs say
 *   "hand back"). give-backs.ts makes every such write, and shutdown waits for them.
 * - **abandon**: give back a claim whose run() or hooks are still going (shutdown ran out
 *   of time); whatever they produce later is thrown away, not stored.
 * - **drop**: forget it here with no store write, because there is nothing to give back:
 *   its lease was lost, or a user's abort moved the lease token on.
 *
 * The worker is always in one of these modes:
 *
 *           start()              stop()                shutdown.ts done
 *   idle ────────────► running ────────────► draining ──────────────────► stopped
 *     │                                         ▲
 *     └───────────────────── stop() ────────────┘
 *
 * - idle: built, loop not started. In-process signals already wake and abort, so drain()
 *   (tests, scripts) claims and runs here until nothing is due.
 * - running: the loop claims (offering handoff slots), and store notifications and clock
 *   jumps reach it. start() again does nothing.
 * - draining: stop() was called. Nothing is claimed or started; kept and queued claims are
 *   given back; in-flight executions end within the deadline (shutdown.ts).
 * - stopped: every claim let go, no lease renewed, no listener left. start() throws.
 */
import { claimLimitsOf } from "./claim-limits.js";
import type { Clock } from "../domain/clock.js";
import type { ClaimedTask, StorageAdapter } from "../storage/port/index.js";
import { Errors } from "../domain/errors.js";
import { LazyAbort, USER_ABORT } from "../runner/lazy-abort.js";
import type { WorkerDependencies } from "./dependencies.js";
import { WorkerEvents } from "./events.js";
import { Capacity, type IterationPhases } from "./capacity.js";
import { Executor } from "./executor.js";
import { GiveBacks } from "./give-backs.js";
import { HandoffInbox } from "./handoff-inbox.js";
import { LeaseKeeper, type HeldLease } from "./lease-keeper.js";
import { workerRegistration } from "./registration.js";
import { listenInProcess, listenToStore, type WorkerEars } from "./listeners.js";
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from "./options.js";
import { PrefetchPolicy } from "./prefetch.js";
import { shutDown } from "./shutdown.js";
import { WakeGate } from "./wake-gate.js";

/** The worker's mode (see the diagram above). */
type Mode = "idle" | "running" | "draining" | "stopped";

type OnLost = HeldLease["onLost"];

interface Execution {
  claim: ClaimedTask;
  abort: LazyAbort;
  /** run() returned and the outcome's write is in flight: it holds no slot. */
  storing: boolean;
  /** What a lost lease stops (kept so a re-claim of our own task can keep it). */
  onLost: OnLost;
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
  private mode: Mode = "idle";
  private readonly storage: StorageAdapter;
  private readonly clock: Clock;
  private readonly leases: LeaseKeeper;
  private readonly giveBacks: GiveBacks;
  private readonly inbox: HandoffInbox;
  private readonly executor: Executor;
  private readonly executions = new Map<string, Execution>();
  /** Claimed, not started yet (their leases are renewed like the others'). */
  private readonly queue: ClaimedTask[] = [];
  private readonly capacity: Capacity;
  /** Resolves once the claim loop has returned; at once while it never started. */
  private loopEnded: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;
  private readonly gate: WakeGate;
  /** What a user's abort, a wake-up or a handoff does here (listeners.ts). */
  private readonly ears: WorkerEars = {
    wake: () => this.wake(),
    aborted: (id) => this.abortExecution(id),
    handed: (event) => this.inbox.receive(event),
  };
  /** Turn off the listeners: in-process ones from construction, the store's from start(). */
  private readonly stopListening: (() => void)[] = [];

  constructor(private readonly deps: WorkerDependencies, options: WorkerOptions = {}) {
    this.options = resolveWorkerOptions(options);
    this.storage = deps.storage;
    this.clock = deps.clock;
    const prefetch = new PrefetchPolicy(this.options.concurrency, this.options.prefetch);
    this.gate = new WakeGate(this.clock);
    this.capacity = new Capacity(this.options.concurrency, prefetch, this.gate);
    const onError = (error: unknown, during: string) => this.reportError(error, during);
    const { workerId, leaseMs, heartbeatMs: intervalMs } = this.options;
    const renewError = (error: unknown) => onError(error, "renew leases");
    // The registration rides on the heartbeat (worker registry, docs/workers.md).
    const registration = workerRegistration(this.options);
    this.leases = new LeaseKeeper({ storage: this.storage, clock: this.clock, workerId, leaseMs, intervalMs, onError: renewError, registration });
    this.giveBacks = new GiveBacks({ storage: this.storage, clock: this.clock, leases: this.leases, workerId, onError });
    this.inbox = new HandoffInbox({
      deps,
      options: this.options,
      deliver: (claims) => {
        for (const claim of claims) this.take(claim);
        this.dispatch();
      },
      holds: (id) => this.holds(id),
      giveBacks: this.giveBacks,
      onError,
    });
    this.executor = new Executor({
      deps,
      options: this.options,
      events: this.events,
      prefetch,
      giveBacks: this.giveBacks,
      mayContinueInPlace: () => this.queue.length === 0 && this.takesWork,
      wake: () => this.wake(),
      onError,
    });
    this.stopListening.push(listenInProcess(deps.signals, this.ears));
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

  /** Claims held against the capacity (capacity.ts says which count). */
  private get held(): number {
    return this.capacity.held(this.queue.length, this.executions.size);
  }

  /** Idle or running: claims may be taken and started. */
  private get takesWork(): boolean {
    return this.mode === "idle" || this.mode === "running";
  }

  /** Starts the claim loop. A worker runs once: after stop() it cannot be started again. */
  start(): void {
    if (!this.takesWork) throw Errors.closed();
    if (this.mode === "running") return;
    this.mode = "running";
    this.stopListening.push(listenToStore(this.storage, this.clock, this.ears));
    this.leases.start();
    this.events.emit("worker:start", { workerId: this.workerId });
    this.loopEnded = this.loop();
  }

  /** Wakes the claim loop now: something may be due (a trigger, a continue, time jumped). */
  wake(): void {
    this.gate.work();
  }

  /**
   * Stops claiming, lets in-flight iterations finish within `shutdownTimeoutMs`, then
   * aborts the rest and gives their claims back so another worker re-runs them.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    const started = this.mode === "running";
    this.mode = "draining";
    this.wake();
    await shutDown({
      loopEnded: this.loopEnded,
      started,
      inbox: this.inbox,
      giveBacks: this.giveBacks,
      executions: this.executions,
      giveBackQueued: () => this.giveBackQueued(),
      detach: async () => {
        for (const stop of this.stopListening.splice(0)) stop();
        await this.leases.stop(); // and unregisters
      },
      timing: this.options,
    });
    this.mode = "stopped";
    if (started) this.events.emit("worker:stop", { workerId: this.workerId });
  }

  /**
   * Runs everything that is due now (and what becomes due as a result) until nothing is
   * due and nothing is in flight. For tests and scripts; the started loop does not need it.
   */
  async drain(): Promise<void> {
    while (this.takesWork) {
      this.dispatch();
      const want = this.capacity.total - this.held;
      const claimed = want > 0 && !this.capacity.storeBacklogFull ? await this.claim(want) : 0;
      if (claimed > 0) continue;
      if (this.executions.size === 0 && this.queue.length === 0) return;
      await Promise.race([...this.executions.values()].map((e) => e.done));
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.mode === "running") {
      this.dispatch();
      const capacity = this.capacity.total;
      const want = capacity - this.held;
      // Claim when a slot would otherwise sit idle, or in batches of at least half the
      // capacity: never one round trip per finished task.
      const starving = this.queue.length === 0 && this.capacity.slotFree;
      if (want <= 0 || this.capacity.storeBacklogFull || (!starving && want < capacity / 2)) {
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
   * running loop, the claim also offers this worker's free run slots to triggers until the
   * next claim (handoff-inbox.ts), and brings back tasks handed over meanwhile whose
   * notification has not arrived (a silently dead LISTEN connection).
   */
  private async claim(limit: number, fromLoop = false): Promise<number> {
    const now = this.clock.now();
    const offer =
      fromLoop && this.mode === "running" ? this.inbox.offer(now, this.capacity.unpromised(this.queue.length)) : undefined;
    const definitionIds = this.deps.definitions.ids();
    const claimed = await this.storage.taskClaim({
      workerId: this.workerId,
      limit,
      now,
      leaseMs: this.options.leaseMs,
      definitionIds,
      // Concurrency limits (docs/flow-control.md): enforced by the store's claim.
      limits: claimLimitsOf(this.deps.definitions, definitionIds),
      handoff: offer,
    });
    let count = 0;
    for (const claim of claimed) {
      if (!claim.handed) count++;
      else if (!this.inbox.firstSight(claim)) continue;
      this.take(claim);
    }
    this.inbox.offerStands(offer, count);
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
      // (a continue that gave up the claim, due now) and given the task to this claim
      // before the write's answer came back. This claim is the next run, not this one's
      // (adopting it would store nothing under it and drop it). If the lease had lapsed
      // instead, the write is fenced out and this claim runs the iteration again.
      if (!inFlight.storing) return this.adopt(inFlight.claim, claim, inFlight.onLost);
      // Renewed from now on (the stored outcome's lease needs no renewal: its write is fenced).
      inFlight.claimedAgain = claim;
      this.leases.hold(leaseOf(claim, () => {
        if (inFlight.claimedAgain === claim) inFlight.claimedAgain = undefined;
      }));
      return;
    }
    // Only a task whose lease we hold can be queued here (rare: its lease lapsed).
    const queued = this.leases.leases.has(claim.task.id) ? this.queue.find((q) => q.task.id === claim.task.id) : undefined;
    if (queued) return this.adopt(queued, claim, () => this.dropQueued(queued));
    if (claim.kind === "hook") {
      this.execute(claim); // hooks take no slot
    } else {
      this.leases.hold(leaseOf(claim, () => this.dropQueued(claim)));
      this.queue.push(claim);
    }
  }

  /**
   * Our own lease lapsed (renewals failed while the store was away) and this worker got
   * the task back: the claim already here carries on under the new lease token instead
   * of a second run starting (which would re-run an iteration or a hook for nothing).
   */
  private adopt(held: ClaimedTask, fresh: ClaimedTask, onLost: OnLost): void {
    held.leaseToken = fresh.leaseToken;
    held.leaseExpiresAt = fresh.leaseExpiresAt;
    this.leases.hold(leaseOf(held, onLost));
  }

  /** Starts queued iterations while slots are free. */
  private dispatch(): void {
    while (this.capacity.slotFree && this.queue.length > 0 && this.takesWork) {
      this.execute(this.queue.shift()!);
    }
  }

  /** A queued claim whose lease was lost or whose task was aborted before it started. */
  private dropQueued(claim: ClaimedTask): void {
    const index = this.queue.indexOf(claim);
    if (index >= 0) this.queue.splice(index, 1);
    this.leases.stopRenewing(claim.task.id);
  }

  /** Gives queued, never-started claims back so other workers can take them at once. */
  private giveBackQueued(): Promise<void> {
    return this.giveBacks.giveBack(this.queue.splice(0), "give back queued claims");
  }

  private waitForWake(ms: number): Promise<void> {
    return this.takesWork ? this.gate.wait(ms) : Promise.resolve();
  }

  private execute(claim: ClaimedTask): void {
    const abort = new LazyAbort();
    const id = claim.task.id;
    const isIteration = claim.kind === "iteration";
    const onLost: OnLost = (state) => abort.abort(state === "aborted" ? USER_ABORT : Errors.leaseLost(id));
    this.leases.hold(leaseOf(claim, onLost));
    const execution: Execution = { claim, abort, onLost, storing: false, done: Promise.resolve() };
    const phases = this.capacity.enter(execution, isIteration);
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
      next = (isIteration ? await this.executor.iterateAndStore(claim, abort, phases) : await this.executor.runOwedHooks(claim)) ?? undefined;
    } catch (error) {
      this.reportError(error, `task ${id}`);
      await this.giveBacks.giveBack([claim], "give back claim");
    }
    phases.ran();
    phases.stored();
    this.leases.stopRenewing(id);
    this.executions.delete(id);
    // Nothing queued here and half the handoff offer used (or none standing): claim
    // again to renew it (a slot wake-up alone would wait for the poll while triggers
    // find the offer spent). With a queue, the loop claims by its own rules.
    if (this.inbox.enabled && this.takesWork && this.queue.length === 0 && this.inbox.offerHalfUsed) this.wake();
    this.gate.slot(); // a claim is let go: the loop may claim again
    // Continue in place: the next iteration is already ours; it runs before anything
    // claimed later. So does a claim of the task that came while the outcome was being
    // stored (take). Not if the task was aborted while this iteration's outcome was
    // being stored: the abort moved the token on, so the kept claim is dropped.
    next = execution.claimedAgain ?? next;
    if (!next || abort.userAborted) return;
    const kept = next;
    this.queue.unshift(kept);
    if (this.takesWork) {
      this.leases.hold(leaseOf(kept, () => this.dropQueued(kept)));
      this.dispatch();
    } else {
      void this.giveBackQueued(); // draining: give the kept claim back (shutdown waits for the write)
    }
  }

  /** A user's abort: what has not started is dropped (the abort moved the lease token on: nothing to give back); what runs is asked to stop. */
  private abortExecution(id: string): void {
    this.inbox.drop(id);
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

/** The lease-keeper entry of a claim; `onLost` says what to stop when it is lost. */
function leaseOf(claim: ClaimedTask, onLost: OnLost): HeldLease {
  return { id: claim.task.id, leaseToken: claim.leaseToken, expiresAt: claim.leaseExpiresAt, onLost };
}

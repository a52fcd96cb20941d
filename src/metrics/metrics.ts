/**
 * Prometheus metrics of one Stint instance (docs/metrics.md), through prom-client.
 *
 * Each instance has a registry of its own (never prom-client's global one), so two Stint
 * instances in one process do not clash, with the default process metrics on it. Counters
 * and histograms are fed by the events workers already emit (`observeWorker`), not by
 * code in the worker loop; `stint_tasks` and `stint_queue_lag_seconds` are read from the
 * store when scraped, through a short cache. Label values are definition ids, statuses,
 * outcomes and hook names: bounded sets, never task ids.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { Clock } from "../domain/clock.js";
import type { StorageAdapter } from "../storage/port/index.js";
import type { WorkerEvents } from "../worker/events.js";
import type { HookName } from "../runner/outcome.js";
import { queueLagSeconds, StoreStatsCache } from "./store-stats.js";
import { TalliedCounter, TalliedHistogram } from "./tallies.js";
import { observeWorkerEvents, type ObservedWorker } from "./worker-observer.js";

/** Options of {@link StintMetrics}. */
export interface StintMetricsOptions {
  storage: StorageAdapter;
  clock: Clock;
  /**
   * How long the store's task counts are reused between scrapes, in seconds.
   * @defaultValue 5
   */
  cacheSeconds?: number;
  /** Told when the store's counts could not be read (the scrape still answers, without them). @defaultValue none */
  onError?: (error: unknown) => void;
}

/** Iteration durations: from 5 ms to the default 15-minute budget. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
/** Trigger to start: from an immediate handoff to tasks delayed by hours. */
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400];

/** The metrics of one Stint instance: `stint.metrics`. */
export class StintMetrics {
  /** This instance's registry: `registry.metrics()` is the exposition text. */
  readonly registry = new Registry();
  /** @internal */
  readonly iterations: TalliedCounter<"definition", "outcome">;
  /** @internal */
  readonly iterationSeconds: TalliedHistogram;
  /** @internal */
  readonly triggerToStart: TalliedHistogram;
  /** @internal */
  readonly takeovers: Counter;
  /** @internal */
  readonly hookFailures: Counter<"hook">;
  private readonly workers = new Set<ObservedWorker>();

  constructor(options: StintMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const stats = new StoreStatsCache(options.storage, options.clock, (options.cacheSeconds ?? 5) * 1000);
    const onError = options.onError ?? (() => {});
    const snapshot = () =>
      stats.get().catch((error: unknown) => {
        onError(error);
        return undefined;
      });

    new Gauge({
      name: "stint_tasks",
      help: "Stored tasks by definition and status (read from the store, cached a few seconds).",
      labelNames: ["definition", "status"] as const,
      registers,
      async collect() {
        const read = await snapshot();
        this.reset();
        for (const row of read?.rows ?? []) this.set({ definition: row.definitionId, status: row.status }, row.count);
      },
    });
    new Gauge({
      name: "stint_queue_lag_seconds",
      help: "How late the oldest task waiting for a claim is, per definition (0 when none waits).",
      labelNames: ["definition"] as const,
      registers,
      async collect() {
        const read = await snapshot();
        this.reset();
        if (read) for (const [definition, seconds] of queueLagSeconds(read)) this.set({ definition }, seconds);
      },
    });
    const workers = this.workers;
    new Gauge({
      name: "stint_worker_slots",
      help: "Run slots of this process's workers: busy (running an iteration or a hook), idle, and claims queued for a slot.",
      labelNames: ["state"] as const,
      registers,
      collect() {
        let busy = 0;
        let idle = 0;
        let queued = 0;
        for (const worker of workers) {
          busy += worker.activeCount;
          idle += Math.max(0, worker.options.concurrency - worker.activeCount);
          queued += worker.queuedCount;
        }
        this.set({ state: "busy" }, busy);
        this.set({ state: "idle" }, idle);
        this.set({ state: "queued" }, queued);
      },
    });
    // Updated at every iteration: tallied, handed to prom-client at scrape (tallies.ts).
    this.iterations = new TalliedCounter({
      name: "stint_iterations_total",
      help: "Iterations ended, by definition and outcome: done, continue, error, aborted, or discarded (not stored: aborted meanwhile, lease lost, or handed back to run again).",
      labelNames: ["definition", "outcome"] as const,
      registers,
    });
    this.iterationSeconds = new TalliedHistogram({
      name: "stint_iteration_duration_seconds",
      help: "Time from an iteration's start to its stored outcome, by definition.",
      labelName: "definition",
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.triggerToStart = new TalliedHistogram({
      name: "stint_trigger_to_start_seconds",
      help: "Time from a task's trigger to the start of its first iteration (delays included), by definition.",
      labelName: "definition",
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.takeovers = new Counter({
      name: "stint_lease_takeovers_total",
      help: "Attempts run again after their worker lost the task (it died, was stopped, or its lease ran out).",
      registers,
    });
    this.hookFailures = new Counter({
      name: "stint_hook_failures_total",
      help: "Terminal hooks that threw or ran out of time, by hook.",
      labelNames: ["hook"] as const,
      registers,
    });
  }

  /**
   * Counts what this worker does from now on and adds its slots to `stint_worker_slots`.
   * `hasRetryPolicy` tells a retry (a new attempt the definition asked for) from a
   * takeover. Returns a function that stops observing it.
   */
  observeWorker(worker: ObservedWorker & { events: WorkerEvents }, hasRetryPolicy: (definitionId: string) => boolean): () => void {
    this.workers.add(worker);
    const stop = observeWorkerEvents(worker.events, this, hasRetryPolicy);
    return () => {
      this.workers.delete(worker);
      stop();
    };
  }

  /** Counts a failed hook run outside workers (an abort's onAbort). */
  hookFailed(hook: HookName): void {
    this.hookFailures.inc({ hook });
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of {@link StintMetrics.text}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

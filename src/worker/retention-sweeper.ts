/**
 * The retention sweep: a worker's collaborator (started and stopped with it, like the
 * schedule ticker) that deletes finished tasks older than their retention, with their
 * logs (docs/run-history.md "Retention and self-cleanup").
 *
 * One sweeper at a time across every process: a round starts only under the store's
 * named lease "retention-sweep" (a compare-and-set on holder + expiry), renewed before
 * every batch. A sweeper that dies stops renewing; another takes over once the lease has
 * expired. The lease is kept between rounds (the holder sweeps again next round) and let
 * go at stop.
 *
 * Cheap per statement: each batch is one transaction over at most `batchSize` tasks, and
 * the sweeper pauses between batches at least `pauseFactor` times the batch's own time,
 * so it holds the store (SQLite has one write lock) a bounded share of the time even on
 * a slow or loaded store: a backlog of a million old tasks drains slowly in the
 * background instead of slowing the workers (docs/benchmarks.md "Retention sweep").
 *
 * Which retention: a definition's own `retention.days` (0 keeps its tasks), else the
 * stored setting (`updateSettings`), else the config's `retention.days`, else 90. A
 * definition this process does not register falls under the stored/configured value.
 */
import { EventEmitter } from "node:events";
import type { Clock } from "../domain/clock.js";
import { DAY_MS } from "../domain/retention.js";
import type { DefinitionRegistry } from "../definition/registry.js";
import type { StorageAdapter } from "../storage/port/index.js";
import { readSettings } from "../service/settings.js";

export const SWEEP_LEASE_NAME = "retention-sweep";

export interface RetentionSweeperOptions {
  storage: StorageAdapter;
  definitions: DefinitionRegistry;
  clock: Clock;
  /** Who holds the lease (the worker's id). */
  holder: string;
  /** The config's `retention.days`. */
  configRetentionDays?: number;
  /** Between rounds. Default 60 s. */
  intervalMs?: number;
  /** Tasks per batch (one transaction). Default 250. */
  batchSize?: number;
  /** The least pause between batches. Default 10 ms. */
  pauseMs?: number;
  /**
   * The pause after a batch is at least this many times the batch's own time, so the
   * sweep holds the store (SQLite: its one write lock) at most 1 / (1 + factor) of the
   * time however slow the store is. Default 9 (a tenth).
   */
  pauseFactor?: number;
  /** The lease's length; renewed before each batch. Default 60 s. */
  leaseMs?: number;
}

/** What a sweeper reports: each batch (with its statement's wall time), each round, errors it carried on after. */
export interface RetentionSweeperEventMap {
  "retention:batch": [{ deleted: number; durationMs: number; definitionIds: readonly string[] | null }];
  "retention:round": [{ deleted: number; batches: number; swept: boolean }];
  "retention:error": [{ error: unknown }];
}

/** One retention class of a round: the tasks it covers and its cutoff. */
interface SweepClass {
  finishedBefore: number;
  definitionIds?: string[];
  excludeDefinitionIds?: string[];
}

/** Deletes expired finished tasks, one process at a time (see the file header). */
export class RetentionSweeper {
  readonly events = new EventEmitter<RetentionSweeperEventMap>();
  private loopPromise: Promise<void> | undefined;
  private stopped = false;
  private sleeping: AbortController | undefined;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly pauseMs: number;
  private readonly pauseFactor: number;
  private readonly leaseMs: number;

  constructor(private readonly options: RetentionSweeperOptions) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.batchSize = options.batchSize ?? 250;
    this.pauseMs = options.pauseMs ?? 10;
    this.pauseFactor = options.pauseFactor ?? 9;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  start(): void {
    if (this.loopPromise || this.stopped) return;
    this.loopPromise = this.loop();
  }

  /** Ends after the batch in flight and lets the lease go. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeping?.abort();
    await this.loopPromise;
    await this.options.storage.leaseRelease({ name: SWEEP_LEASE_NAME, holder: this.options.holder }).catch(() => undefined);
  }

  /**
   * One round: takes (or renews) the lease, then sweeps every retention class until none
   * has anything expired. Returns how many tasks went; `swept` false when another holds
   * the lease.
   */
  async sweepOnce(): Promise<{ deleted: number; batches: number; swept: boolean }> {
    const round = { deleted: 0, batches: 0, swept: false };
    if (!(await this.renew())) return this.reportRound(round);
    round.swept = true;
    for (const sweepClass of await this.classes()) {
      for (;;) {
        if (this.stopped) return this.reportRound(round);
        const started = performance.now();
        const deleted = await this.options.storage.taskSweepFinished({ ...sweepClass, limit: this.batchSize });
        const durationMs = performance.now() - started;
        round.batches += 1;
        round.deleted += deleted;
        if (this.events.listenerCount("retention:batch") > 0) {
          this.events.emit("retention:batch", { deleted, durationMs, definitionIds: sweepClass.definitionIds ?? null });
        }
        if (deleted < this.batchSize) break;
        // Wall time, not the clock's: a breather for the store, not a scheduled time.
        const pause = Math.max(this.pauseMs, durationMs * this.pauseFactor);
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        // Lost the lease (a pause longer than it, a clock jump): another sweeper goes on.
        if (!(await this.renew())) return this.reportRound(round);
      }
    }
    return this.reportRound(round);
  }

  private renew(): Promise<boolean> {
    const { storage, holder, clock } = this.options;
    return storage.leaseAcquire({ name: SWEEP_LEASE_NAME, holder, now: clock.now(), ttlMs: this.leaseMs });
  }

  /** The round's classes: each definition with its own retention, then everything else. */
  private async classes(): Promise<SweepClass[]> {
    const { definitions, clock } = this.options;
    const now = clock.now();
    const overrides = definitions.list({ includePrivate: true }).filter((d) => d.retentionDays !== undefined);
    const classes: SweepClass[] = overrides
      .filter((d) => d.retentionDays! > 0)
      .map((d) => ({ definitionIds: [d.id], finishedBefore: now - d.retentionDays! * DAY_MS }));
    const { retentionDays } = await readSettings(this.options);
    if (retentionDays > 0) {
      classes.push({ finishedBefore: now - retentionDays * DAY_MS, excludeDefinitionIds: overrides.map((d) => d.id) });
    }
    return classes;
  }

  private reportRound(round: { deleted: number; batches: number; swept: boolean }) {
    if (this.events.listenerCount("retention:round") > 0) this.events.emit("retention:round", { ...round });
    return round;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.sweepOnce();
      } catch (error) {
        if (this.events.listenerCount("retention:error") > 0) this.events.emit("retention:error", { error });
      }
      if (this.stopped) return;
      this.sleeping = new AbortController();
      await this.options.clock.sleep(this.intervalMs, this.sleeping.signal);
      this.sleeping = undefined;
    }
  }
}

/**
 * The store's grouped task counts for `stint_tasks` and `stint_queue_lag_seconds`, read
 * at most once per `ttlMs` however often Prometheus scrapes (one grouped read covers
 * both metrics), and never twice at once: concurrent scrapes share the read in flight.
 */
import type { Clock } from "../domain/clock.js";
import type { StorageAdapter, TaskStatsRow } from "../storage/port/index.js";

export interface StoreStatsSnapshot {
  /** When it was read (clock time). */
  at: number;
  rows: TaskStatsRow[];
}

export class StoreStatsCache {
  private snapshot: StoreStatsSnapshot | undefined;
  private reading: Promise<StoreStatsSnapshot> | undefined;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** The cached counts while fresh, else a new read. */
  get(): Promise<StoreStatsSnapshot> {
    const now = this.clock.now();
    if (this.snapshot && now - this.snapshot.at < this.ttlMs) return Promise.resolve(this.snapshot);
    this.reading ??= this.storage
      .taskStats({ now })
      .then((rows) => (this.snapshot = { at: now, rows }))
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}

/** Seconds the oldest task waiting for a claim is late, per definition (0 when none waits). */
export function queueLagSeconds(snapshot: StoreStatsSnapshot): Map<string, number> {
  const lag = new Map<string, number>();
  for (const row of snapshot.rows) {
    const late = row.oldestDueAt === null ? 0 : Math.max(0, (snapshot.at - row.oldestDueAt) / 1000);
    lag.set(row.definitionId, Math.max(lag.get(row.definitionId) ?? 0, late));
  }
  return lag;
}

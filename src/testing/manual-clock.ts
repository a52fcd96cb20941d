import type { Clock } from "../domain/clock.js";

/**
 * A clock that only moves when told to. Sleepers wake when `advance()` passes their
 * deadline, so tests check waits, delays, leases and budgets without sleeping.
 */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: { until: number; resolve: () => void }[] = [];
  private listeners = new Set<() => void>();

  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  /** The clock's current time, in milliseconds since the epoch. */
  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const sleeper = { until: this.current + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  timeout(ms: number, callback: () => void): () => void {
    const stop = new AbortController();
    void this.sleep(ms, stop.signal).then(() => {
      if (!stop.signal.aborted) callback();
    });
    return () => stop.abort();
  }

  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Moves time forward, waking every sleeper whose deadline has passed. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  /** Moves the clock to `time` (never backwards): due timers and sleeps fire. */
  set(time: number | Date): void {
    const next = typeof time === "number" ? time : time.getTime();
    if (next < this.current) throw new Error("ManualClock cannot go backwards");
    this.current = next;
    const due = this.sleepers.filter((s) => s.until <= next);
    this.sleepers = this.sleepers.filter((s) => s.until > next);
    for (const sleeper of due) sleeper.resolve();
    for (const listener of this.listeners) listener();
  }
}

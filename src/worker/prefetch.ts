/**
 * How many claimed tasks a worker keeps queued beyond its running ones. Short iterations
 * want a deep queue (claims in big batches, no idle slot between tasks); long ones want
 * none (a queued task waits behind hours of work while another worker could run it). In
 * "auto" the queue holds about `horizonMs` of work at the observed iteration speed.
 */
export class PrefetchPolicy {
  private averageMs: number | undefined;

  constructor(
    private readonly concurrency: number,
    private readonly setting: number | "auto",
    private readonly maxQueue = 500,
    private readonly horizonMs = 200,
  ) {}

  /** Feeds the duration of one finished iteration (an exponential moving average). */
  record(durationMs: number): void {
    const sample = Math.max(0.01, durationMs);
    this.averageMs = this.averageMs === undefined ? sample : this.averageMs * 0.9 + sample * 0.1;
  }

  /** Tasks to hold queued (not running) at most. */
  target(): number {
    if (this.setting !== "auto") return this.setting;
    if (this.averageMs === undefined) return this.concurrency; // no history yet
    return Math.min(this.maxQueue, Math.floor((this.concurrency * this.horizonMs) / this.averageMs));
  }
}

/**
 * Time as Stint sees it. Everything that schedules (delays, waits, leases, budgets) reads
 * this clock, so tests can move time instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `callback` after `ms` of this clock's time; returns a cancel function. `unref`:
   * the timer alone does not keep the process alive (a budget around user code that may
   * never settle must not hold a process open after the worker and store closed).
   */
  timeout(ms: number, callback: () => void, options?: { unref?: boolean }): () => void;
  /** Calls `listener` whenever the clock jumps (manual clocks); returns an unsubscribe. */
  onAdvance?(listener: () => void): () => void;
}

/** The real clock (`Date.now()` and timers); `createStint` uses it unless given another. */
export const systemClock: Clock = {
  now: () => Date.now(),
  timeout: (ms, callback, options) => {
    const timer = setTimeout(callback, Math.max(0, ms));
    if (options?.unref) timer.unref();
    return () => clearTimeout(timer);
  },
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
    }),
};

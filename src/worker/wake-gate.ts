import type { Clock } from "../domain/clock.js";

/**
 * Where the claim loop sleeps, and what wakes it. Two kinds of wake-up: `work` (a trigger,
 * a continue due now, a notification, the clock jumping: something may be due) and
 * `slot` (a slot or claim freed up: claim again only if something can be due). After a
 * claim came back short the loop knows nothing is due for a while (`quietUntil`), and a
 * slot wake-up alone does not send it back to the store.
 */
export class WakeGate {
  private pending = false;
  private resolveWait: (() => void) | undefined;
  private quietUntil = 0;
  /** Counts work wake-ups, so a "nothing due" learnt by a claim in flight is not stale. */
  private workSignals = 0;

  constructor(private readonly clock: Clock) {}

  work(): void {
    this.quietUntil = 0;
    this.workSignals++;
    this.slot();
  }

  slot(): void {
    this.pending = true;
    const resolve = this.resolveWait;
    this.resolveWait = undefined;
    resolve?.();
  }

  /** A marker to pass to `quietFor` after asking the store. */
  mark(): number {
    this.pending = false;
    return this.workSignals;
  }

  /** Nothing is due for `ms`, unless a work wake-up came since `mark`. */
  quietFor(ms: number, mark: number): void {
    if (this.workSignals === mark) this.quietUntil = this.clock.now() + ms;
  }

  /** How long the loop may still skip the store (0 when it should look). */
  quietRemaining(): number {
    return Math.max(0, this.quietUntil - this.clock.now());
  }

  /** Resolves after `ms` of clock time, or at the next wake-up (at once if one is pending). */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    // A plain timer, not clock.sleep with an AbortSignal: the loop waits here once per
    // claim, and an AbortController per wait (plus the DOMException its abort() makes)
    // showed in the worker's CPU profile.
    return new Promise<void>((resolve) => {
      const wake = () => {
        cancel();
        this.resolveWait = undefined;
        this.pending = false;
        resolve();
      };
      const cancel = this.clock.timeout(ms, wake);
      this.resolveWait = wake;
    });
  }
}

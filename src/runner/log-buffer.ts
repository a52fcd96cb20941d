import type { LogItem } from "../domain/log.js";
import { replaceNul } from "../domain/nul.js";
import type { StorageAdapter } from "../storage/port/index.js";
import type { Clock } from "../domain/clock.js";

/**
 * Collects the log items of one iteration attempt. Items go to the store with the
 * iteration's end (same transaction); a long iteration also flushes them every
 * `flushIntervalMs` so operators see them live and a crash keeps what was written.
 */
export class LogBuffer {
  private pending: LogItem[] = [];
  /** The flush in flight (writes are chained, never concurrent); none until the first. */
  private flushing: Promise<void> | undefined;
  /** Started by the first item: an iteration that logs nothing sets no timer. */
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      storage: StorageAdapter;
      taskId: string;
      iteration: number;
      attempt: number;
      executionName: string;
      enabled: boolean;
      clock: Clock;
      /** While the iteration runs, pending items are written this often. */
      flushIntervalMs: number;
      /**
       * The iteration's claim: flushes are fenced with its token (read at each flush: a
       * re-claim by this worker renews it), so none lands after an abort's message.
       */
      lease?: { readonly leaseToken: number };
    },
  ) {}

  add(item: Omit<LogItem, "createdOn" | "attempt">): void {
    if (!this.options.enabled) return;
    // NUL characters cannot be stored by PostgreSQL: replaced, so both stores keep the same.
    // Field by field: most items are a type and a message, with nothing to encode.
    const stored: LogItem = { type: item.type, message: replaceNul(item.message), createdOn: new Date(this.options.clock.now()), attempt: this.options.attempt };
    if (item.data !== undefined) stored.data = replaceNul(item.data);
    if (item.error !== undefined) stored.error = replaceNul(item.error);
    this.pending.push(stored);
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  private closed = false;

  get size(): number {
    return this.pending.length;
  }

  /** Writes what is pending now; errors are swallowed (items stay for the final write). */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.flushing ?? Promise.resolve();
    const items = this.pending;
    this.pending = [];
    this.flushing = (this.flushing ?? Promise.resolve()).then(() =>
      this.options.storage
        .logAppend({
          taskId: this.options.taskId,
          iteration: this.options.iteration,
          executionName: this.options.executionName,
          now: this.options.clock.now(),
          items,
          ...(this.options.lease ? { leaseToken: this.options.lease.leaseToken } : {}),
        })
        .catch(() => {
          this.pending = items.concat(this.pending);
        }),
    );
    return this.flushing;
  }

  /**
   * Adds the iteration's last items (its outcome's, e.g. "Task done.") and hands back
   * everything not yet written, for the iteration's final transaction. Waits for a flush
   * in flight. Closed first, so those last items start no flush timer.
   */
  async drain(last: readonly Omit<LogItem, "createdOn" | "attempt">[] = []): Promise<LogItem[]> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.flushing) await this.flushing;
    // The outcome's items strictly last, after whatever run() logged while that flush was
    // in flight: a store that fences the outcome out drops the last `last.length` items
    // (TaskFinishParams.outcomeLogItems), which must be the outcome's, not run()'s.
    for (const item of last) this.add(item);
    const items = this.pending;
    this.pending = [];
    return items;
  }
}

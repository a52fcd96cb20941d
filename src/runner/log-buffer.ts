import type { LogItem } from "../domain/log.js";
import type { StorageAdapter } from "../storage/port/index.js";

/**
 * Collects the log items of one iteration attempt. Items go to the store with the
 * iteration's end (same transaction); a long iteration also flushes them every
 * `flushIntervalMs` so operators see them live and a crash keeps what was written.
 */
export class LogBuffer {
  private pending: LogItem[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      storage: StorageAdapter;
      taskId: string;
      iteration: number;
      attempt: number;
      executionName: string;
      enabled: boolean;
      now: () => number;
    },
  ) {}

  add(item: Omit<LogItem, "createdOn" | "attempt">): void {
    if (!this.options.enabled) return;
    this.pending.push({ ...item, createdOn: new Date(this.options.now()), attempt: this.options.attempt });
  }

  get size(): number {
    return this.pending.length;
  }

  /** Writes what is pending now; errors are swallowed (items stay for the final write). */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.flushing;
    const items = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() =>
      this.options.storage
        .logAppend({
          taskId: this.options.taskId,
          iteration: this.options.iteration,
          executionName: this.options.executionName,
          now: this.options.now(),
          items,
        })
        .catch(() => {
          this.pending = items.concat(this.pending);
        }),
    );
    return this.flushing;
  }

  /** The items not yet written, for the iteration's final transaction. Waits for a flush in flight. */
  async drain(): Promise<LogItem[]> {
    await this.flushing;
    const items = this.pending;
    this.pending = [];
    return items;
  }
}

import type { StorageAdapter, TaskFinishParams, TaskFinishResult } from "../storage/port/index.js";
import { retryTransient } from "./transient.js";

/**
 * Stores iteration ends in batches: everything that finished while the previous batch
 * was being written goes in the next single transaction. With one finish pending and no
 * write in flight it is written on the next tick, so an idle worker adds no latency.
 */
export class CompletionBatcher {
  private queue: { params: TaskFinishParams; resolve: (r: TaskFinishResult) => void; reject: (e: unknown) => void }[] = [];
  private writing = false;
  private scheduled = false;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly maxBatch = 500,
    private readonly retryDelayMs = (attempt: number) => Math.min(5000, 100 * 2 ** attempt),
    private readonly onWriteError: (error: unknown) => void = () => {},
  ) {}

  finish(params: TaskFinishParams): Promise<TaskFinishResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ params, resolve, reject });
      this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length + (this.writing ? 1 : 0);
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.write();
    });
  }

  private async write(): Promise<void> {
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    // An outcome is never dropped because the store blinked: retry with backoff while the
    // store is away (the lease keeps the task ours meanwhile, or fences us out).
    try {
      const results = await retryTransient(() => this.storage.taskFinishMany(batch.map((b) => b.params)), {
        delayMs: this.retryDelayMs,
        onError: this.onWriteError,
      });
      const byId = new Map(results.map((r) => [r.id, r]));
      for (const item of batch) {
        item.resolve(byId.get(item.params.id) ?? { id: item.params.id, applied: false, task: null });
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
    this.writing = false;
    if (this.queue.length > 0) this.schedule();
  }
}

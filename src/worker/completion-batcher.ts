import type { StorageAdapter, TaskFinishParams, TaskFinishResult } from "../storage/port/index.js";
import { retryTransient } from "./transient.js";

/** One write's worth of finishes: every caller awaits the same promise and picks its own result. */
interface Batch {
  params: TaskFinishParams[];
  done: Promise<Map<string, TaskFinishResult>>;
  resolve(results: Map<string, TaskFinishResult>): void;
  reject(error: unknown): void;
}

/**
 * Stores iteration ends in batches: everything that finished while the previous batch
 * was being written goes in the next single transaction. With one finish pending and no
 * write in flight it is written on the next tick, so an idle worker adds no latency.
 *
 * A batch has one promise that all its callers await (not one per finish: with hundreds
 * of tasks per batch, a promise, an executor and two resolvers each were garbage the
 * scavenger copied while the batch was in flight).
 */
export class CompletionBatcher {
  /** Batches not yet written, oldest first; each holds at most `maxBatch` finishes. */
  private waiting: Batch[] = [];
  private writing = false;
  private scheduled = false;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly maxBatch = 500,
    private readonly retryDelayMs = (attempt: number) => Math.min(5000, 100 * 2 ** attempt),
    private readonly onWriteError: (error: unknown) => void = () => {},
  ) {}

  async finish(params: TaskFinishParams): Promise<TaskFinishResult> {
    let batch = this.waiting.at(-1);
    if (!batch || batch.params.length >= this.maxBatch) {
      batch = newBatch();
      this.waiting.push(batch);
    }
    batch.params.push(params);
    this.schedule();
    const results = await batch.done;
    return results.get(params.id) ?? { id: params.id, applied: false, task: null };
  }

  get pending(): number {
    let count = this.writing ? 1 : 0;
    for (const batch of this.waiting) count += batch.params.length;
    return count;
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
    if (this.writing) return;
    const batch = this.waiting.shift();
    if (!batch) return;
    this.writing = true;
    // An outcome is never dropped because the store blinked: retry with backoff while the
    // store is away (the lease keeps the task ours meanwhile, or fences us out).
    try {
      const results = await retryTransient(() => this.storage.taskFinishMany(batch.params), {
        delayMs: this.retryDelayMs,
        onError: this.onWriteError,
      });
      batch.resolve(new Map(results.map((r) => [r.id, r])));
    } catch (error) {
      batch.reject(error);
    }
    this.writing = false;
    if (this.waiting.length > 0) this.schedule();
  }
}

function newBatch(): Batch {
  let resolve!: Batch["resolve"];
  let reject!: Batch["reject"];
  const done = new Promise<Map<string, TaskFinishResult>>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch whose write fails rejects every caller; none may be left unhandled.
  done.catch(() => undefined);
  return { params: [], done, resolve, reject };
}

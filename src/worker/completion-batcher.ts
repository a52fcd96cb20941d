import type { StorageAdapter, TaskFinishParams, TaskFinishResult } from "../storage/port/index.js";
import { isValueRefusedError, retryTransient } from "./transient.js";

/** A finish that was not stored, and why (its caller's promise rejects with `error`). */
class NotStored {
  constructor(readonly error: unknown) {}
}

type Results = Map<string, TaskFinishResult | NotStored>;

/** One write's worth of finishes: every caller awaits the same promise and picks its own result. */
interface Batch {
  params: TaskFinishParams[];
  done: Promise<Results>;
  resolve(results: Results): void;
}

/**
 * Stores iteration ends in batches: everything that finished while the previous batch
 * was being written goes in the next single transaction. With one finish pending and no
 * write in flight it is written on the next tick, so an idle worker adds no latency.
 *
 * A batch has one promise that all its callers await (not one per finish: with hundreds
 * of tasks per batch, a promise, an executor and two resolvers each were garbage the
 * scavenger copied while the batch was in flight).
 *
 * One finish whose values the store refuses (STORAGE_VALUE_REFUSED: its data, not the
 * store's state) must not take its neighbours down with it: the batch is written again in
 * halves, and so on, until the refused finishes stand alone (1 + 2·log2(n) statements for
 * one among n; none extra when nothing is refused). Only their callers get the error;
 * the worker then stores a failure for those tasks instead.
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
    const result = (await batch.done).get(params.id);
    if (result instanceof NotStored) throw result.error;
    return result ?? { id: params.id, applied: false, task: null };
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
    const results: Results = new Map();
    await this.store(batch.params, results);
    batch.resolve(results);
    this.writing = false;
    if (this.waiting.length > 0) this.schedule();
  }

  /** Writes `params` in one call; after a refused value, each half on its own. Never rejects. */
  private async store(params: readonly TaskFinishParams[], results: Results): Promise<void> {
    try {
      // An outcome is never dropped because the store blinked: retry with backoff while the
      // store is away (the lease keeps the task ours meanwhile, or fences us out).
      const stored = await retryTransient(() => this.storage.taskFinishMany({ finishes: params }), {
        delayMs: this.retryDelayMs,
        onError: this.onWriteError,
      });
      for (const result of stored) results.set(result.id, result);
    } catch (error) {
      // A write is all or nothing (one statement, or one transaction): nothing of it stayed.
      if (params.length > 1 && isValueRefusedError(error)) {
        const half = Math.ceil(params.length / 2);
        await this.store(params.slice(0, half), results);
        await this.store(params.slice(half), results);
        return;
      }
      const failed = new NotStored(error);
      for (const p of params) results.set(p.id, failed);
    }
  }
}

function newBatch(): Batch {
  let resolve!: Batch["resolve"];
  const done = new Promise<Results>((res) => {
    resolve = res;
  });
  return { params: [], done, resolve };
}

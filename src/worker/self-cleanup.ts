/**
 * Self-cleanup (Webiny 6.3 `selfCleanup: true`): once a task of such a definition has
 * succeeded and its `onDone` ran (and was confirmed), the worker deletes it, its logs and
 * its finished child tasks. Failed and aborted tasks are kept.
 *
 * Batched like the finishes: every id handed in while a delete is in flight goes in the
 * next single `taskDeleteFinishedTrees` call (one transaction). A delete that fails is
 * reported and not retried: the task is then an ordinary finished task, and the
 * retention sweep removes it in time.
 */
import type { StorageAdapter } from "../storage/port/index.js";

const MAX_BATCH = 500;

export class SelfCleanup {
  private waiting: string[] = [];
  private waiters: (() => void)[] = [];
  private writing = false;
  private scheduled = false;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Deletes the task's tree with the next batch; resolves once that batch was written (or failed). Never rejects. */
  delete(id: string): Promise<void> {
    this.waiting.push(id);
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.schedule();
    return done;
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
    if (this.writing || this.waiting.length === 0) return;
    this.writing = true;
    const ids = this.waiting.splice(0, MAX_BATCH);
    const waiters = this.waiters.splice(0, ids.length);
    try {
      await this.storage.taskDeleteFinishedTrees({ ids });
    } catch (error) {
      this.onError(error);
    }
    for (const resolve of waiters) resolve();
    this.writing = false;
    if (this.waiting.length > 0) this.schedule();
  }
}

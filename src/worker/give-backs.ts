/**
 * Giving claims back to the store ("give back" and "abandon" in worker.ts's vocabulary),
 * in one place: a claim given back stops being renewed first, and shutdown must wait for
 * every such write before the store closes.
 */
import type { Clock } from "../domain/clock.js";
import type { AnyTaskDefinition } from "../definition/types.js";
import type { ClaimedTask, StorageAdapter } from "../storage/port/index.js";
import type { IterationResult } from "../runner/run-iteration.js";
import type { LeaseKeeper } from "./lease-keeper.js";
import { retryTransient } from "./transient.js";

export interface GiveBacksOptions {
  storage: StorageAdapter;
  clock: Clock;
  leases: LeaseKeeper;
  /** Written into the log note of a stopped attempt. */
  workerId: string;
  onError(error: unknown, during: string): void;
}

/** Gives claims back to the store and remembers the writes, so shutdown can wait for them. */
export class GiveBacks {
  /** Writes in flight; shutdown waits for them before the store closes. */
  private readonly writes = new Set<Promise<void>>();
  /** Tasks abandoned at shutdown whose run() or hooks had not ended: nothing of them is stored. */
  private readonly abandoned = new Set<string>();

  constructor(private readonly options: GiveBacksOptions) {}

  /**
   * Gives claims back unrun. The keeper stops renewing them first, and the store moves their
   * token on, so no renewal can extend what is given back. `retry`: through a store blink
   * (a stopped attempt that must run again). Never rejects: a failed write is reported and
   * the lease lapses instead.
   */
  giveBack(claims: readonly ClaimedTask[], during: string, retry = false): Promise<void> {
    if (claims.length === 0) return Promise.resolve();
    for (const claim of claims) this.options.leases.stopRenewing(claim.task.id);
    return this.track(this.write(claims, during, retry));
  }

  /**
   * Gives back an attempt this worker stopped (shutdown, or its lease lost), so any worker
   * re-runs it, then keeps what run() logged; shutdown waits for both writes. The claim
   * first: it is what lets the task run again at once (otherwise it waits for the lease to
   * lapse). Both are retried through a store blink.
   */
  giveBackStopped(claim: ClaimedTask, definition: AnyTaskDefinition, result: IterationResult, shutdown: boolean): Promise<void> {
    this.options.leases.stopRenewing(claim.task.id);
    return this.track(this.writeStopped(claim, definition, result, shutdown));
  }

  /** Gives back claims whose run() or hooks are still going; what they produce later is not stored. */
  abandon(claims: readonly ClaimedTask[]): Promise<void> {
    for (const claim of claims) this.abandoned.add(claim.task.id);
    return this.giveBack(claims, "abandon claims");
  }

  /** True once for a task abandoned while it ran (the mark is cleared): store nothing of it. */
  wasAbandoned(id: string): boolean {
    return this.abandoned.delete(id);
  }

  /** Resolves when every give-back started so far has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.writes);
  }

  private track(write: Promise<void>): Promise<void> {
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
    return write;
  }

  private async write(claims: readonly ClaimedTask[], during: string, retry: boolean): Promise<void> {
    const { storage, clock } = this.options;
    // Tokens read now: a re-claim by this worker may have renewed them.
    const write = () => storage.taskReleaseLeases({ leases: claims.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken })), now: clock.now() });
    const report = (error: unknown) => this.options.onError(error, during);
    await (retry ? retryTransient(write, { onError: report }).catch(() => undefined) : write().catch(report));
  }

  private async writeStopped(claim: ClaimedTask, definition: AnyTaskDefinition, result: IterationResult, shutdown: boolean): Promise<void> {
    const { task } = claim;
    await this.write([claim], "give back a stopped attempt", true);
    if (!definition.databaseLogs) return;
    const now = this.options.clock.now();
    // What run() logged itself; the outcome's own items (its "error", "Task aborted.") describe a fate not stored.
    const logged = result.logItems.slice(0, Math.max(0, result.logItems.length - result.outcome.logItems.length));
    const note = shutdown ? "The worker stopped before this attempt ended: it runs again." : "The worker lost the task's lease: the attempt runs again.";
    const items = [...logged, { type: "info" as const, message: note, createdOn: new Date(now), attempt: task.attempt }];
    const { storage, workerId } = this.options;
    await retryTransient(() => storage.logAppend({ taskId: task.id, iteration: task.iterations, executionName: workerId, now, items }), {
      onError: (error) => this.options.onError(error, "log a given-back attempt"),
    }).catch(() => undefined);
  }
}

/**
 * The retention operations of the storage port: the stored settings every process reads
 * (`retentionDays`), named leases for jobs at most one process runs at a time (the
 * sweep), the sweep's batch delete and self-cleanup's delete of a finished task's tree.
 *
 * Deletes here only ever touch finished tasks (success, failed, aborted) whose terminal
 * hooks were confirmed (`hook_pending` off): a worker may still owe a hook to any other.
 * Each call is one transaction over at most `limit` tasks, so no call holds its locks for
 * long; callers loop.
 */

/** What the store holds of the settings: null for a value never set. */
export interface StoredSettings {
  retentionDays: number | null;
}

export interface SettingsUpdateParams {
  /** A whole number of days, 0 to 3650 (checked by the service; the store refuses others too). */
  retentionDays: number;
  now: number;
}

export interface LeaseAcquireParams {
  /** The job's name, e.g. "retention-sweep". */
  name: string;
  /** Who asks (a worker id). */
  holder: string;
  now: number;
  /** The lease runs until `now + ttlMs`; the holder renews by acquiring again. */
  ttlMs: number;
}

export interface LeaseReleaseParams {
  name: string;
  holder: string;
}

export interface TaskSweepFinishedParams {
  /** Tasks that finished before this time (and were created before it) go. */
  finishedBefore: number;
  /** Only tasks of these definitions (a per-definition retention). */
  definitionIds?: readonly string[];
  /** No task of these definitions (they have a retention of their own). */
  excludeDefinitionIds?: readonly string[];
  /** At most this many tasks in this call. */
  limit: number;
}

export interface TaskDeleteFinishedTreesParams {
  /** The roots: finished tasks whose finished descendants go with them. */
  ids: readonly string[];
}

/** Retention operations every adapter implements (src/testing/contract/retention.contract.ts). */
export interface RetentionStorage {
  /** The stored settings (nulls when never set). */
  settingsGet(): Promise<StoredSettings>;
  /** Stores `retentionDays` (every process reads it from here); returns what is stored now. */
  settingsUpdate(params: SettingsUpdateParams): Promise<StoredSettings>;
  /**
   * Takes or renews the named lease by compare-and-set: true when `holder` has it until
   * `now + ttlMs` (it was free, expired, or already the holder's); false while another
   * holder's lease runs.
   */
  leaseAcquire(params: LeaseAcquireParams): Promise<boolean>;
  /** Lets the lease go when `holder` has it (another may take it at once); a no-op otherwise. */
  leaseRelease(params: LeaseReleaseParams): Promise<void>;
  /**
   * Deletes up to `limit` finished tasks that finished before `finishedBefore`, with their
   * log records and items, in one transaction; returns how many went (fewer than `limit`:
   * nothing more to do). Children are not followed: each task goes on its own finish time.
   */
  taskSweepFinished(params: TaskSweepFinishedParams): Promise<number>;
  /**
   * Self-cleanup: deletes each root that is finished, and its finished descendants reached
   * through finished tasks, with their logs, in one transaction. An unfinished descendant
   * (pending or running) and everything under it stay: deleting work in flight is an abort.
   * Returns how many tasks went.
   */
  taskDeleteFinishedTrees(params: TaskDeleteFinishedTreesParams): Promise<number>;
}

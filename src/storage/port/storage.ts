/**
 * THE storage port: the task operations Stint needs from a durable store, and nothing else.
 *
 * What it owns: task rows (create, claim with a lease, renew, finish an iteration, abort,
 * list, delete), log records (append-only items) and cross-process wake-ups.
 *
 * What stays out, on purpose: definitions, hooks, validation, clocks and retry policy
 * (the runner and service decide those and pass plain values in), SQL dialects and
 * connections (adapters), and any notion of "current time" (every write takes `now`).
 *
 * Rules every adapter keeps (the contract suite checks them):
 * - A claim hands each due task to exactly one worker, with a lease token that every
 *   later write of that claim must present; a claim whose lease expired can be taken
 *   over, and the token changes so the old holder's writes do nothing.
 * - A terminal status is written at most once; `taskAbort` on a pending/running task
 *   always wins over a later finish.
 * - `taskFinish` writes the outcome, the checkpoint, the counters, the lease release and
 *   the iteration's log items in one transaction; batches are one transaction too.
 * - Log items are appended, never replaced.
 */
import type {
  ClaimedTask,
  ListResult,
  LogAppendParams,
  LogListParams,
  StorageCapabilities,
  StorageEvent,
  TaskAbortManyParams,
  TaskAbortManyResult,
  TaskAbortParams,
  TaskAbortResult,
  TaskClaimParams,
  TaskCreateManyParams,
  TaskCreateOrGetParams,
  TaskCreateOrGetResult,
  TaskDeleteManyParams,
  TaskDeleteParams,
  TaskFindByKeyParams,
  TaskFinishManyParams,
  TaskFinishResult,
  TaskGetManyParams,
  TaskGetParams,
  TaskHooksDoneParams,
  TaskListParams,
  TaskNextDueAtParams,
  TaskReleaseLeasesParams,
  TaskRenewLeasesParams,
  TaskRenewLeasesResult,
  TaskSubtreeParams,
  TaskSubtreeRow,
  TaskUpdateParams,
  TaskWithdrawHandoffParams,
} from "./types.js";
import type { TaskStatsParams, TaskStatsRow, WorkerListParams, WorkerRecord, WorkerUnregisterParams } from "./observability.js";
import type { Task } from "../../domain/task.js";
import type { TaskLog } from "../../domain/log.js";
import type { ScheduleStorage } from "./schedules.js";
import type { RetentionStorage } from "./retention.js";

/** What `watchAborts` needs from the worker. */
export interface AbortWatchOptions {
  /** The leases held now (read at each check). */
  held(): Iterable<{ readonly id: string; readonly leaseToken: number }>;
  onAborted(id: string): void;
}

export interface AbortWatch {
  /** On while the worker holds tasks (a timer runs), off when it holds none. */
  active(on: boolean): void;
  stop(): void;
}

/** What one `migrate()` call did. */
export interface MigrateResult {
  /** The migrations this call applied, in order; empty when there was nothing to do. */
  applied: { version: number; name: string }[];
  /**
   * The store's schema version after the call: this Stint's newest migration, or a newer
   * Stint's already recorded there (PostgreSQL; SQLite refuses a schema newer than it knows).
   */
  version: number;
}

/** The storage port: everything Stint stores goes through it. `stint/sqlite` and `stint/postgres` implement it; the contract suite (`runStorageContract` in `stint/testing`, src/testing/contract) says what each method guarantees. */
export interface StorageAdapter extends ScheduleStorage, RetentionStorage {
  readonly name: "sqlite" | "postgres";
  readonly capabilities: StorageCapabilities;

  /**
   * Applies pending migrations; safe when several processes call it at once. Says what
   * this call applied (nothing when the store was current, or another process got there
   * first) and the version the store is at now.
   */
  migrate(): Promise<MigrateResult>;
  /**
   * The newest migration recorded in the store, or null when it holds no Stint tables
   * (nothing was ever migrated there). Reads only: for callers that must not create a
   * store where they expected one (a mistyped path or schema).
   */
  storedVersion(): Promise<number | null>;
  /** Cheap round trip, for health checks. Throws when the store is unreachable. */
  ping(): Promise<void>;
  /** Closes the store's connections; further calls fail. */
  close(): Promise<void>;

  /** Inserts `tasks` in one transaction (all or nothing) and returns them as stored. */
  taskCreateMany(params: TaskCreateManyParams): Promise<Task[]>;
  /**
   * Flow control: inserts `tasks` in one transaction, except that a task whose
   * `idempotencyKey` is held by a stored task of its definition is not inserted and that
   * task is returned (`created: false`). Race-safe: of concurrent calls with one key,
   * exactly one stores a task. Results are in the order of `tasks`.
   */
  taskCreateOrGet(params: TaskCreateOrGetParams): Promise<TaskCreateOrGetResult[]>;
  /** Flow control: the task holding an idempotency key, or null (a cheap read, before any hook runs). */
  taskFindByIdempotencyKey(params: TaskFindByKeyParams): Promise<Task | null>;
  /** The task, or null when no task has this id. `fields` and `budget`: what to read (`TaskReadOptions`); default every field. */
  taskGet(params: TaskGetParams): Promise<Task | null>;
  /** The tasks of these ids that exist (`fields` and `budget` as for taskGet). */
  taskGetMany(params: TaskGetManyParams): Promise<Task[]>;
  /** A page of tasks (filters, sort and cursor already checked by the TaskService). */
  taskList(params: TaskListParams): Promise<ListResult<Task>>;
  /** Deletes the task and its logs; false when it did not exist. */
  taskDelete(params: TaskDeleteParams): Promise<boolean>;
  /** Deletes the tasks (with `subtree`, their descendants too) and their logs in one transaction; the ids deleted. */
  taskDeleteMany(params: TaskDeleteManyParams): Promise<string[]>;
  /** The tasks of these ids that exist (with `subtree`, and every descendant): id, definition and status only. */
  taskSubtree(params: TaskSubtreeParams): Promise<TaskSubtreeRow[]>;

  /** Claims up to `limit` due tasks (oldest due first) for one worker. */
  taskClaim(params: TaskClaimParams): Promise<ClaimedTask[]>;
  /** Renews every listed lease in one statement; reports leases lost or aborted. */
  taskRenewLeases(params: TaskRenewLeasesParams): Promise<TaskRenewLeasesResult>;
  /** Gives claims back unrun (graceful shutdown): the tasks are due again at once. */
  taskReleaseLeases(params: TaskReleaseLeasesParams): Promise<void>;
  /** Ends iterations (`finishes`), one transaction for the whole batch; one result per finish, in order. */
  taskFinishMany(params: TaskFinishManyParams): Promise<TaskFinishResult[]>;
  /** Confirms terminal hooks ran: releases the claims kept by `hookLeaseMs`. */
  taskHooksDone(params: TaskHooksDoneParams): Promise<void>;
  /** Fenced partial write during an iteration; false when the lease is no longer held. */
  taskUpdate(params: TaskUpdateParams): Promise<boolean>;
  /** Aborts a pending or running task (conditionally: abort wins, exactly once). */
  taskAbort(params: TaskAbortParams): Promise<TaskAbortResult>;
  /** Aborts many tasks (with `subtree`, their unfinished descendants too) as `taskAbort` does each, in one transaction. */
  taskAbortMany(params: TaskAbortManyParams): Promise<TaskAbortManyResult>;
  /**
   * Withdraws the worker's handoff slot (`TaskClaimParams.handoff`): no trigger hands it
   * anything after this resolves. Returns the tasks handed over since its last claim that
   * are still its own (their notifications may be late or lost), so a stopping worker
   * can give back the ones it never got. Empty without `supportsHandoff`.
   */
  taskWithdrawHandoff(params: TaskWithdrawHandoffParams): Promise<ClaimedTask[]>;
  /** Earliest time any task of these definitions becomes claimable, or null if none. */
  taskNextDueAt(params: TaskNextDueAtParams): Promise<number | null>;

  /**
   * Stored tasks counted by definition and status in one grouped read, with the oldest
   * due time of the pending tasks due at `now` (the metrics' `stint_tasks` and
   * `stint_queue_lag_seconds`). Cost grows with the table: callers cache it.
   */
  taskStats(params: TaskStatsParams): Promise<TaskStatsRow[]>;

  /** The registered workers not yet forgotten at `now`, oldest start first (registered by `taskRenewLeases`' `beat`). */
  workerList(params: WorkerListParams): Promise<WorkerRecord[]>;
  /** Removes a worker's registration (a clean stop); false when it had none. */
  workerUnregister(params: WorkerUnregisterParams): Promise<boolean>;

  /** Appends log items to the task's log record of `iteration` (created on first use). */
  logAppend(params: LogAppendParams): Promise<void>;
  /** A page of iteration logs. */
  logList(params: LogListParams): Promise<ListResult<TaskLog>>;

  /**
   * Optional: watches the tasks a worker holds for aborts by other processes, for stores
   * without `supportsNotify` (SQLite). `held()` gives the leases held now; `onAborted` is
   * called (possibly more than once) for each held task another process aborted since its
   * claim. The watch costs nothing until `active(true)`: the worker turns it on only while
   * it holds tasks. Aborts by the same connection come through the in-process signals.
   */
  watchAborts?(options: AbortWatchOptions): AbortWatch;

  /**
   * Cross-process signals (capability `supportsNotify`): `publish` is sent by writers,
   * `subscribe` delivers them to this process. Adapters without it make both no-ops.
   */
  publish(event: StorageEvent): Promise<void>;
  /** Delivers published events to `listener`; returns an unsubscribe. */
  subscribe(listener: (event: StorageEvent) => void): () => void;
}

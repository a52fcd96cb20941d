/**
 * The TaskService contract: the one place use cases live. GraphQL and the CLI call these
 * methods and nothing below them. Arguments arrive untrusted (GraphQL, CLI, user code);
 * every method validates them and answers bad input with a StintError, changing nothing.
 */
import type { Identity, TaskInput, TaskStatus } from "../domain/task.js";
import type { TaskRecord } from "../domain/task-record.js";
import type { TaskLogRecord } from "../domain/log-record.js";
import type { AnyTaskDefinition, TaskDefinitionHandle } from "../definition/types.js";
import type { ReadOptions } from "./read-options.js";
import type { WorkerInfo } from "../domain/worker.js";

/** What to trigger: a definition, its input, and optionally a name, a delay and a parent task. */
export interface TriggerParams<I = TaskInput> {
  /** A definition id, or a typed definition handle (then `input` is type-checked). */
  definition: string | TaskDefinitionHandle<I, any>;
  input?: I;
  name?: string;
  /** Seconds before the first iteration may start; under 355 days. 0 or negative: none (as Webiny). */
  delay?: number;
  parent?: { id: string } | string;
  /** Stint (flow control): higher is claimed first among due tasks. An integer, default 0. */
  priority?: number;
  /**
   * Stint (flow control): while a task of this definition with this key exists (and was
   * created within `idempotencyKeyTtlSeconds`, when given), the trigger returns that task
   * instead of storing another. 1 to 255 characters.
   */
  idempotencyKey?: string;
  /** Stint (flow control): how long the key counts, in seconds from the task's creation. Default: as long as the task exists. */
  idempotencyKeyTtlSeconds?: number;
  /** Stint (flow control): the group the definition's concurrency limit counts this task in, instead of its `concurrency.key(input)`. */
  concurrencyKey?: string;
}

/** Which task to abort, and the message stored with the abort. */
export interface AbortParams {
  id: string;
  message?: string;
  /** Also abort its unfinished descendants (children of children too), each one's onAbort run once. Default true. */
  children?: boolean;
}

/** What a bulk action acts on: the tasks `where` matches (as listTasks filters), at most `limit`. */
export interface BulkParams {
  /** listTasks' filters; at least one (an empty where is refused: INVALID_ARGUMENT). */
  where: ListWhere;
  /** At most this many matching tasks (a whole number, 1 or more); default every match. */
  limit?: number;
  /** Count the matching tasks only; nothing is written. */
  dryRun?: boolean;
}

/** `abortMany`: the bulk abort of the pending and running tasks `where` matches. */
export interface AbortManyParams extends BulkParams {
  message?: string;
  /** Also abort each one's unfinished descendants. Default true. */
  children?: boolean;
}

/** `deleteMany`: the bulk delete of the tasks `where` matches. */
export interface DeleteManyParams extends BulkParams {
  /** Also delete each one's descendants (children of children too). Default false. */
  children?: boolean;
}

/** `deleteTask`'s options. */
export interface DeleteOptions {
  /** Also delete its descendants (children of children too), aborting unfinished ones first. Default false. */
  children?: boolean;
}

/** What a bulk action did: how many tasks it acted on (or, in a dry run, would act on). */
export interface BulkResult {
  count: number;
  dryRun: boolean;
}

/** Which input a re-run starts from: the input as first triggered, or the stored checkpoint. */
export type RerunFrom = "start" | "checkpoint";

/** Which finished task to run again, and from which input (docs/run-history.md "Re-run"). */
export interface RerunParams {
  id: string;
  /** `"start"` (default): the input as first triggered; `"checkpoint"`: the input as stored now. */
  from?: RerunFrom;
}

/** The finished tasks to run again: every one matching `where` (the filters of listTasks), at most `limit`. */
export interface RerunManyParams {
  /** The filters of listTasks; required and not empty. Only finished tasks (success, failed, aborted) match. */
  where: ListWhere;
  /** At most this many tasks (a positive integer). Default: every matching one. */
  limit?: number;
  /** true: count the matching tasks, store nothing. */
  dryRun?: boolean;
  from?: RerunFrom;
}

/**
 * Webiny-style `where`: `{ taskStatus: "running", iterations_gt: 2, createdOn_lt: "..." }`.
 * Field and operator names are those of WEBINY-COMPAT "Lists".
 */
export type ListWhere = Record<string, unknown>;

/** Filter, sort and page of a task list (Webiny's `where`, `sort`, `limit`, `after`, `search`), and the read options (fields, budget). */
export interface ListTasksParams extends ReadOptions {
  where?: ListWhere;
  /** `createdOn_DESC` style, or Webiny v6's `values_createdOn_DESC`. Default newest first. */
  sort?: readonly string[];
  /** 1..1000, default 50. */
  limit?: number;
  after?: string | null;
  search?: string | null;
}

/** Filter, sort and page of a log list. */
export interface ListLogsParams extends ListTasksParams {}

/** Paging of a list: the cursor of the next page, whether there is one, and the total. */
export interface ListMeta {
  cursor: string | null;
  hasMoreItems: boolean;
  totalCount: number;
}

/** One page of a list. */
export interface ListResponse<T> {
  items: T[];
  meta: ListMeta;
}

/** A registered definition as lists and the GraphQL API show it. */
export interface DefinitionInfo {
  id: string;
  title: string;
  description: string | null;
  maxIterations: number;
  isPrivate: boolean;
  /** JSON Schema of the input when the definition validates it with zod, else null. */
  inputSchema: Record<string, unknown> | null;
  /** Stint (flow control): at most this many of its tasks run at once (per concurrency key); null: no limit. */
  concurrencyLimit: number | null;
}

/** Who triggers (for the API's API keys). */
export interface TriggerOptions {
  /** Who triggers; stored as `createdBy`. Default: the system identity. */
  createdBy?: Identity;
}

/**
 * The use cases: trigger, abort, read and delete tasks, read logs and definitions (`stint.tasks`).
 * Bad input throws a {@link StintError} and changes nothing. Tasks and logs come back as
 * Webiny's records (`TaskRecord`, `TaskLogRecord`): dates as ISO strings, absent fields
 * undefined. An error thrown by a definition's `onBeforeTrigger` reaches the caller of
 * `trigger` as it was thrown.
 */
export interface TaskService {
  /**
   * Runs `onBeforeTrigger`, checks the delay and the input, and stores a task (`pending`, or
   * `running` when an idle worker takes it at once). With an `idempotencyKey` held by a
   * task of the definition, returns that task: `onBeforeTrigger` does not run for it.
   */
  trigger<I = TaskInput>(params: TriggerParams<I>, options?: TriggerOptions): Promise<TaskRecord<I>>;
  /** Many triggers in one transaction: all stored or none. */
  triggerMany(params: readonly TriggerParams[], options?: TriggerOptions): Promise<TaskRecord[]>;
  /**
   * Stores a new task of a finished task's definition, with its name, parent, priority and
   * concurrency key, from its first input (`from: "start"`, the default) or its checkpoint;
   * `rerunOf` names the original. The same checks and `onBeforeTrigger` as a trigger.
   */
  rerun(params: RerunParams, options?: TriggerOptions): Promise<TaskRecord>;
  /**
   * Re-runs every finished task matching `where`, in batches of one write each; returns how
   * many were stored. A task whose re-run is refused (definition not registered here, input
   * no longer valid, onBeforeTrigger threw) is skipped and not counted.
   */
  rerunMany(params: RerunManyParams, options?: TriggerOptions): Promise<BulkResult>;
  /**
   * Aborts a pending or running task: stored as `aborted` at once, the running iteration
   * gets its signal, `onAbort` runs once. Its unfinished descendants are aborted with it
   * (each one's onAbort run once) unless `children: false`.
   */
  abort(params: AbortParams): Promise<TaskRecord>;
  /**
   * Aborts the pending and running tasks `where` matches (at most `limit`), in batches,
   * with their unfinished descendants unless `children: false`. `count`: the tasks
   * aborted, descendants included; a dry run counts the matching tasks and writes nothing.
   */
  abortMany(params: AbortManyParams): Promise<BulkResult>;
  /**
   * Deletes the tasks `where` matches (at most `limit`) with their logs, in batches, and
   * with `children: true` their descendants; unfinished ones are aborted first (onAbort
   * run once). `count`: the tasks deleted; a dry run counts the matching tasks.
   */
  deleteMany(params: DeleteManyParams): Promise<BulkResult>;
  /** null when no task has that id. */
  getTask(id: string, options?: ReadOptions): Promise<TaskRecord | null>;
  /** A page of tasks, newest first unless `sort` says otherwise. */
  listTasks(params?: ListTasksParams): Promise<ListResponse<TaskRecord>>;
  /** A page of iteration logs (filter by `where: { task: "<task id>" }`). */
  listLogs(params?: ListLogsParams): Promise<ListResponse<TaskLogRecord>>;
  /** Public definitions only unless `includePrivate`. */
  listDefinitions(options?: { includePrivate?: boolean }): DefinitionInfo[];
  /** The registered definition with this id, private ones included. */
  getDefinition(id: string): AnyTaskDefinition | undefined;
  /** The registered workers (docs/workers.md): alive, lagging or gone, with the tasks each holds. */
  listWorkers(): Promise<WorkerInfo[]>;
  /**
   * Deletes the task and its logs (with `children: true`, its whole subtree). A pending or
   * running one is aborted first, its onAbort run once, so its iteration's later writes
   * change nothing. true when deleted; a NOT_FOUND error (`Task "<id>" was not found!`)
   * when there was no such task; TASK_DELETE_ERROR when an unfinished task's definition is
   * not registered here (its onAbort could not run).
   */
  deleteTask(id: string, options?: DeleteOptions): Promise<boolean>;
  /** Every child task of `parentId` (of one definition when `definitionId` is given), oldest first; empty when it has none. */
  listChildren(parentId: string, definitionId?: string): Promise<TaskRecord[]>;
  /** The stored settings (Webiny 6.4): `retentionDays` stored, else the config's, else 90. */
  getSettings(): Promise<TaskSettings>;
  /** Stores the settings every process reads; INVALID_ARGUMENT (nothing stored) for a bad value. */
  updateSettings(params: UpdateSettingsParams): Promise<TaskSettings>;
}

/** The settings every process reads from the store (docs/run-history.md "Retention and self-cleanup"). */
export interface TaskSettings {
  /** Days a finished task is kept; 0 keeps everything. */
  retentionDays: number;
}

/** `updateSettings`: a whole number of days, 0 to 3650. */
export interface UpdateSettingsParams {
  retentionDays: number;
}

export type { TaskStatus };

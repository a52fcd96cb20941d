/**
 * The TaskService contract: the one place use cases live. GraphQL and the CLI call these
 * methods and nothing below them. Arguments arrive untrusted (GraphQL, CLI, user code);
 * every method validates them and answers bad input with a StintError, changing nothing.
 */
import type { Identity, TaskInput, TaskStatus } from "../domain/task.js";
import type { TaskRecord } from "../domain/task-record.js";
import type { TaskLogRecord } from "../domain/log-record.js";
import type { AnyTaskDefinition, TaskDefinitionHandle } from "../definition/types.js";

export interface TriggerParams<I = TaskInput> {
  /** A definition id, or a typed definition handle (then `input` is type-checked). */
  definition: string | TaskDefinitionHandle<I, any>;
  input?: I;
  name?: string;
  /** Seconds before the first iteration may start; under 355 days. 0 or negative: none (as Webiny). */
  delay?: number;
  parent?: { id: string } | string;
}

export interface AbortParams {
  id: string;
  message?: string;
}

/**
 * Webiny-style `where`: `{ taskStatus: "running", iterations_gt: 2, createdOn_lt: "..." }`.
 * Field and operator names are those of WEBINY-COMPAT "Lists".
 */
export type ListWhere = Record<string, unknown>;

export interface ListTasksParams {
  where?: ListWhere;
  /** `createdOn_DESC` style, or Webiny v6's `values_createdOn_DESC`. Default newest first. */
  sort?: readonly string[];
  /** 1..1000, default 50. */
  limit?: number;
  after?: string | null;
  search?: string | null;
}

export interface ListLogsParams extends ListTasksParams {}

export interface ListMeta {
  cursor: string | null;
  hasMoreItems: boolean;
  totalCount: number;
}

export interface ListResponse<T> {
  items: T[];
  meta: ListMeta;
}

export interface DefinitionInfo {
  id: string;
  title: string;
  description: string | null;
  maxIterations: number;
  isPrivate: boolean;
  /** JSON Schema of the input when the definition validates it with zod, else null. */
  inputSchema: Record<string, unknown> | null;
}

export interface TriggerOptions {
  /** Who triggers; stored as `createdBy`. Default: the system identity. */
  createdBy?: Identity;
}

/**
 * Tasks come back as Webiny's records (`TaskRecord`): dates as ISO strings, absent fields
 * undefined. An error thrown by a definition's `onBeforeTrigger` reaches the caller of
 * `trigger` as it was thrown.
 */
export interface TaskService {
  trigger<I = TaskInput>(params: TriggerParams<I>, options?: TriggerOptions): Promise<TaskRecord<I>>;
  /** Many triggers in one transaction: all stored or none. */
  triggerMany(params: readonly TriggerParams[], options?: TriggerOptions): Promise<TaskRecord[]>;
  abort(params: AbortParams): Promise<TaskRecord>;
  /** null when no task has that id. */
  getTask(id: string): Promise<TaskRecord | null>;
  listTasks(params?: ListTasksParams): Promise<ListResponse<TaskRecord>>;
  listLogs(params?: ListLogsParams): Promise<ListResponse<TaskLogRecord>>;
  /** Public definitions only unless `includePrivate`. */
  listDefinitions(options?: { includePrivate?: boolean }): DefinitionInfo[];
  getDefinition(id: string): AnyTaskDefinition | undefined;
  /** true when deleted; a NOT_FOUND error (`Task "<id>" was not found!`) when there was no such task. */
  deleteTask(id: string): Promise<boolean>;
}

export type { TaskStatus };

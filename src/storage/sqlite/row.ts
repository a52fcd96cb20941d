/** Task and log rows as SQLite returns them, and their mapping to the domain records. */
import type { Identity, Task, TaskProgress, TaskStatus } from "../../domain/task.js";
import type { LogItem, LogItemType, TaskLog } from "../../domain/log.js";

export interface TaskRow {
  id: string;
  name: string;
  definition_id: string;
  parent_id: string | null;
  execution_name: string;
  iterations: number;
  max_iterations: number;
  input: string;
  output: string | null;
  status: TaskStatus;
  started_on: number | null;
  finished_on: number | null;
  event_response: string | null;
  created_on: number;
  saved_on: number;
  created_by: string;
  created_by_id: string;
  progress: string | null;
  run_at: number;
  attempt: number;
  lease_owner: string | null;
  lease_token: number;
  lease_expires_at: number | null;
  due_at: number | null;
  hook_pending: number;
}

export interface LogRow {
  id: string;
  task_id: string;
  iteration: number;
  execution_name: string;
  created_on: number;
  created_by: string;
}

export interface LogItemRow {
  log_id: string;
  seq: number;
  type: LogItemType;
  message: string;
  created_on: number;
  data: string | null;
  error: string | null;
  attempt: number | null;
}

export function rowToTask(row: TaskRow): Task {
  return {
    id: row.id,
    name: row.name,
    definitionId: row.definition_id,
    parentId: row.parent_id,
    executionName: row.execution_name,
    iterations: row.iterations,
    input: JSON.parse(row.input) as Record<string, unknown>,
    output: parseJson<Record<string, unknown>>(row.output),
    taskStatus: row.status,
    startedOn: toDate(row.started_on),
    finishedOn: toDate(row.finished_on),
    eventResponse: parseJson<Record<string, unknown>>(row.event_response),
    createdOn: new Date(row.created_on),
    savedOn: new Date(row.saved_on),
    createdBy: JSON.parse(row.created_by) as Identity,
    progress: parseJson<TaskProgress>(row.progress),
    maxIterations: row.max_iterations,
    runAt: new Date(row.run_at),
    attempt: row.attempt,
  };
}

export function rowToLog(row: LogRow, items: readonly LogItemRow[]): TaskLog {
  return {
    id: row.id,
    taskId: row.task_id,
    iteration: row.iteration,
    executionName: row.execution_name,
    items: items.map(rowToLogItem),
    createdOn: new Date(row.created_on),
    createdBy: JSON.parse(row.created_by) as Identity,
  };
}

function rowToLogItem(row: LogItemRow): LogItem {
  const item: LogItem = { message: row.message, createdOn: new Date(row.created_on), type: row.type };
  // Optional keys stay absent rather than undefined, as the writer gave them.
  if (row.data !== null) item.data = JSON.parse(row.data);
  if (row.error !== null) item.error = JSON.parse(row.error);
  if (row.attempt !== null) item.attempt = row.attempt;
  return item;
}

/** JSON for a nullable TEXT column: undefined and null both become SQL NULL. */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** JSON for an optional item field: only undefined is "absent"; an explicit null round-trips. */
export function toOptionalJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

/** Task and log rows as SQLite returns them, and their mapping to the domain records. */
import type { Identity, Task, TaskProgress, TaskStatus } from "../../domain/task.js";
import type { LogItem, LogItemType, TaskLog } from "../../domain/log.js";
import { ROW_BASE_BYTES, type HeavyTaskField } from "../port/types.js";

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
  priority: number;
  idempotency_key: string | null;
  concurrency_key: string | null;
  triggered_input: string | null;
  rerun_of: string | null;
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

/**
 * The columns read back for a task (a Task plus its claim), in the order of a raw row
 * (`stmt(sql, "raw")`): an array per row, where an object with a key per column cost more
 * than the row lookup itself. Not `*`: `created_by_id` is a generated column, computed
 * (json_extract) for every row that selects it.
 */
const TASK_COLUMN_NAMES = [
  "id", "name", "definition_id", "parent_id", "execution_name", "iterations", "max_iterations", "input",
  "output", "status", "started_on", "finished_on", "event_response", "created_on", "saved_on", "created_by",
  "progress", "run_at", "attempt", "lease_token", "lease_expires_at", "hook_pending",
  "priority", "idempotency_key", "concurrency_key", "triggered_input", "rerun_of",
] as const satisfies readonly (keyof TaskRow)[];

type TaskColumn = (typeof TASK_COLUMN_NAMES)[number];

/** The select list of a raw task row. */
export const TASK_COLUMNS = TASK_COLUMN_NAMES.join(", ");

/** The same, qualified by a table alias for joins (`t.id, t.name, ...`). */
export function taskColumnsOf(alias: string): string {
  return TASK_COLUMN_NAMES.map((name) => `${alias}.${name}`).join(", ");
}

/** The column of each heavy task field (`TaskReadOptions.fields`). */
const HEAVY_COLUMNS: Readonly<Record<HeavyTaskField, TaskColumn>> = {
  input: "input",
  output: "output",
  eventResponse: "event_response",
  progress: "progress",
  triggeredInput: "triggered_input",
};
const HEAVY_COLUMN_NAMES: ReadonlySet<TaskColumn> = new Set(Object.values(HEAVY_COLUMNS));

const projections = new Map<string, string>();

/**
 * The select list of a task row reading only the heavy columns in `heavy`: every other
 * heavy column is `NULL AS <name>` in its place, so raw rows keep `col`'s positions and
 * object rows their keys. At most 16 distinct lists, kept (statements are cached by text).
 */
export function taskColumnsFor(heavy: ReadonlySet<HeavyTaskField>): string {
  if (heavy.size === HEAVY_COLUMN_NAMES.size) return TASK_COLUMNS;
  const wanted = new Set([...heavy].map((field) => HEAVY_COLUMNS[field]));
  const key = [...wanted].sort().join(",");
  let list = projections.get(key);
  if (list === undefined) {
    list = TASK_COLUMN_NAMES.map((name) => (HEAVY_COLUMN_NAMES.has(name) && !wanted.has(name) ? `NULL AS ${name}` : name)).join(", ");
    projections.set(key, list);
  }
  return list;
}

/** What a raw task row costs a read budget: the heavy JSON text it carries plus the rest. */
export function taskValuesBytes(v: TaskValues): number {
  return (
    ROW_BASE_BYTES + textLength(v[col.input]) + textLength(v[col.output]) + textLength(v[col.event_response]) +
    textLength(v[col.progress]) + textLength(v[col.triggered_input])
  );
}

/** The same for a row read as an object. */
export function taskRowBytes(row: TaskRow): number {
  return (
    ROW_BASE_BYTES + textLength(row.input) + textLength(row.output) + textLength(row.event_response) +
    textLength(row.progress) + textLength(row.triggered_input)
  );
}

/** Characters of a TEXT value (close enough to its bytes for a budget; 0 for NULL). */
export function textLength(value: unknown): number {
  return typeof value === "string" ? value.length : 0;
}

/** A raw task row: the values of `TASK_COLUMNS`, in order. */
export type TaskValues = readonly unknown[];

/** Position of each column in a raw task row. */
export const col = Object.fromEntries(TASK_COLUMN_NAMES.map((name, i) => [name, i])) as Readonly<Record<TaskColumn, number>>;

/** A task from a row read as an object (`SELECT *`, lists). */
export function rowToTask(row: TaskRow): Task {
  return valuesToTask(TASK_COLUMN_NAMES.map((name) => row[name]));
}

/** A task from a raw task row. */
export function valuesToTask(v: TaskValues): Task {
  // input is NOT NULL: NULL here is a projection that left it out (taskColumnsFor).
  const input = v[col.input] === null ? {} : (JSON.parse(v[col.input] as string) as Record<string, unknown>);
  return {
    id: v[col.id] as string,
    name: v[col.name] as string,
    definitionId: v[col.definition_id] as string,
    parentId: v[col.parent_id] as string | null,
    executionName: v[col.execution_name] as string,
    iterations: v[col.iterations] as number,
    input,
    output: parseJson<Record<string, unknown>>(v[col.output] as string | null),
    taskStatus: v[col.status] as TaskStatus,
    startedOn: toDate(v[col.started_on] as number | null),
    finishedOn: toDate(v[col.finished_on] as number | null),
    eventResponse: parseJson<Record<string, unknown>>(v[col.event_response] as string | null),
    createdOn: new Date(v[col.created_on] as number),
    savedOn: new Date(v[col.saved_on] as number),
    createdBy: JSON.parse(v[col.created_by] as string) as Identity,
    progress: parseJson<TaskProgress>(v[col.progress] as string | null),
    maxIterations: v[col.max_iterations] as number,
    runAt: new Date(v[col.run_at] as number),
    attempt: v[col.attempt] as number,
    priority: v[col.priority] as number,
    idempotencyKey: v[col.idempotency_key] as string | null,
    concurrencyKey: v[col.concurrency_key] as string | null,
    // NULL until the stored input first changed: the input is still the one triggered.
    triggeredInput: v[col.triggered_input] === null ? input : (JSON.parse(v[col.triggered_input] as string) as Record<string, unknown>),
    rerunOf: v[col.rerun_of] as string | null,
  };
}

/**
 * The columns a finish may change, read back instead of the whole row when the finisher
 * gave the task as it claimed it (`TaskFinishParams.claimed`): the fields no finish changes
 * come from that, so neither they nor the creator's and the event response's JSON are read
 * and parsed again. The same split as the PostgreSQL adapter's FINISH_CHANGED_COLUMNS.
 */
const FINISH_CHANGED_NAMES = [
  "id", "status", "saved_on", "input", "output", "progress", "iterations", "attempt",
  "run_at", "finished_on", "lease_token", "lease_expires_at",
] as const satisfies readonly TaskColumn[];

/** Position of each changed column in a raw row of `finishChangedColumnsOf`. */
export const changedCol = Object.fromEntries(FINISH_CHANGED_NAMES.map((name, i) => [name, i])) as Readonly<
  Record<(typeof FINISH_CHANGED_NAMES)[number], number>
>;

/** The select list of a raw changed-columns row, qualified by a table alias. */
export function finishChangedColumnsOf(alias: string): string {
  return FINISH_CHANGED_NAMES.map((name) => `${alias}.${name}`).join(", ");
}

/** A finished task from the claimed one (the fields no finish changes) and its changed columns. */
export function finishedTask(claimed: Task, v: TaskValues): Task {
  // Field by field in valuesToTask's order (one object shape for every task this adapter returns).
  return {
    id: claimed.id,
    name: claimed.name,
    definitionId: claimed.definitionId,
    parentId: claimed.parentId,
    executionName: claimed.executionName,
    iterations: v[changedCol.iterations] as number,
    input: JSON.parse(v[changedCol.input] as string) as Record<string, unknown>,
    output: parseJson<Record<string, unknown>>(v[changedCol.output] as string | null),
    taskStatus: v[changedCol.status] as TaskStatus,
    startedOn: claimed.startedOn,
    finishedOn: toDate(v[changedCol.finished_on] as number | null),
    eventResponse: claimed.eventResponse,
    createdOn: claimed.createdOn,
    savedOn: new Date(v[changedCol.saved_on] as number),
    createdBy: claimed.createdBy,
    progress: parseJson<TaskProgress>(v[changedCol.progress] as string | null),
    maxIterations: claimed.maxIterations,
    runAt: new Date(v[changedCol.run_at] as number),
    attempt: v[changedCol.attempt] as number,
    // No finish changes these (a TTL release of the key by a later trigger is not shown here).
    priority: claimed.priority,
    idempotencyKey: claimed.idempotencyKey,
    concurrencyKey: claimed.concurrencyKey,
    // A finish that changes the input first keeps the claimed one as the triggered input
    // (finish.ts): the claimed task's `triggeredInput` already is that one.
    triggeredInput: claimed.triggeredInput,
    rerunOf: claimed.rerunOf,
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

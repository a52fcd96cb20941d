/**
 * Task rows ↔ `Task` records. Times are `timestamptz` (pg hands them back as `Date`);
 * JSON columns are `jsonb` (pg parses them). Values going in are serialised here too, so
 * every statement binds JSON and times the same way.
 */
import { isTerminalStatus, type Identity, type Task, type TaskProgress, type TaskStatus } from "../../domain/task.js";
import { ROW_BASE_BYTES, type ClaimedTask, type HeavyTaskField, type TaskCreateParams } from "../port/types.js";

/** The columns every task-returning statement selects (and `RETURNING`s). */
export const TASK_COLUMNS = [
  "id", "name", "definition_id", "parent_id", "execution_name", "iterations", "max_iterations",
  "input", "output", "status", "started_on", "finished_on", "event_response", "created_on",
  "saved_on", "created_by", "progress", "run_at", "attempt", "lease_token", "lease_expires_at",
  "priority", "idempotency_key", "concurrency_key", "triggered_input", "rerun_of",
].join(", ");

/** The column of each heavy task field (`TaskReadOptions.fields`). */
const HEAVY_COLUMNS: Readonly<Record<HeavyTaskField, keyof TaskRow>> = {
  input: "input",
  output: "output",
  eventResponse: "event_response",
  progress: "progress",
  triggeredInput: "triggered_input",
};
const HEAVY_COLUMN_NAMES: ReadonlySet<string> = new Set(Object.values(HEAVY_COLUMNS));

/**
 * The select list of a task row reading only the heavy columns in `heavy`; the others are
 * `NULL AS <name>`. `asText`: the heavy columns come as JSON text (`::text`), for a reader
 * that charges a budget with their size before parsing them (`parseHeavyText`).
 */
export function taskColumnsFor(heavy: ReadonlySet<HeavyTaskField>, asText = false): string {
  if (heavy.size === HEAVY_COLUMN_NAMES.size && !asText) return TASK_COLUMNS;
  const wanted = new Set([...heavy].map((field) => HEAVY_COLUMNS[field] as string));
  return TASK_COLUMNS.split(", ")
    .map((name) => {
      if (!HEAVY_COLUMN_NAMES.has(name)) return name;
      if (!wanted.has(name)) return `NULL AS ${name}`;
      return asText ? `${name}::text AS ${name}` : name;
    })
    .join(", ");
}

/**
 * A short key naming the projection of `heavy` (for named statements, one per projection):
 * a bit per heavy field, since a statement's name must stay under PostgreSQL's 63 bytes.
 */
export function projectionKey(heavy: ReadonlySet<HeavyTaskField>): string {
  let mask = 0;
  HEAVY_FIELD_ORDER.forEach((field, bit) => {
    if (heavy.has(field)) mask |= 1 << bit;
  });
  return `p${mask}`;
}
const HEAVY_FIELD_ORDER = Object.keys(HEAVY_COLUMNS) as HeavyTaskField[];

/**
 * A row read with `taskColumnsFor(heavy, true)`: charges the budget with its size (the
 * heavy JSON text plus the rest) before parsing its heavy columns in place, as pg's jsonb
 * parser would have (a row over budget is never parsed). Returns the size.
 */
export function chargeAndParse(row: TaskRow, charge: (bytes: number) => void): number {
  const raw = row as unknown as Record<string, unknown>;
  let bytes = ROW_BASE_BYTES;
  for (const name of HEAVY_COLUMN_NAMES) {
    const value = raw[name];
    if (typeof value === "string") bytes += value.length;
  }
  charge(bytes);
  for (const name of HEAVY_COLUMN_NAMES) {
    const value = raw[name];
    if (typeof value === "string") raw[name] = JSON.parse(value);
  }
  return bytes;
}

/** A select list of task columns qualified by a table alias (`taskColumns`, or a slimmer one). */
export type ColumnList = (alias: string) => string;

/** Same columns, qualified by a table alias (for joins and UPDATE … FROM). */
export function taskColumns(alias: string): string {
  return TASK_COLUMNS.split(", ").map((c) => `${alias}.${c}`).join(", ");
}

export interface TaskRow {
  id: string;
  name: string;
  definition_id: string;
  parent_id: string | null;
  execution_name: string;
  iterations: number;
  max_iterations: number;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  status: TaskStatus;
  started_on: Date | null;
  finished_on: Date | null;
  event_response: Record<string, unknown> | null;
  created_on: Date;
  saved_on: Date;
  created_by: Identity;
  progress: TaskProgress | null;
  run_at: Date;
  attempt: number;
  lease_token: number;
  lease_expires_at: Date | null;
  /** Selected by the claims only (and the handoff's rows): the trigger's trace context. */
  trace_context?: Record<string, string> | null;
  priority: number;
  idempotency_key: string | null;
  concurrency_key: string | null;
  /** NULL until the stored input first changed (0009_rerun.sql). */
  triggered_input: Record<string, unknown> | null;
  rerun_of: string | null;
}

export function rowToTask(row: TaskRow): Task {
  // input is NOT NULL: null here is a projection that left it out (taskColumnsFor).
  const input = row.input ?? {};
  return {
    id: row.id,
    name: row.name,
    definitionId: row.definition_id,
    parentId: row.parent_id,
    executionName: row.execution_name,
    iterations: row.iterations,
    input,
    output: row.output,
    taskStatus: row.status,
    startedOn: row.started_on,
    finishedOn: row.finished_on,
    eventResponse: row.event_response,
    createdOn: row.created_on,
    savedOn: row.saved_on,
    createdBy: row.created_by,
    progress: row.progress,
    maxIterations: row.max_iterations,
    runAt: row.run_at,
    attempt: row.attempt,
    priority: row.priority,
    idempotencyKey: row.idempotency_key,
    concurrencyKey: row.concurrency_key,
    // NULL until the stored input first changed: the input is still the one triggered.
    triggeredInput: row.triggered_input ?? input,
    rerunOf: row.rerun_of ?? null,
  };
}

/** The JSON text a create bound for a task's JSON columns (tasks.ts createBatch). */
export interface CreatedJson {
  input: string;
  createdBy: string;
  eventResponse: string | null;
}

/**
 * The task a create stored, from what it bound instead of read back: the params, and the
 * column defaults for the rest (pending, no iteration yet, saved when created; 0001_init.sql).
 * JSON fields are parsed from the text bound, so the task shares no object with the
 * caller, as one read back would not. Field by field in rowToTask's order.
 */
export function createdTask(p: TaskCreateParams, bound: CreatedJson): Task {
  const createdOn = new Date(p.createdOn);
  const input = JSON.parse(bound.input);
  return {
    id: p.id,
    name: p.name,
    definitionId: p.definitionId,
    parentId: p.parentId,
    executionName: "",
    iterations: 0,
    input,
    output: null,
    taskStatus: "pending",
    startedOn: null,
    finishedOn: null,
    eventResponse: bound.eventResponse === null ? null : JSON.parse(bound.eventResponse),
    createdOn,
    savedOn: new Date(p.createdOn),
    createdBy: JSON.parse(bound.createdBy),
    progress: null,
    maxIterations: p.maxIterations,
    runAt: new Date(p.runAt),
    attempt: 0,
    priority: p.priority ?? 0,
    idempotencyKey: p.idempotencyKey ?? null,
    concurrencyKey: p.concurrencyKey ?? null,
    // A new task's input is the one triggered (as rowToTask reads a NULL triggered_input).
    triggeredInput: input,
    rerunOf: p.rerunOf ?? null,
  };
}

/** The task columns a finish can change (and the id): what a finish given `claimed` reads back. */
export const FINISH_CHANGED_COLUMNS = [
  "id", "status", "saved_on", "input", "output", "progress", "iterations", "attempt",
  "run_at", "finished_on", "lease_token", "lease_expires_at",
] as const;

export type FinishChangedRow = Pick<TaskRow, (typeof FINISH_CHANGED_COLUMNS)[number]>;

/** A finished task from the claimed one (the fields no finish changes) and the columns read back. */
export function finishedTask(claimed: Task, row: FinishChangedRow): Task {
  // Field by field in rowToTask's order (one object shape for every task this adapter returns).
  return {
    id: claimed.id,
    name: claimed.name,
    definitionId: claimed.definitionId,
    parentId: claimed.parentId,
    executionName: claimed.executionName,
    iterations: row.iterations,
    input: row.input,
    output: row.output,
    taskStatus: row.status,
    startedOn: claimed.startedOn,
    finishedOn: row.finished_on,
    eventResponse: claimed.eventResponse,
    createdOn: claimed.createdOn,
    savedOn: row.saved_on,
    createdBy: claimed.createdBy,
    progress: row.progress,
    maxIterations: claimed.maxIterations,
    runAt: row.run_at,
    attempt: row.attempt,
    // No finish changes these (a TTL release of the key by a later trigger is not shown here).
    priority: claimed.priority,
    idempotencyKey: claimed.idempotencyKey,
    concurrencyKey: claimed.concurrencyKey,
    // A finish that changes the input first keeps the claimed one as the triggered input
    // (finish/one.ts): the claimed task's `triggeredInput` already is that one.
    triggeredInput: claimed.triggeredInput,
    rerunOf: claimed.rerunOf,
  };
}

/**
 * The claim a leased row stands for: a terminal row owes its hook, any other runs an
 * iteration. `fallbackExpiresAt` when the row has no lease expiry.
 */
export function rowToClaim(row: TaskRow, fallbackExpiresAt = 0): ClaimedTask {
  return {
    kind: isTerminalStatus(row.status) ? "hook" : "iteration",
    task: rowToTask(row),
    leaseToken: row.lease_token,
    leaseExpiresAt: row.lease_expires_at ? row.lease_expires_at.getTime() : fallbackExpiresAt,
    traceContext: row.trace_context ?? null,
  };
}

const TIME_FIELDS = ["started_on", "finished_on", "created_on", "saved_on", "run_at", "lease_expires_at"] as const;

/**
 * A row as `to_jsonb` wrote it (a handoff's NOTIFY payload: times as ISO strings with an
 * offset, JSON columns as JSON) → the shape pg's parsers produce. Null when it does not
 * look like one.
 */
export function rowFromJson(value: unknown): TaskRow | null {
  if (!value || typeof value !== "object") return null;
  const row = { ...(value as Record<string, unknown>) };
  if (typeof row.id !== "string" || typeof row.lease_token !== "number" || typeof row.created_on !== "string") return null;
  for (const field of TIME_FIELDS) {
    const text = row[field];
    if (text === null || text === undefined) {
      row[field] = null;
      continue;
    }
    const ms = typeof text === "string" ? Date.parse(text) : NaN;
    if (Number.isNaN(ms)) return null;
    row[field] = new Date(ms);
  }
  return row as unknown as TaskRow;
}

/**
 * JSON for a `jsonb` parameter. Bound as text (`$n::jsonb`) because pg would send a JS
 * array as a PostgreSQL array, not as JSON. `undefined` and `null` become SQL NULL.
 */
export function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Epoch ms → `Date` for a `timestamptz` parameter (pg sends it with ms precision). */
export function ts(ms: number): Date;
export function ts(ms: number | null | undefined): Date | null;
export function ts(ms: number | null | undefined): Date | null {
  return ms === null || ms === undefined ? null : new Date(ms);
}

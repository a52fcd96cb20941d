import type { Identity, Task, TaskInput, TaskOutput, TaskProgress, TaskStatus } from "../../domain/task.js";
import type { LogItem, TaskLog } from "../../domain/log.js";
import type { WorkerBeat } from "./observability.js";
import type { FilterOp, LogItemField, LogListField, TaskListField } from "./list-fields.js";

/** Everything a new task row needs; the service computes every value (ids, times). */
export interface TaskCreateParams {
  id: string;
  name: string;
  definitionId: string;
  parentId: string | null;
  input: TaskInput;
  maxIterations: number;
  runAt: number;
  createdOn: number;
  createdBy: Identity;
  eventResponse: Record<string, unknown> | null;
  /**
   * The trigger's trace context (W3C `traceparent` / `tracestate`, as the app's
   * propagator wrote them), handed back with every claim of the task so its iterations
   * join the trigger's trace. Undefined or null: none (no tracing at the trigger).
   */
  traceContext?: TraceCarrier | null;
  /** Flow control: higher is claimed first among due tasks. Default 0. */
  priority?: number;
  /** Flow control: the group the definition's concurrency limit counts this task in. */
  concurrencyKey?: string | null;
  /**
   * Flow control: unique per definition among stored tasks. `taskCreateMany` refuses a
   * taken key; `taskCreateOrGet` returns the task holding it instead.
   */
  idempotencyKey?: string | null;
  /** Re-run: the id of the task this one re-runs (docs/run-history.md). Undefined or null: none. */
  rerunOf?: string | null;
}

/** `taskCreateOrGet`: the tasks to store, in order. */
export interface TaskCreateOrGetParams {
  tasks: readonly TaskCreateOrGetItem[];
}

/** One task of `taskCreateOrGet`: a create, unless a task of its definition holds its idempotency key. */
export interface TaskCreateOrGetItem extends TaskCreateParams {
  /**
   * With `idempotencyKey`: a task holding the key that was created before this time no
   * longer counts: its key is released (set to null) and the new task stored, in one
   * transaction. Undefined: the key counts for as long as the task exists.
   */
  keyReleaseBefore?: number;
}

/** What `taskCreateOrGet` did for one task: stored it (`created`), or found the task holding its key. */
export interface TaskCreateOrGetResult {
  task: Task;
  created: boolean;
}

/** `taskFindByIdempotencyKey`: the task of `definitionId` holding `idempotencyKey`, created at or after `createdSince` when given. */
export interface TaskFindByKeyParams {
  definitionId: string;
  idempotencyKey: string;
  createdSince?: number;
}

/** A definition's concurrency limit as a claim sees it: at most `limit` of its tasks `running` per concurrency key. */
export interface ConcurrencyLimit {
  definitionId: string;
  limit: number;
}

/** A trace context as text fields (an OpenTelemetry propagation carrier). */
export type TraceCarrier = Readonly<Record<string, string>>;

/**
 * A claimed unit of work. `kind` says what the worker must do with it:
 * - `iteration`: run the next iteration (or re-run the current one when `attempt` > 1);
 * - `hook`: the task is already terminal and its terminal hook has not been confirmed as
 *   run (the worker that stored the outcome died before it finished the hook).
 */
export interface ClaimedTask {
  kind: "iteration" | "hook";
  task: Task;
  /** Fence for every later write of this claim. */
  leaseToken: number;
  leaseExpiresAt: number;
  /**
   * Handed to this worker by a trigger earlier (handoff) and returned again because its
   * notification may never have arrived: the worker skips it if it already has it.
   */
  handed?: boolean;
  /** The trace context stored with the task at its trigger (`TaskCreateParams.traceContext`); null or undefined: none. */
  traceContext?: TraceCarrier | null;
}

export interface TaskClaimParams {
  workerId: string;
  limit: number;
  now: number;
  leaseMs: number;
  /** Only tasks of these definitions (the ones the worker can run). */
  definitionIds: readonly string[];
  /**
   * Flow control: the concurrency limits of some of `definitionIds`. Their tasks are
   * claimed only while fewer than `limit` tasks of the definition with the same
   * concurrency key are `running` (a task waiting between iterations holds its place), and
   * never handed off. Every worker must give the same limits: the claim enforces them
   * atomically against every other claim.
   */
  limits?: readonly ConcurrencyLimit[];
  /**
   * Handoff (capability `supportsHandoff`; other adapters ignore it). When set, and fewer
   * than `limit` and fewer than `slots` tasks are claimed, the worker offers the rest of
   * `slots` (its free run slots) until `until`: a trigger of one task due now then stores
   * it already claimed by this worker and delivers it as a `task-handed` event, with no
   * claim round trip. Otherwise the worker's earlier offer is withdrawn. The claim also
   * returns, marked `handed`, the tasks handed over since the previous claim that are
   * still this worker's and unstarted by any other.
   */
  handoff?: { until: number; slots: number };
}

export interface LeaseRef {
  id: string;
  leaseToken: number;
}

export interface TaskRenewLeasesParams {
  workerId: string;
  /** May be empty when `beat` is given (an idle worker's heartbeat). */
  leases: readonly LeaseRef[];
  now: number;
  leaseMs: number;
  /**
   * The worker's registration: inserted or refreshed (last beat at `now`) in the same
   * round trip as the renewal, and workers forgotten by `now` are deleted
   * (port/observability.ts).
   */
  beat?: WorkerBeat;
}

/** Per lease: still ours; aborted by a user (stop soon); or lost to another worker. */
export type LeaseState = "held" | "aborted" | "lost";
export interface TaskRenewLeasesResult {
  states: Map<string, LeaseState>;
  /** `now + leaseMs`: every held lease lasts at least until then (a longer one is kept). */
  leaseExpiresAt: number;
}

/**
 * The end of one iteration (or of a hook run), written atomically with its log items.
 * The write only applies while `leaseToken` still matches and the task is not terminal:
 * an abort or a takeover makes it a no-op (`applied: false`), while its log items are
 * still appended (logs never lose what was written).
 */
export interface TaskFinishParams {
  id: string;
  leaseToken: number;
  now: number;
  status: TaskStatus;
  /** Full input to store (the checkpoint), or undefined to keep the stored one. */
  input?: TaskInput;
  /** Output to store; null clears it; undefined keeps the stored one. */
  output?: TaskOutput | null;
  /** Next due time for `running` (the continue wait); ignored for terminal statuses. */
  runAt?: number;
  /**
   * `running` only: a retry of the same iteration. The claim is kept for a takeover at
   * `retryAt` (lease_owner stays, `lease_expires_at = due_at = run_at = retryAt`), so the
   * next claim counts a new attempt of this iteration instead of a new iteration.
   */
  retryAt?: number;
  /**
   * `running` only, no wait: "continue in place". The same claimer starts the next
   * iteration at once, so the write also claims it: `iterations += 1`, `attempt = 1`,
   * `lease_token += 1`, `run_at = now`, lease kept with `lease_expires_at = due_at = now +
   * leaseMs`. The result's `task` is then the claimed next iteration and `leaseToken` its
   * fence. Saves a claim round trip per iteration for tasks that checkpoint often.
   */
  keepClaim?: { leaseMs: number };
  /**
   * `running` only (never with `retryAt` or `keepClaim`): the task waits for its children
   * (docs/run-history.md "Waiting for children"). It is not claimed again until every
   * child is finished (success, failed, aborted), or until `runAt` when given (the
   * timeout): the finish of the last child, or its abort, makes it due at once, in the
   * same transaction. When no child is unfinished as this finish writes, it is due at once.
   */
  waitForChildren?: boolean;
  /** Explicit iteration count to store (used by the max-iterations outcome). */
  iterations?: number;
  progress?: TaskProgress | null;
  /**
   * Terminal statuses only: keep the lease for `hookLeaseMs` more so a terminal hook can
   * run; the claim is released by `taskHooksDone`. Undefined: no hook to run, fully release.
   */
  hookLeaseMs?: number;
  log?: LogAppendParams;
  /**
   * How many of `log.items`, counted from the end, describe the outcome itself (its
   * `Task done.`, `Task continuing.`, error): stored only when the finish applies. A
   * finish fenced out (the task was aborted, or taken over) keeps what run() logged, but
   * not an outcome that did not happen: an aborted task's log must not go on to say
   * `Task continuing.`. Undefined: every item is run()'s own.
   */
  outcomeLogItems?: number;
  /**
   * The task as the finisher claimed it. With it, an adapter may take the fields no
   * finish changes (name, definition, parent, execution name, start and creation times,
   * creator, max iterations, event response) from here instead of reading them back: the
   * result's `task` is the same either way.
   */
  claimed?: Task;
}

export interface TaskFinishResult {
  id: string;
  applied: boolean;
  /** The stored task after the write (or as it stands when the write was fenced out). */
  task: Task | null;
  /** With `keepClaim` and `applied`: the fence of the claimed next iteration. */
  leaseToken?: number;
  /** With `keepClaim` and `applied`: when that claim lapses. */
  leaseExpiresAt?: number;
  /**
   * The finish made a task waiting for children due now (its parent, whose last
   * unfinished child this was; or this task itself, waiting for children that had all
   * finished already): a worker can claim it. Absent otherwise.
   */
  woken?: true;
}

export interface TaskHooksDoneParams {
  items: readonly LeaseRef[];
}

/** Partial, fenced writes during an iteration: state.updateInput/updateOutput, progress. */
export interface TaskUpdateParams {
  id: string;
  leaseToken: number;
  now: number;
  input?: TaskInput;
  output?: TaskOutput | null;
  progress?: TaskProgress | null;
}

export interface TaskAbortParams {
  id: string;
  now: number;
  /** Log item appended to the task's latest log (or a new one if none). */
  message: string;
  workerId: string;
  /** Keep the task claimed this long so its onAbort hook runs at least once. */
  hookLeaseMs?: number;
}

export type TaskAbortResult =
  /** `woken`: the abort made the task's waiting parent due now (its last unfinished child). */
  | { outcome: "aborted"; task: Task; leaseToken: number; woken?: true }
  | { outcome: "not-found" }
  | { outcome: "not-abortable"; task: Task };

/**
 * `taskAbortMany`: the batch abort (bulk abort, a parent's cascade, a delete's abort
 * first). Each listed task, and with `subtree` every task below it (children of
 * children, whatever their own status), is aborted as `taskAbort` does it: only while
 * pending or running, the lease token moved on so its holder's later writes change
 * nothing, the message appended to its current iteration's log. One statement for the
 * rows, one for the messages, in one transaction.
 */
export interface TaskAbortManyParams {
  ids: readonly string[];
  /** Also every descendant of `ids` (found through `parentId`, recursively). */
  subtree?: boolean;
  now: number;
  message: string;
  workerId: string;
  /**
   * Who runs each aborted task's onAbort. Undefined: nobody (every claim released fully).
   * Otherwise: tasks of a `runHere` definition stay claimed by `workerId` for `leaseMs`
   * (the caller runs the hook and confirms with `taskHooksDone`); tasks of a `none`
   * definition (known to have no onAbort) are released fully; tasks of any other
   * definition have their hook due at once for a worker that knows it.
   */
  hooks?: { leaseMs: number; runHere: readonly string[]; none: readonly string[] };
}

/** `taskAbortMany`: the tasks this call aborted (as stored after it), each with its new lease token. */
export interface TaskAbortManyResult {
  aborted: { task: Task; leaseToken: number }[];
  /** Waiting parents this batch made due (their last unfinished child was aborted here); absent when none. */
  woken?: string[];
}

/**
 * `taskDeleteMany`: deletes the listed tasks (and with `subtree` every descendant) with
 * their logs, in one transaction, whatever their status: the caller aborts unfinished
 * ones first. Returns the ids deleted.
 */
export interface TaskDeleteManyParams {
  ids: readonly string[];
  subtree?: boolean;
}

/**
 * `taskSubtree`: the listed tasks and every descendant, as `{ id, definitionId,
 * taskStatus }` (a delete checks it knows the definitions of the unfinished ones).
 */
export interface TaskSubtreeParams {
  ids: readonly string[];
  subtree?: boolean;
}

export interface TaskSubtreeRow {
  id: string;
  definitionId: string;
  taskStatus: TaskStatus;
}

export interface LogAppendParams {
  taskId: string;
  iteration: number;
  executionName: string;
  now: number;
  items: readonly LogItem[];
  /**
   * The running iteration's lease token (its log buffer's flushes): the items are stored
   * only while the task is `running` under this token, and dropped otherwise. An abort
   * moves the token on, so nothing the aborted iteration logged lands after the abort's
   * message. Undefined: unfenced (hook failures, a handed-back attempt's note).
   */
  leaseToken?: number;
}

/* ---------------------------------------------------------------- reads ---- */

/**
 * The task fields whose stored JSON can be large (an input up to 1 MiB, an output, the
 * event response, the progress): a read loads them only when asked for. Every other field
 * is small and always read.
 */
export const HEAVY_TASK_FIELDS = ["input", "output", "eventResponse", "progress", "triggeredInput"] as const;
export type HeavyTaskField = (typeof HEAVY_TASK_FIELDS)[number];

/**
 * What a task read must return (`taskGet`, `taskGetMany`, `taskList`).
 * - `fields`: the task fields the caller will use. Heavy fields left out are not read and
 *   come back empty (`input` as `{}`, the others null); the cheap ones are always there.
 *   Undefined: every field.
 * - `budget`: charged with the bytes read as rows arrive; its `charge` throws (a
 *   StintError `RESPONSE_TOO_LARGE`) once the caller's limit is passed, and the read stops
 *   there instead of loading the rest.
 */
export interface TaskReadOptions {
  fields?: readonly string[];
  budget?: ReadBudget;
}

/*
 * One params object per port operation (even the ones with a single value today), so a
 * new option is a new optional field and no adapter's positional signature breaks.
 */

/** `taskCreateMany`: the rows to insert, in one transaction. */
export interface TaskCreateManyParams {
  tasks: readonly TaskCreateParams[];
}

/** `taskGet`: the task's id and what to read of it. */
export interface TaskGetParams extends TaskReadOptions {
  id: string;
}

/** `taskGetMany`: the tasks' ids and what to read of each. */
export interface TaskGetManyParams extends TaskReadOptions {
  ids: readonly string[];
}

/** `taskDelete`: the task to delete with its logs. */
export interface TaskDeleteParams {
  id: string;
}

/** `taskReleaseLeases`: claims given back unrun. */
export interface TaskReleaseLeasesParams {
  leases: readonly LeaseRef[];
  now: number;
}

/** `taskFinishMany`: the iteration ends of one batch (one transaction). */
export interface TaskFinishManyParams {
  finishes: readonly TaskFinishParams[];
}

/** `taskWithdrawHandoff`: the worker whose handoff slot is withdrawn. */
export interface TaskWithdrawHandoffParams {
  workerId: string;
}

/** `taskNextDueAt`: the definitions whose earliest due time is wanted. */
export interface TaskNextDueAtParams {
  definitionIds: readonly string[];
}

/**
 * What a log read must return (`logList`), as `TaskReadOptions`: the one heavy log field
 * is `items` (messages, data, errors), read only when `fields` names it (else `[]`).
 */
export interface LogReadOptions {
  fields?: readonly string[];
  budget?: ReadBudget;
}

/** Whether a log read must load the items. */
export function wantsLogItems(fields: readonly string[] | undefined): boolean {
  return fields === undefined || fields.includes("items");
}

/** A per-request allowance of bytes read; `charge` throws once it is spent. */
export interface ReadBudget {
  charge(bytes: number): void;
}

/** The heavy task fields a read must load: every one when `fields` is undefined. */
export function heavyFieldsOf(fields: readonly string[] | undefined): ReadonlySet<HeavyTaskField> {
  if (fields === undefined) return ALL_HEAVY;
  // The triggered input is stored only once it differs from `input` (NULL before): reading
  // it needs `input` too, which stands in for it.
  const wanted = fields.includes("triggeredInput") && !fields.includes("input") ? [...fields, "input"] : fields;
  return new Set(HEAVY_TASK_FIELDS.filter((field) => wanted.includes(field)));
}
const ALL_HEAVY: ReadonlySet<HeavyTaskField> = new Set(HEAVY_TASK_FIELDS);

/** What a budget is charged per row for the cheap columns (ids, name, dates, identity). */
export const ROW_BASE_BYTES = 256;
/** The same per log item, on top of its message, data and error text. */
export const LOG_ITEM_BASE_BYTES = 64;

/** What a log item row costs a budget: its text plus the fixed part. */
export function logItemBytes(row: { message: string; data: string | null; error: string | null }): number {
  return LOG_ITEM_BASE_BYTES + row.message.length + (row.data?.length ?? 0) + (row.error?.length ?? 0);
}

/* ---------------------------------------------------------------- lists ---- */

// The fields and their operators are declared once, in list-fields.ts.
export type { FilterOp, LogItemField, LogListField, TaskListField } from "./list-fields.js";

/** Values are already validated and typed by the service: strings, numbers, Dates or null. */
export interface Filter<F extends string> {
  field: F;
  op: FilterOp;
  value: unknown;
}
export interface Sort<F extends string> {
  field: F;
  direction: "asc" | "desc";
}

export interface ListParams<F extends string> {
  filters: readonly Filter<F>[];
  /** Free text matched against the name (tasks) or item messages (logs). */
  search?: string;
  /** Always ends in `id` so the order is total; the service guarantees it. */
  sort: readonly Sort<F>[];
  limit: number;
  /** Opaque keyset cursor from a previous page's `cursor`. */
  after?: string;
  /**
   * Tasks only. false: the page alone, `totalCount` -1 (not counted): for a caller walking
   * every page (a bulk action), which would otherwise count all matching rows per page.
   */
  count?: boolean;
}

export interface ListResult<T> {
  items: T[];
  cursor: string | null;
  hasMoreItems: boolean;
  totalCount: number;
}

export type TaskListParams = ListParams<TaskListField> & TaskReadOptions;
export interface LogListParams extends ListParams<LogListField>, LogReadOptions {
  /**
   * Webiny's `items` filter, about the log's items: a positive filter holds when some item
   * matches; a negated one (`not`, `not_in`, `not_contains`, `not_startsWith`,
   * `not_between`) when no item matches its positive form. Counted in `totalCount`.
   */
  itemFilters?: readonly Filter<LogItemField>[];
}

/**
 * What an adapter can do beyond the contract, so callers can adapt. Each flag is read by
 * the worker (src/worker): a flag nothing reads is not declared.
 */
export interface StorageCapabilities {
  /** Cross-process wake-ups (PostgreSQL LISTEN/NOTIFY). */
  supportsNotify: boolean;
  /** Triggers hand tasks straight to idle workers (`TaskClaimParams.handoff`). */
  supportsHandoff: boolean;
}

export type StorageEvent =
  | { type: "tasks-available" }
  /** Notifications reach this process from now on (the first LISTEN connection is up). */
  | { type: "listening" }
  | { type: "task-aborted"; id: string }
  /** A schedule was created, changed or deleted: tickers re-read the next due tick. */
  | { type: "schedules-changed" }
  /** A trigger stored this task claimed by worker `workerId` (handoff): that worker runs it. */
  | { type: "task-handed"; workerId: string; claim: ClaimedTask };

export type { Task, TaskLog, LogItem };

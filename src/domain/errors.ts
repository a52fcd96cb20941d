/**
 * Every error a user can see, worded in one place so every entry point (TaskService,
 * GraphQL, CLI) and every storage adapter says the same thing. Messages and codes that
 * Webiny has are Webiny's (WEBINY-COMPAT "Errors"); Stint's own follow the same style.
 */

/** The error Stint throws for anything a caller can act on: a stable `code` (see {@link ErrorCode}), a message and structured `data`; GraphQL returns it as `{ message, code, data }`. */
export class StintError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown> | null;

  constructor(message: string, code: string, data: Record<string, unknown> | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StintError";
    this.code = code;
    this.data = data;
  }

  /** The `{ message, code, data }` shape GraphQL and the CLI's `--json` return. */
  toJSON(): { message: string; code: string; data: Record<string, unknown> | null } {
    return { message: this.message, code: this.code, data: this.data };
  }
}

/** True when `error` is a {@link StintError} (and, given `code`, has that code). */
export function isStintError(error: unknown, code?: string): error is StintError {
  return error instanceof StintError && (code === undefined || error.code === code);
}

/** Every {@link StintError} code, by name. Webiny's codes where Webiny has the error. */
export const ErrorCode = {
  DefinitionNotFound: "TASK_DEFINITION_ERROR",
  DefinitionInvalid: "TASK_DEFINITION_INVALID",
  DefinitionDuplicate: "TASK_DEFINITION_DUPLICATE",
  ValidationFailed: "VALIDATION_FAILED_INVALID_FIELDS",
  MaxDelay: "MAX_DELAY_ERROR",
  InvalidDelay: "INVALID_DELAY",
  AbortNotAllowed: "TASK_ABORT_ERROR",
  /** A delete of an unfinished task whose onAbort this process cannot run (its definition is not registered here). */
  DeleteNotAllowed: "TASK_DELETE_ERROR",

  /** A re-run of a task that is still pending or running (docs/run-history.md). */
  RerunNotAllowed: "TASK_RERUN_ERROR",
  /** Webiny v5's code (handler-graphql `NotFoundError`) for an unknown task id. */
  TaskNotFound: "NOT_FOUND",
  InvalidId: "INVALID_TASK_ID",
  InvalidArgument: "INVALID_ARGUMENT",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  /** A read would return more than the caller's byte budget (e.g. the API's maxResponseBytes). */
  ResponseTooLarge: "RESPONSE_TOO_LARGE",
  Timeout: "TASK_TIMEOUT",
  LeaseLost: "TASK_LEASE_LOST",
  MaxIterations: "TASK_MAX_ITERATIONS",
  RunError: "TASK_RUN_ERROR",
  InvalidDatabaseUrl: "INVALID_DATABASE_URL",
  StorageUnavailable: "STORAGE_UNAVAILABLE",
  StorageFull: "STORAGE_FULL",
  /** The store refused a value of a write (its data, not the store's state): retrying cannot help. */
  StorageValueRefused: "STORAGE_VALUE_REFUSED",
  /** What an iteration produced was refused by the store: the task failed with this instead. */
  OutcomeRefused: "TASK_OUTCOME_REFUSED",
  /** A SQLite file asked for as an existing store (`fileMustExist`) is not there. */
  StoreNotFound: "STORE_NOT_FOUND",
  /** An in-memory store given to a CLI command that would lose it when it exits. */
  StoreInMemory: "STORE_IN_MEMORY",
  ConfigNotFound: "CONFIG_NOT_FOUND",
  ConfigInvalid: "CONFIG_INVALID",
  NotAuthorized: "SECURITY_NOT_AUTHORIZED",
  /** No schedule has this id. */
  ScheduleNotFound: "SCHEDULE_NOT_FOUND",
  /** A schedule id already in use (create, or twice in the config). */
  ScheduleDuplicate: "SCHEDULE_DUPLICATE",
  /** A schedule declaration Stint cannot run: bad cron, timezone, overlap, backfill or id. */
  ScheduleInvalid: "SCHEDULE_INVALID",
  Closed: "STINT_CLOSED",
} as const;
/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Factories of every {@link StintError}, worded once for all entry points. */
export const Errors = {
  /** No registered definition has this id. */
  definitionNotFound: (id: string) =>
    new StintError("Task definition was not found!", ErrorCode.DefinitionNotFound, { id }),
  /** A definition id that is not camelCase. */
  definitionIdInvalid: (id: string) =>
    new StintError(
      `Task ID "${id}" is invalid. It must be in camelCase format, for example: "myCustomTask".`,
      ErrorCode.DefinitionInvalid,
      { id },
    ),
  /** Two definitions registered with one id. */
  definitionDuplicate: (id: string) =>
    new StintError(`Task definition "${id}" is already registered.`, ErrorCode.DefinitionDuplicate, { id }),
  /** A definition Stint cannot run (e.g. no `run`, a bad `maxIterations`). */
  definitionInvalid: (id: string, reason: string) =>
    new StintError(`Task definition "${id}" is invalid: ${reason}`, ErrorCode.DefinitionInvalid, { id, reason }),
  /** The input failed the definition's zod schema; `data.invalidFields` says where. */
  validationFailed: (invalidFields: Record<string, { code: string; message: string; data: { path: (string | number)[] } }>) =>
    new StintError("Validation failed.", ErrorCode.ValidationFailed, { invalidFields }),
  /** A delay or wait longer than {@link MAX_DELAY_SECONDS}. */
  maxDelay: (delay: number) =>
    new StintError("The maximum delay for a task is 355 days.", ErrorCode.MaxDelay, { delay, max: MAX_DELAY_SECONDS }),
  /** A delay that is not a finite number of seconds. */
  invalidDelay: (delay: unknown) =>
    new StintError("The delay must be a finite number of seconds.", ErrorCode.InvalidDelay, { delay: describeValue(delay) }),
  /** Abort of a task that is already finished. */
  abortNotAllowed: (id: string, status: string) =>
    new StintError("Cannot abort a task that is not pending or running!", ErrorCode.AbortNotAllowed, { id, status }),
  /** Delete of a pending or running task whose definition this process does not know: its onAbort cannot run here. */
  deleteNeedsDefinition: (id: string, status: string, definitionId: string) =>
    new StintError(
      `Cannot delete task "${id}": it is ${status} and its definition "${definitionId}" is not registered in this process, so its onAbort cannot run here. Abort it first (a worker that knows the definition runs onAbort), then delete it; or delete it from a process that registers the definition.`,
      ErrorCode.DeleteNotAllowed,
      { id, status, definitionId },
    ),

  /** A re-run of a task that has not finished: a second live run of it would surprise. */
  rerunNotAllowed: (id: string, status: string) =>
    new StintError("Cannot re-run a task that is still pending or running!", ErrorCode.RerunNotAllowed, { id, status }),
  /** No task has this id: Webiny v5's abort of an unknown id, `Task "<id>" was not found!`, code NOT_FOUND. */
  taskNotFound: (id: string) => new StintError(`Task "${id}" was not found!`, ErrorCode.TaskNotFound, { id }),
  /** A value that cannot be a task id. */
  invalidId: (id: unknown) =>
    new StintError(`Task ID "${describeValue(id)}" is not a valid task ID.`, ErrorCode.InvalidId, { id: describeValue(id) }),
  /** An option or argument out of its range; `data.argument` names it. */
  invalidArgument: (argument: string, reason: string) =>
    new StintError(`Invalid ${argument}: ${reason}`, ErrorCode.InvalidArgument, { argument, reason }),
  /** An input, output or log item above its size limit. */
  payloadTooLarge: (what: string, size: number, max: number) =>
    new StintError(`The ${what} is too large: ${size} bytes, at most ${max} allowed.`, ErrorCode.PayloadTooLarge, { size, max }),
  /** A read passed the caller's byte budget (the API's maxResponseBytes). */
  responseTooLarge: (max: number) =>
    new StintError(
      `The response would be larger than ${max} bytes: ask for fewer rows (a smaller limit) or fewer fields (leave out input, output, eventResponse, progress or log items).`,
      ErrorCode.ResponseTooLarge,
      { max },
    ),
  /** An iteration ran past its time budget. */
  timeout: (seconds: number) =>
    new StintError(`Task iteration exceeded its time budget of ${seconds} seconds.`, ErrorCode.Timeout, { seconds }),
  /** A lifecycle hook ran past its time budget. */
  hookTimeout: (hook: string, seconds: number) =>
    new StintError(`Task hook ${hook} exceeded its time budget of ${seconds} seconds and was left behind.`, ErrorCode.Timeout, { hook, seconds }),
  /** Another worker took the task over (this worker's lease lapsed). */
  leaseLost: (id: string) =>
    new StintError(`Task "${id}" lease was taken over by another worker.`, ErrorCode.LeaseLost, { id }),
  /** The task reached its definition's `maxIterations`. */
  maxIterations: () => new StintError("Task reached max iterations.", ErrorCode.MaxIterations),
  /** A database URL of no supported scheme. */
  invalidDatabaseUrl: (url: string) =>
    new StintError(
      `Unsupported database URL "${redactUrl(url)}": use sqlite:<file>, sqlite::memory: or postgres://...`,
      ErrorCode.InvalidDatabaseUrl,
      { url: redactUrl(url) },
    ),
  /** The store cannot be reached or refused the operation. */
  storageUnavailable: (reason: string, cause?: unknown) =>
    new StintError(`The task store is unavailable: ${reason}`, ErrorCode.StorageUnavailable, null, { cause }),
  /** A store that must exist (a SQLite file, a PostgreSQL schema with Stint's tables) does not. */
  storeNotFound: (filename: string, cause?: unknown) =>
    new StintError(`No Stint database at ${filename}.`, ErrorCode.StoreNotFound, { filename }, { cause }),
  /** The store is out of space; nothing was written. */
  storageFull: (cause?: unknown) =>
    new StintError("The task store is out of space; the write was not stored.", ErrorCode.StorageFull, null, { cause }),
  /** A value of a write the store refuses. No cause kept: a driver's error can quote the refused value (task data) in its detail. */
  storageValueRefused: (reason: string) =>
    new StintError(`The task store refused a value: ${reason}. Nothing of that write was stored.`, ErrorCode.StorageValueRefused, { reason }),
  /** A task's iteration produced what the store refuses: stored as the task's failure instead. */
  outcomeRefused: (reason: string) =>
    new StintError(
      `The task store refused what this iteration produced (its output, checkpoint, progress or log items): ${reason}. The task failed instead.`,
      ErrorCode.OutcomeRefused,
      { reason },
    ),
  /** The config file given does not exist. */
  configNotFound: (path: string) =>
    new StintError(`Config file "${path}" was not found.`, ErrorCode.ConfigNotFound, { path }),
  /** The config file cannot be loaded or has the wrong shape. */
  configInvalid: (path: string, reason: string) =>
    new StintError(`Config file "${path}" is invalid: ${reason}`, ErrorCode.ConfigInvalid, { path, reason }),
  /** An API request without the permission it needs. */
  notAuthorized: () => new StintError("Not authorized!", ErrorCode.NotAuthorized),
  /** No schedule has this id. */
  scheduleNotFound: (id: string) => new StintError(`Schedule "${id}" was not found!`, ErrorCode.ScheduleNotFound, { id }),
  /** A schedule id already in use. */
  scheduleDuplicate: (id: string) => new StintError(`Schedule "${id}" already exists.`, ErrorCode.ScheduleDuplicate, { id }),
  /** A schedule field Stint cannot use; `data.field` names it. */
  scheduleInvalid: (field: string, reason: string) =>
    new StintError(`Invalid schedule ${field}: ${reason}`, ErrorCode.ScheduleInvalid, { field, reason }),
  /** A call on a Stint that was closed. */
  closed: () => new StintError("Stint has been closed.", ErrorCode.Closed),
};

/** 355 days (Webiny's limit for delays and continue waits). */
export const MAX_DELAY_SECONDS = 30_672_000;
/** 232 KiB: the largest stored output (Webiny's limit). */
export const MAX_OUTPUT_BYTES = 237_568;

/**
 * A short printable form of any value for an error message. `String()` throws for some
 * values (`Object.create(null)`, `{ toString: 1 }`); an error message must never throw.
 */
export function describeValue(value: unknown, max = 100): string {
  let text: string;
  try {
    text = String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Hides the password of a database URL before it is shown anywhere. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}

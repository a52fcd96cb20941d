/**
 * Every error a user can see, worded in one place so every entry point (TaskService,
 * GraphQL, CLI) and every storage adapter says the same thing. Messages and codes that
 * Webiny has are Webiny's (WEBINY-COMPAT "Errors"); Stint's own follow the same style.
 */

export class StintError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown> | null;

  constructor(message: string, code: string, data: Record<string, unknown> | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StintError";
    this.code = code;
    this.data = data;
  }

  toJSON(): { message: string; code: string; data: Record<string, unknown> | null } {
    return { message: this.message, code: this.code, data: this.data };
  }
}

export function isStintError(error: unknown, code?: string): error is StintError {
  return error instanceof StintError && (code === undefined || error.code === code);
}

export const ErrorCode = {
  DefinitionNotFound: "TASK_DEFINITION_ERROR",
  DefinitionInvalid: "TASK_DEFINITION_INVALID",
  DefinitionDuplicate: "TASK_DEFINITION_DUPLICATE",
  ValidationFailed: "VALIDATION_FAILED_INVALID_FIELDS",
  MaxDelay: "MAX_DELAY_ERROR",
  InvalidDelay: "INVALID_DELAY",
  AbortNotAllowed: "TASK_ABORT_ERROR",
  /** Webiny v5's code (handler-graphql `NotFoundError`) for an unknown task id. */
  TaskNotFound: "NOT_FOUND",
  InvalidId: "INVALID_TASK_ID",
  InvalidArgument: "INVALID_ARGUMENT",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  Timeout: "TASK_TIMEOUT",
  LeaseLost: "TASK_LEASE_LOST",
  MaxIterations: "TASK_MAX_ITERATIONS",
  RunError: "TASK_RUN_ERROR",
  InvalidDatabaseUrl: "INVALID_DATABASE_URL",
  StorageUnavailable: "STORAGE_UNAVAILABLE",
  StorageFull: "STORAGE_FULL",
  /** A SQLite file asked for as an existing store (`fileMustExist`) is not there. */
  StoreNotFound: "STORE_NOT_FOUND",
  /** An in-memory store given to a CLI command that would lose it when it exits. */
  StoreInMemory: "STORE_IN_MEMORY",
  ConfigNotFound: "CONFIG_NOT_FOUND",
  ConfigInvalid: "CONFIG_INVALID",
  NotAuthorized: "SECURITY_NOT_AUTHORIZED",
  Closed: "STINT_CLOSED",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const Errors = {
  definitionNotFound: (id: string) =>
    new StintError("Task definition was not found!", ErrorCode.DefinitionNotFound, { id }),
  definitionIdInvalid: (id: string) =>
    new StintError(
      `Task ID "${id}" is invalid. It must be in camelCase format, for example: "myCustomTask".`,
      ErrorCode.DefinitionInvalid,
      { id },
    ),
  definitionDuplicate: (id: string) =>
    new StintError(`Task definition "${id}" is already registered.`, ErrorCode.DefinitionDuplicate, { id }),
  definitionInvalid: (id: string, reason: string) =>
    new StintError(`Task definition "${id}" is invalid: ${reason}`, ErrorCode.DefinitionInvalid, { id, reason }),
  validationFailed: (invalidFields: Record<string, { code: string; message: string; data: { path: (string | number)[] } }>) =>
    new StintError("Validation failed.", ErrorCode.ValidationFailed, { invalidFields }),
  maxDelay: (delay: number) =>
    new StintError("The maximum delay for a task is 355 days.", ErrorCode.MaxDelay, { delay, max: MAX_DELAY_SECONDS }),
  invalidDelay: (delay: unknown) =>
    new StintError("The delay must be a finite number of seconds.", ErrorCode.InvalidDelay, { delay: describeValue(delay) }),
  abortNotAllowed: (id: string, status: string) =>
    new StintError("Cannot abort a task that is not pending or running!", ErrorCode.AbortNotAllowed, { id, status }),
  /** Webiny v5's abort of an unknown id: `Task "<id>" was not found!`, code NOT_FOUND. */
  taskNotFound: (id: string) => new StintError(`Task "${id}" was not found!`, ErrorCode.TaskNotFound, { id }),
  invalidId: (id: unknown) =>
    new StintError(`Task ID "${describeValue(id)}" is not a valid task ID.`, ErrorCode.InvalidId, { id: describeValue(id) }),
  invalidArgument: (argument: string, reason: string) =>
    new StintError(`Invalid ${argument}: ${reason}`, ErrorCode.InvalidArgument, { argument, reason }),
  payloadTooLarge: (what: string, size: number, max: number) =>
    new StintError(`The ${what} is too large: ${size} bytes, at most ${max} allowed.`, ErrorCode.PayloadTooLarge, { size, max }),
  timeout: (seconds: number) =>
    new StintError(`Task iteration exceeded its time budget of ${seconds} seconds.`, ErrorCode.Timeout, { seconds }),
  hookTimeout: (hook: string, seconds: number) =>
    new StintError(`Task hook ${hook} exceeded its time budget of ${seconds} seconds and was left behind.`, ErrorCode.Timeout, { hook, seconds }),
  leaseLost: (id: string) =>
    new StintError(`Task "${id}" lease was taken over by another worker.`, ErrorCode.LeaseLost, { id }),
  maxIterations: () => new StintError("Task reached max iterations.", ErrorCode.MaxIterations),
  invalidDatabaseUrl: (url: string) =>
    new StintError(
      `Unsupported database URL "${redactUrl(url)}": use sqlite:<file>, sqlite::memory: or postgres://...`,
      ErrorCode.InvalidDatabaseUrl,
      { url: redactUrl(url) },
    ),
  storageUnavailable: (reason: string, cause?: unknown) =>
    new StintError(`The task store is unavailable: ${reason}`, ErrorCode.StorageUnavailable, null, { cause }),
  storeNotFound: (filename: string, cause?: unknown) =>
    new StintError(`No Stint database at ${filename}.`, ErrorCode.StoreNotFound, { filename }, { cause }),
  storageFull: (cause?: unknown) =>
    new StintError("The task store is out of space; the write was not stored.", ErrorCode.StorageFull, null, { cause }),
  configNotFound: (path: string) =>
    new StintError(`Config file "${path}" was not found.`, ErrorCode.ConfigNotFound, { path }),
  configInvalid: (path: string, reason: string) =>
    new StintError(`Config file "${path}" is invalid: ${reason}`, ErrorCode.ConfigInvalid, { path, reason }),
  notAuthorized: () => new StintError("Not authorized!", ErrorCode.NotAuthorized),
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

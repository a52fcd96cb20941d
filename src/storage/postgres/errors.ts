/**
 * Native `pg` / PostgreSQL errors translated into Stint's, so callers see the same
 * messages and codes whatever the store (River's `interpretError` habit).
 */
import { Errors, StintError } from "../../domain/errors.js";
import { JSON_ENCODING_REASON, isJsonEncodingError } from "../../domain/json-safety.js";

interface PgLikeError extends Error {
  code?: string;
  constraint?: string;
  severity?: string;
}

// Node socket errors that mean "the server is not there (any more)".
const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN",
  "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED",
]);

// SQLSTATEs after which retrying later may well succeed.
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown (server stopping, or pg_terminate_backend)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up / recovery)
  "53300", // too_many_connections
  "3D000", // invalid_catalog_name: the database does not exist (yet)
]);

export function isUnavailable(error: PgLikeError): boolean {
  const code = error.code ?? "";
  if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith("08")) return true;
  // Node's happy-eyeballs connect (several addresses) fails with all of their errors.
  if (error instanceof AggregateError) return error.errors.some((inner) => inner instanceof Error && isUnavailable(inner));
  // pg reports a dropped socket without a code, only with these messages.
  return /Connection terminated|Client has encountered a connection error|connection timeout|timeout expired|timeout exceeded when trying to connect|Client was closed/i.test(
    error.message ?? "",
  );
}

export type ErrorContext = "create" | "other";

/** A native error as the Stint error callers see (the same name in both adapters' errors.ts). */
export function toStintError(error: unknown, context: ErrorContext = "other"): Error {
  if (error instanceof StintError) return error;
  if (!(error instanceof Error)) return new Error(String(error));
  const pgError = error as PgLikeError;
  if (pgError.code === "53100") return Errors.storageFull(error);
  if (pgError.code === "23505" && context === "create") {
    // The other unique index of tasks: 0005_flow_control.sql.
    if ((pgError as { constraint?: string }).constraint === "tasks_idempotency_idx") {
      return Errors.invalidArgument("idempotencyKey", "a task of this definition already holds this key");
    }
    return Errors.invalidArgument("id", "a task with this id already exists");
  }
  if (isUnavailable(pgError)) return Errors.storageUnavailable(pgError.message || pgError.code || "connection lost", error);
  if (isValueError(pgError)) return Errors.storageValueRefused(valueErrorReason(pgError.code!));
  if (isServerError(pgError)) return withoutData(pgError);
  return isJsonEncodingError(error) ? Errors.storageValueRefused(JSON_ENCODING_REASON) : error;
}

/**
 * A value of the write is at fault, not the store: class 22 (data exception: invalid JSON
 * text, an unsupported Unicode escape, a number out of range) and class 54 (program limit
 * exceeded: a value too big or nested too deep). The same write always fails again.
 */
function isValueError(error: PgLikeError): boolean {
  return isServerError(error) && (error.code!.startsWith("22") || error.code!.startsWith("54"));
}

function isServerError(error: PgLikeError): boolean {
  return typeof error.code === "string" && /^[0-9A-Z]{5}$/.test(error.code) && typeof error.severity === "string";
}

/**
 * A fixed text per condition, never PostgreSQL's own: its message can quote the value
 * (`invalid input syntax for type integer: "..."`), and `detail` and `where` often do.
 */
function valueErrorReason(code: string): string {
  const known: Record<string, string> = {
    "22P02": "invalid text for its type (for JSON: a lone UTF-16 surrogate, or malformed JSON)",
    "22P05": "a character PostgreSQL cannot store (NUL, U+0000)",
    "22021": "a character not valid in the database's encoding",
    "22003": "a number out of range",
    "22001": "a string too long for its column",
    "54000": "a value larger than PostgreSQL allows",
    "54001": "a value nested deeper than PostgreSQL allows",
  };
  return `${known[code] ?? (code.startsWith("54") ? "a value beyond PostgreSQL's limits" : "invalid data")} (SQLSTATE ${code})`;
}

/**
 * Any other server error, with its code and message (which name the statement's tables,
 * columns and constraints) but not its `detail`, `where`, `hint` or query text, which can
 * quote a row's values (`Failing row contains (...)`, `Key (id)=(...)`).
 */
function withoutData(error: PgLikeError): Error {
  const safe = new Error(error.message) as PgLikeError;
  safe.name = "PostgresError";
  safe.code = error.code;
  if (error.constraint !== undefined) safe.constraint = error.constraint;
  safe.severity = error.severity;
  return safe;
}

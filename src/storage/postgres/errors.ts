/**
 * Native `pg` / PostgreSQL errors translated into Stint's, so callers see the same
 * messages and codes whatever the store (River's `interpretError` habit).
 */
import { Errors, StintError } from "../../domain/errors.js";

interface PgLikeError extends Error {
  code?: string;
  constraint?: string;
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

export function mapPgError(error: unknown, context: ErrorContext = "other"): Error {
  if (error instanceof StintError) return error;
  if (!(error instanceof Error)) return new Error(String(error));
  const pgError = error as PgLikeError;
  if (pgError.code === "53100") return Errors.storageFull(error);
  if (pgError.code === "23505" && context === "create") {
    return Errors.invalidArgument("id", "a task with this id already exists");
  }
  if (isUnavailable(pgError)) return Errors.storageUnavailable(pgError.message || pgError.code || "connection lost", error);
  return error;
}

/**
 * Native SQLite errors → Stint's domain errors (src/domain/errors.ts), so callers see the
 * same codes and messages whichever adapter stores their tasks.
 */
import { Errors, StintError } from "../../domain/errors.js";
import { JSON_ENCODING_REASON, isJsonEncodingError } from "../../domain/json-safety.js";

interface SqliteErrorLike {
  code?: unknown;
  message?: unknown;
}

/** A native error as the Stint error callers see (the same name in both adapters' errors.ts); anything else unchanged. */
export function toStintError(error: unknown): unknown {
  if (error instanceof StintError) return error;
  const code = typeof (error as SqliteErrorLike)?.code === "string" ? ((error as SqliteErrorLike).code as string) : "";
  if (code === "SQLITE_FULL") return Errors.storageFull(error);
  // better-sqlite3 has already waited busy_timeout when these surface.
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return Errors.storageUnavailable("the database stayed locked by another process past the busy timeout", error);
  }
  if (code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_IOERR") || code === "SQLITE_READONLY") {
    return Errors.storageUnavailable(String((error as SqliteErrorLike).message ?? code), error);
  }
  if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
    return Errors.storageUnavailable("the store has been closed", error);
  }
  // A value of the write is at fault, not the store: the same write always fails again.
  if (code === "SQLITE_TOOBIG") return Errors.storageValueRefused("a value larger than SQLite allows (SQLITE_TOOBIG)");
  if (code === "SQLITE_MISMATCH") return Errors.storageValueRefused("a value of the wrong type (SQLITE_MISMATCH)");
  if (isJsonEncodingError(error)) return Errors.storageValueRefused(JSON_ENCODING_REASON);
  return error;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as SqliteErrorLike)?.code;
  return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

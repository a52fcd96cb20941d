/**
 * What is at a SQLite store's path before the adapter opens it. Opening switches the file
 * to WAL mode and migrating adds Stint's tables: neither may happen to a file that is not
 * a Stint store (another application's database, /etc/passwd, a directory). Both checks
 * open the file read-only, so they change nothing.
 */
import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { ErrorCode, Errors, isStintError, StintError } from "../../domain/errors.js";
import { toStintError } from "./errors.js";

/** A path that holds something other than a Stint store; `reason` says what. */
export function notAStore(filename: string, reason: string, cause?: unknown): StintError {
  return new StintError(`No Stint database at ${filename} (${reason}).`, ErrorCode.StoreNotFound, { filename, reason }, { cause });
}

const NOT_A_DATABASE = "not a SQLite database";
const FOREIGN_DATABASE = "a SQLite database without Stint's tables";

/**
 * For an open that may create the store: a missing or empty file, an empty database or a
 * Stint store pass; anything else is STORE_NOT_FOUND with a reason.
 */
export function assertCreatable(filename: string, busyTimeoutMs: number): void {
  let size: number;
  try {
    const stat = statSync(filename);
    if (stat.isDirectory()) throw notAStore(filename, "a directory");
    if (!stat.isFile()) throw notAStore(filename, "not a regular file");
    size = stat.size;
  } catch (error) {
    if (isStintError(error)) throw error;
    if ((error as { code?: string }).code === "ENOENT") return; // created by the open
    throw toStintError(error);
  }
  if (size === 0) return; // SQLite takes an empty file as a new database
  const tables = probeTables(filename, busyTimeoutMs);
  if (tables.length > 0 && !tables.includes("stint_migrations")) throw notAStore(filename, FOREIGN_DATABASE);
}

/**
 * For an open that must find a store: the file is there and holds a Stint store.
 * Missing (or its directory): STORE_NOT_FOUND; there but not a store: with a reason.
 */
export function assertStintFile(filename: string, busyTimeoutMs: number): void {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(filename);
  } catch (error) {
    throw Errors.storeNotFound(filename, error);
  }
  if (stat.isDirectory()) throw notAStore(filename, "a directory");
  if (!stat.isFile()) throw notAStore(filename, "not a regular file");
  if (!probeTables(filename, busyTimeoutMs).includes("stint_migrations")) throw notAStore(filename, FOREIGN_DATABASE);
}

/** The tables of the database at `filename`, read-only; not a database: STORE_NOT_FOUND with a reason. */
function probeTables(filename: string, busyTimeoutMs: number): string[] {
  let probe: Database.Database | undefined;
  try {
    // Another process may be migrating the file this moment: wait for it as a write would.
    probe = new Database(filename, { readonly: true, fileMustExist: true, timeout: Math.max(0, Math.floor(busyTimeoutMs)) });
    return probe.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT")) throw notAStore(filename, NOT_A_DATABASE, error);
    throw toStintError(error);
  } finally {
    probe?.close();
  }
}

/**
 * The SQLite StorageAdapter: wires one connection to the operation modules and turns
 * native errors into Stint's. better-sqlite3 is synchronous; each method still returns a
 * promise (the port is async for PostgreSQL), and any throw becomes a rejection.
 */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { Errors, isStintError } from "../../domain/errors.js";
import type { StorageAdapter } from "../port/storage.js";
import type { StorageCapabilities } from "../port/types.js";
import { taskClaim, taskHooksDone, taskNextDueAt, taskReleaseLeases, taskRenewLeases } from "./claims.js";
import { startCheckpointer } from "./checkpointer.js";
import { openDb, usesWal } from "./connection.js";
import { translateError } from "./errors.js";
import { taskAbort, taskFinishMany, taskUpdate } from "./finish.js";
import { logAppend, logList } from "./logs.js";
import { migrate, storedVersion } from "./migrate.js";
import { taskCreateMany, taskDelete, taskGet, taskGetMany, taskList } from "./tasks.js";

/** Options of {@link createSqliteStorage}. */
export interface SqliteStorageOptions {
  /** Database file, created with its directory when missing; ":memory:" for a private one. */
  filename: string;
  /**
   * Refuse to create a missing file (and its directory): opening fails with
   * STORE_NOT_FOUND. For callers that only read or change existing tasks, where a new
   * empty store would hide a mistyped path.
   * @defaultValue false
   */
  fileMustExist?: boolean;
  /**
   * How long a write waits for another process's write lock before failing with
   * STORAGE_UNAVAILABLE.
   * @defaultValue 5000
   */
  busyTimeoutMs?: number;
}

const CAPABILITIES: StorageCapabilities = Object.freeze({
  supportsNotify: false,
  supportsSkipLocked: false,
  multiProcess: true,
  // Handoff needs a signal to the idle worker in another process; in one process a
  // trigger already wakes the worker at once (WorkerSignals).
  supportsHandoff: false,
});

/**
 * `fileMustExist`: the file is there and holds a Stint store, checked read-only before
 * the real open, which would switch any SQLite file to WAL mode (a change to another
 * application's database). Missing, not a database, or without Stint's tables: STORE_NOT_FOUND.
 */
function assertStintFile(filename: string): void {
  let probe: Database.Database | undefined;
  try {
    probe = new Database(filename, { readonly: true, fileMustExist: true });
    const table = probe.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stint_migrations'`).get();
    if (!table) throw Errors.storeNotFound(filename);
  } catch (error) {
    if (isStintError(error)) throw error;
    // Missing (or its directory), or not a database: either way no store of ours is there.
    const code = (error as { code?: string }).code ?? "";
    if (!existsSync(filename) || code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CANTOPEN")) throw Errors.storeNotFound(filename, error);
    throw translateError(error);
  } finally {
    probe?.close();
  }
}

export function createSqliteStorage(options: SqliteStorageOptions): StorageAdapter {
  if (options.fileMustExist && options.filename !== ":memory:") assertStintFile(options.filename);
  let db: ReturnType<typeof openDb>;
  try {
    db = openDb(options.filename, options.busyTimeoutMs ?? 5000, { fileMustExist: options.fileMustExist });
  } catch (error) {
    // SQLite already refused the open; existsSync only tells a missing file (or directory)
    // from one that exists but cannot be opened (permissions, not a database).
    if (options.fileMustExist && !existsSync(options.filename)) throw Errors.storeNotFound(options.filename, error);
    throw translateError(error);
  }
  const checkpointer = usesWal(options.filename) ? startCheckpointer(options.filename) : undefined;

  /** Runs a synchronous operation as the port's async one, with errors translated. */
  function op<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R> {
    return async (...args) => {
      try {
        return fn(...args);
      } catch (error) {
        throw translateError(error);
      }
    };
  }

  return {
    name: "sqlite",
    capabilities: CAPABILITIES,
    migrate: op(() => migrate(db)),
    storedVersion: op(() => storedVersion(db)),
    ping: op(() => {
      db.stmt("SELECT 1").get();
    }),
    close: async () => {
      await checkpointer?.stop();
      if (db.raw.open) db.raw.close();
    },

    taskCreateMany: op((params) => taskCreateMany(db, params)),
    taskGet: op((id) => taskGet(db, id)),
    taskGetMany: op((ids) => taskGetMany(db, ids)),
    taskList: op((params) => taskList(db, params)),
    taskDelete: op((id) => taskDelete(db, id)),

    taskClaim: op((params) => taskClaim(db, params)),
    taskRenewLeases: op((params) => taskRenewLeases(db, params)),
    taskReleaseLeases: op((params) => taskReleaseLeases(db, params)),
    taskFinishMany: op((params) => taskFinishMany(db, params)),
    taskHooksDone: op((params) => taskHooksDone(db, params)),
    taskUpdate: op((params) => taskUpdate(db, params)),
    taskAbort: op((params) => taskAbort(db, params)),
    taskNextDueAt: op((definitionIds) => taskNextDueAt(db, definitionIds)),
    taskWithdrawHandoff: async () => [],

    logAppend: op((params) => logAppend(db, params)),
    logList: op((params) => logList(db, params)),

    // No cross-process signal in SQLite: workers poll (capability supportsNotify: false).
    publish: async () => {},
    subscribe: () => () => {},
  };
}

/**
 * The SQLite StorageAdapter: wires one connection to the operation modules and turns
 * native errors into Stint's. better-sqlite3 is synchronous; each method still returns a
 * promise (the port is async for PostgreSQL), and any throw becomes a rejection.
 */
import { existsSync } from "node:fs";
import { Errors } from "../../domain/errors.js";
import type { AbortWatchOptions, StorageAdapter } from "../port/storage.js";
import type { StorageCapabilities } from "../port/types.js";
import { taskClaim, taskHooksDone, taskNextDueAt, taskReleaseLeases, taskRenewLeases } from "./claim.js";
import { watchAborts } from "./abort-watch.js";
import { startCheckpointer } from "./checkpointer.js";
import { openDb, usesWal } from "./connection.js";
import type { SqliteStorageOptions } from "./options.js";
import { toStintError } from "./errors.js";
import { taskAbort, taskFinishMany, taskUpdate } from "./finish.js";
import { logAppend, logList } from "./logs.js";
import { migrate, storedVersion } from "./migrate.js";
import { assertCreatable, assertStintFile } from "./store-file.js";
import { taskStats, workerList, workerUnregister } from "./workers.js";
import * as schedules from "./schedules.js";
import * as retention from "./retention.js";
import { taskCreateOrGet, taskFindByIdempotencyKey } from "./create-or-get.js";
import { taskCreateMany, taskDelete, taskGet, taskGetMany, taskList } from "./tasks.js";
import { taskAbortMany, taskDeleteMany, taskSubtree } from "./bulk.js";

const CAPABILITIES: StorageCapabilities = Object.freeze({
  supportsNotify: false,
  // Handoff needs a signal to the idle worker in another process; in one process a
  // trigger already wakes the worker at once (WorkerSignals).
  supportsHandoff: false,
});

export function createSqliteStorage(options: SqliteStorageOptions): StorageAdapter {
  // Checked read-only before the real open, which would switch any SQLite file to WAL
  // mode (a change to another application's database) and migrations add tables to it.
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (options.filename !== ":memory:") {
    if (options.fileMustExist) assertStintFile(options.filename, busyTimeoutMs);
    else assertCreatable(options.filename, busyTimeoutMs);
  }
  let db: ReturnType<typeof openDb>;
  try {
    db = openDb(options.filename, busyTimeoutMs, { fileMustExist: options.fileMustExist });
  } catch (error) {
    // SQLite already refused the open; existsSync only tells a missing file (or directory)
    // from one that exists but cannot be opened (permissions, not a database).
    if (options.fileMustExist && !existsSync(options.filename)) throw Errors.storeNotFound(options.filename, error);
    throw toStintError(error);
  }
  const checkpointer = usesWal(options.filename) ? startCheckpointer(options.filename) : undefined;

  /** Runs a synchronous operation as the port's async one, with errors translated. */
  function op<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R> {
    return async (...args) => {
      try {
        return fn(...args);
      } catch (error) {
        throw toStintError(error);
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
    taskCreateOrGet: op((params) => taskCreateOrGet(db, params.tasks)),
    taskFindByIdempotencyKey: op((params) => taskFindByIdempotencyKey(db, params)),
    taskGet: op((params) => taskGet(db, params)),
    taskGetMany: op((params) => taskGetMany(db, params)),
    // Async (it yields between slices): awaited so its errors are translated too.
    taskList: async (params) => {
      try {
        return await taskList(db, params, options.readSliceMs);
      } catch (error) {
        throw toStintError(error);
      }
    },
    taskDelete: op((params) => taskDelete(db, params)),
    taskDeleteMany: op((params) => taskDeleteMany(db, params)),
    taskSubtree: op((params) => taskSubtree(db, params)),

    taskClaim: op((params) => taskClaim(db, params)),
    taskRenewLeases: op((params) => taskRenewLeases(db, params)),
    taskReleaseLeases: op((params) => taskReleaseLeases(db, params)),
    taskFinishMany: op((params) => taskFinishMany(db, params)),
    taskHooksDone: op((params) => taskHooksDone(db, params)),
    taskUpdate: op((params) => taskUpdate(db, params)),
    taskAbort: op((params) => taskAbort(db, params)),
    taskAbortMany: op((params) => taskAbortMany(db, params)),
    taskNextDueAt: op((params) => taskNextDueAt(db, params)),
    taskWithdrawHandoff: async () => [],
    taskStats: op((params) => taskStats(db, params)),

    workerList: op((params) => workerList(db, params)),
    workerUnregister: op((params) => workerUnregister(db, params)),

    logAppend: op((params) => logAppend(db, params)),
    logList: op((params) => logList(db, params)),

    scheduleCreate: op((params) => schedules.scheduleCreate(db, params)),
    scheduleUpdate: op((params) => schedules.scheduleUpdate(db, params)),
    scheduleGet: op((params) => schedules.scheduleGet(db, params)),
    scheduleList: op((params) => schedules.scheduleList(db, params)),
    scheduleDelete: op((params) => schedules.scheduleDelete(db, params)),
    scheduleListDue: op((params) => schedules.scheduleListDue(db, params)),
    scheduleNextDueAt: op((params) => schedules.scheduleNextDueAt(db, params)),
    scheduleTick: op((params) => schedules.scheduleTick(db, params)),

    settingsGet: op(() => retention.settingsGet(db)),
    settingsUpdate: op((params) => retention.settingsUpdate(db, params)),
    leaseAcquire: op((params) => retention.leaseAcquire(db, params)),
    leaseRelease: op((params) => retention.leaseRelease(db, params)),
    taskSweepFinished: op((params) => retention.taskSweepFinished(db, params)),
    taskDeleteFinishedTrees: op((params) => retention.taskDeleteFinishedTrees(db, params)),

    // Only a file has other connections: in memory, every abort is this process's own.
    ...(usesWal(options.filename) ? { watchAborts: (watch: AbortWatchOptions) => watchAborts(db, watch) } : {}),

    // No cross-process signal in SQLite: workers poll (capability supportsNotify: false).
    publish: async () => {},
    subscribe: () => () => {},
  };
}

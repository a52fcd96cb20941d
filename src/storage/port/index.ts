export type { AbortWatch, AbortWatchOptions, MigrateResult, StorageAdapter } from "./storage.js";
export type * from "./types.js";
export type { TaskStatsParams, TaskStatsRow, WorkerBeat, WorkerListParams, WorkerRecord, WorkerUnregisterParams } from "./observability.js";
export { WORKER_FORGET_AFTER_LEASES, WORKER_FORGET_AFTER_MS, workerForgetAt } from "./observability.js";

export type { AbortWatch, AbortWatchOptions, MigrateResult, StorageAdapter } from "./storage.js";
export type * from "./types.js";
export type * from "./schedules.js";

export type { MigrateResult, StorageAdapter } from "./storage.js";
export type * from "./types.js";

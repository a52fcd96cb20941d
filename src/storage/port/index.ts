export type { StorageAdapter } from "./storage.js";
export type * from "./types.js";

/** The SQLite storage adapter (`stint/sqlite`). */
export { createSqliteStorage } from "./adapter.js";
export type { SqliteStorageOptions } from "./options.js";

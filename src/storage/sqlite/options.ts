/**
 * Options of the SQLite adapter. Their defaults are applied where each is used
 * (adapter.ts: busy timeout, tasks.ts: read slices).
 */

/** Options of {@link createSqliteStorage}. */
export interface SqliteStorageOptions {
  /**
   * Database file, created with its directory when missing; ":memory:" for a private one.
   * A file that is there must be a Stint store, an empty file or an empty database:
   * anything else (another application's database, not a database, a directory) fails
   * with STORE_NOT_FOUND and is left as it was.
   */
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
  /**
   * How long a task list may hold the thread before it yields to other work and reads on
   * (SQLite calls are synchronous; tasks.ts `taskList`).
   * @defaultValue 20
   */
  readSliceMs?: number;
}

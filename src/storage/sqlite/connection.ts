/**
 * One better-sqlite3 connection with the settings every Stint process uses on a shared
 * file, a prepared-statement cache, and the two transaction kinds the adapter needs.
 */
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { BACKSTOP_PAGES } from "./checkpointer.js";

/**
 * How a statement hands back rows: `object` (one object per row, keyed by column name),
 * `raw` (one array of values per row, in select order) or `pluck` (the first column's
 * value). Building an object per row costs about 2 µs for a task row, an array a fraction.
 */
export type RowMode = "object" | "raw" | "pluck";

export interface Db {
  readonly raw: Database.Database;
  /** The prepared statement for `sql` returning rows as `mode` says, prepared once per connection. */
  stmt(sql: string, mode?: RowMode): Database.Statement;
  /**
   * Runs `fn` in a `BEGIN IMMEDIATE` transaction (a savepoint when nested). Every write
   * goes through here: taking the write lock up front means a second process waits for
   * `busy_timeout` instead of failing a deferred read-then-write upgrade at once.
   */
  write<T>(fn: () => T): T;
  /** Runs `fn` in a deferred transaction: one consistent snapshot for multi-query reads. */
  read<T>(fn: () => T): T;
}

const MAX_CACHED_STATEMENTS = 200;

/**
 * Runs `fn` again while SQLite answers SQLITE_BUSY, for up to `timeoutMs`. Switching a new
 * file to WAL reads it first and then needs the write lock; when several processes open
 * the same new file at once, SQLite refuses that upgrade at once instead of calling the
 * busy handler (which could deadlock), so busy_timeout alone does not cover it (seen in a
 * CI run of the multi-process migration test).
 */
function retryWhileBusy<T>(fn: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      // A synchronous pause: this runs once, while the store opens.
      Atomics.wait(PAUSE, 0, 0, Math.min(50, 2 * 2 ** attempt));
    }
  }
}
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** A file database (an in-memory one has no WAL to checkpoint). */
export function usesWal(filename: string): boolean {
  return filename !== ":memory:" && !filename.startsWith("file::memory:") && filename !== "";
}

export interface OpenDbOptions {
  /** Fail when the file is missing instead of creating it and its directory. */
  fileMustExist?: boolean;
}

/**
 * A store holds every task's input and output: readable by its owner only. The folders
 * made for it are 0700 and a new file 0600 (created here, empty, before SQLite opens it:
 * SQLite would create it 0644). SQLite gives the -wal and -shm files the database file's
 * mode. An existing folder or file keeps its mode.
 */
function createPrivately(filename: string): void {
  mkdirSync(dirname(filename), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(filename, "wx", 0o600));
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
  }
}

export function openDb(filename: string, busyTimeoutMs: number, options: OpenDbOptions = {}): Db {
  const fileMustExist = options.fileMustExist ?? false;
  if (!fileMustExist && filename !== ":memory:" && !filename.startsWith("file:")) createPrivately(filename);
  // `timeout` is SQLite's busy_timeout: how long a statement waits for another writer.
  // `fileMustExist` opens without SQLITE_OPEN_CREATE: SQLite itself refuses a missing
  // file, so no other process can slip one in between a check and the open.
  const raw = new Database(filename, { timeout: Math.max(0, Math.floor(busyTimeoutMs)), fileMustExist });
  // WAL lets readers (lists, the UI) run while a worker writes, across processes.
  retryWhileBusy(() => raw.pragma("journal_mode = WAL"), busyTimeoutMs);
  // In WAL mode NORMAL never corrupts the file and survives a process crash; only an OS
  // crash or power loss may drop the last few commits. Worth it: FULL fsyncs every commit.
  raw.pragma("synchronous = NORMAL");
  // Log records and items are removed with their task by ON DELETE CASCADE.
  raw.pragma("foreign_keys = ON");
  // Temporary b-trees (RETURNING rows, json_each and window sorts) in memory: on the
  // default temporary file they spilled, one write call per page, 19 per created task.
  raw.pragma("temp_store = MEMORY");
  // Checkpoints run on a thread of their own (checkpointer.ts); this connection's
  // automatic one only as a backstop for a WAL the thread cannot keep up with.
  if (usesWal(filename)) raw.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);

  // One cache per row mode: the mode is a setting of the prepared statement itself.
  const caches: Record<RowMode, Map<string, Database.Statement>> = { object: new Map(), raw: new Map(), pluck: new Map() };
  const immediate = raw.transaction((fn: () => unknown) => fn()).immediate;
  const deferred = raw.transaction((fn: () => unknown) => fn()).deferred;

  return {
    raw,
    stmt(sql, mode = "object") {
      const statements = caches[mode];
      let statement = statements.get(sql);
      if (!statement) {
        // Hot statements are fixed strings; list queries vary with their filters, so the
        // cache is bounded (oldest first out) to keep those from growing it forever.
        if (statements.size >= MAX_CACHED_STATEMENTS) statements.delete(statements.keys().next().value!);
        statement = raw.prepare(sql);
        if (mode === "raw") statement.raw(true);
        else if (mode === "pluck") statement.pluck(true);
        statements.set(sql, statement);
      }
      return statement;
    },
    write: <T>(fn: () => T) => immediate(fn) as T,
    read: <T>(fn: () => T) => deferred(fn) as T,
  };
}

/** A JSON array parameter for `IN (SELECT value FROM json_each(?))`: one statement for any count. */
export function jsonList(values: readonly unknown[]): string {
  return JSON.stringify(values);
}

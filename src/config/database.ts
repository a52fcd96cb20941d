/**
 * Database URLs → storage adapters: `sqlite:./path.db`, `sqlite::memory:` (also
 * `sqlite:file::memory:` and `sqlite:file:name?mode=memory`), `postgres://...` /
 * `postgresql://...` (optional `?schema=name`). Adapters are loaded lazily so a SQLite
 * user never loads `pg` and the other way round.
 */
import { resolve } from "node:path";
import { Errors } from "../domain/errors.js";
import type { StorageAdapter } from "../storage/port/index.js";

/** The store when nothing else is set: a SQLite file under `./.stint/`. */
export const DEFAULT_DATABASE_URL = "sqlite:./.stint/stint.db";

/** What a database URL names: a SQLite file (or `:memory:`) or a PostgreSQL connection string. */
export type DatabaseTarget =
  | { kind: "sqlite"; filename: string }
  | { kind: "postgres"; connectionString: string };

/** SQLite's spellings of a private in-memory database: `:memory:`, `file::memory:[?...]`, `file:x?mode=memory`. */
const MEMORY_FORMS = /^(?::memory:|file::memory:(?:\?.*)?|file:[^?]*\?(?:.*&)?mode=memory(?:&.*)?)$/;

/** Parses a database URL (`sqlite:<file>`, `sqlite::memory:`, `postgres://...`); throws `INVALID_DATABASE_URL` for anything else. */
export function parseDatabaseUrl(url: unknown): DatabaseTarget {
  if (typeof url !== "string" || url.trim() === "") throw Errors.invalidDatabaseUrl(String(url));
  const value = url.trim();
  if (value.startsWith("sqlite:")) {
    let rest = value.slice("sqlite:".length);
    if (rest.startsWith("//")) rest = rest.slice(2); // sqlite://./file.db
    if (MEMORY_FORMS.test(rest)) return { kind: "sqlite", filename: ":memory:" };
    // better-sqlite3 reads no URI filenames: `file:x.db` would become a file of that very
    // name in the working directory, so any other `file:` form is refused, not guessed.
    if (rest === "" || rest.startsWith("file:")) throw Errors.invalidDatabaseUrl(value);
    return { kind: "sqlite", filename: resolve(rest) };
  }
  if (/^postgres(ql)?:\/\/./.test(value)) {
    try {
      new URL(value);
    } catch {
      throw Errors.invalidDatabaseUrl(value);
    }
    return { kind: "postgres", connectionString: value };
  }
  throw Errors.invalidDatabaseUrl(value);
}

/** True for a store that lives inside the process that opened it (SQLite in memory). */
export function isInMemory(target: DatabaseTarget): boolean {
  return target.kind === "sqlite" && target.filename === ":memory:";
}

export interface OpenStorageOptions {
  /**
   * Open only a Stint store that already exists: a SQLite file that is missing, not a
   * database or without Stint's tables, or a PostgreSQL schema without them, fails with
   * STORE_NOT_FOUND, and nothing is created or changed (migrations would add the tables).
   * For callers that only read or change existing tasks, where a new empty store means a
   * mistyped path or schema.
   * @defaultValue false
   */
  mustExist?: boolean;
}

/** Opens the storage adapter a database URL names (the adapter module is loaded only when used). */
export async function openStorage(url: string, options: OpenStorageOptions = {}): Promise<StorageAdapter> {
  const target = parseDatabaseUrl(url);
  if (target.kind === "sqlite") {
    const { createSqliteStorage } = await import("../storage/sqlite/index.js");
    return createSqliteStorage({ filename: target.filename, fileMustExist: options.mustExist ?? false });
  }
  const { createPostgresStorage } = await import("../storage/postgres/index.js");
  const adapter = createPostgresStorage({ connectionString: target.connectionString });
  // (The SQLite adapter checks its file itself, read-only, before its open changes it.)
  if (options.mustExist) await requireStintTables(adapter, "the PostgreSQL schema it names");
  return adapter;
}

/** Closes `adapter` and fails with STORE_NOT_FOUND when the store holds no Stint tables. */
async function requireStintTables(adapter: StorageAdapter, where: string): Promise<void> {
  let version: number | null;
  try {
    version = await adapter.storedVersion();
  } catch (error) {
    await adapter.close().catch(() => undefined);
    throw error;
  }
  if (version === null) {
    await adapter.close();
    throw Errors.storeNotFound(where);
  }
}

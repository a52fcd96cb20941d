/**
 * Database URLs → storage adapters: `sqlite:./path.db`, `sqlite::memory:`,
 * `postgres://...` / `postgresql://...` (optional `?schema=name`). Adapters are loaded
 * lazily so a SQLite user never loads `pg` and the other way round.
 */
import { resolve } from "node:path";
import { Errors } from "../domain/errors.js";
import type { StorageAdapter } from "../storage/port/index.js";

export const DEFAULT_DATABASE_URL = "sqlite:./.stint/stint.db";

export type DatabaseTarget =
  | { kind: "sqlite"; filename: string }
  | { kind: "postgres"; connectionString: string };

export function parseDatabaseUrl(url: unknown): DatabaseTarget {
  if (typeof url !== "string" || url.trim() === "") throw Errors.invalidDatabaseUrl(String(url));
  const value = url.trim();
  if (value.startsWith("sqlite:")) {
    let rest = value.slice("sqlite:".length);
    if (rest.startsWith("//")) rest = rest.slice(2); // sqlite://./file.db
    if (rest === ":memory:") return { kind: "sqlite", filename: ":memory:" };
    if (rest === "") throw Errors.invalidDatabaseUrl(value);
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

export async function openStorage(url: string): Promise<StorageAdapter> {
  const target = parseDatabaseUrl(url);
  if (target.kind === "sqlite") {
    const { createSqliteStorage } = await import("../storage/sqlite/index.js");
    return createSqliteStorage({ filename: target.filename });
  }
  const { createPostgresStorage } = await import("../storage/postgres/index.js");
  return createPostgresStorage({ connectionString: target.connectionString });
}

/**
 * Applies the embedded migrations (migrations.generated.ts, built from migrations/*.sql).
 * Everything happens in one IMMEDIATE transaction that re-reads the applied versions
 * after taking the write lock, so two processes migrating at once apply each version once:
 * the second waits for the first, then finds nothing left to do.
 */
import { Errors } from "../../domain/errors.js";
import type { MigrateResult } from "../port/storage.js";
import type { Db } from "./connection.js";
import { migrations } from "./migrations.generated.js";

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS stint_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_on INTEGER NOT NULL
  ) STRICT`;

export function migrate(db: Db): MigrateResult {
  return db.write(() => {
    db.raw.exec(CREATE_MIGRATIONS_TABLE);
    const applied = new Set(
      (db.raw.prepare(`SELECT version FROM stint_migrations`).all() as { version: number }[]).map((r) => r.version),
    );
    const newest = Math.max(0, ...applied);
    if (newest > migrations.length) {
      // An older Stint must not write to a schema it does not know.
      throw Errors.storageUnavailable(
        `the database schema is at version ${newest}, newer than this Stint knows (${migrations.length}); upgrade Stint`,
      );
    }
    const record = db.raw.prepare(`INSERT INTO stint_migrations (version, name, applied_on) VALUES (?, ?, ?)`);
    const done: MigrateResult["applied"] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      db.raw.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      done.push({ version: migration.version, name: migration.name });
    }
    return { applied: done, version: migrations.length };
  });
}

/** The newest migration recorded in the file; null when it has no migrations table. */
export function storedVersion(db: Db): number | null {
  const table = db.raw.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stint_migrations'`).get();
  if (!table) return null;
  return (db.raw.prepare(`SELECT MAX(version) AS version FROM stint_migrations`).get() as { version: number | null }).version;
}

/**
 * Applies the numbered migrations (migrations.generated.ts, built from migrations/*.sql).
 *
 * Safe when several processes start at once: everything happens in one transaction that
 * first takes a transaction-scoped advisory lock keyed on the schema name, so the second
 * process waits, then finds the versions already applied. Processes whose schema is
 * already current never take the lock nor need CREATE rights on the database.
 */
import { createHash } from "node:crypto";
import type { MigrateResult } from "../port/storage.js";
import type { Db, Queryable } from "./connection.js";
import { migrations } from "./migrations.generated.js";

export async function migrate(db: Db): Promise<MigrateResult> {
  const before = await appliedVersions(db);
  if (pendingOf(before).length === 0) return { applied: [], version: newest(before) };
  const { names } = db;
  const result = await db.transaction(async (tx): Promise<MigrateResult> => {
    await tx.query("SELECT pg_advisory_xact_lock($1::bigint)", [lockKey(names.schema)]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${names.schemaIdent}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${names.migrations} (
         version    integer     NOT NULL PRIMARY KEY,
         name       text        NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const current = await appliedVersions(tx, db);
    const pending = pendingOf(current);
    if (pending.length > 0) {
      // The .sql files use unqualified names; LOCAL ends with the transaction.
      await tx.query(`SET LOCAL search_path TO ${names.schemaIdent}`);
    }
    for (const migration of pending) {
      await tx.query(migration.sql);
      await tx.query(`INSERT INTO ${names.migrations} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    return { applied: pending.map(({ version, name }) => ({ version, name })), version: newest(current) };
  });
  // Fresh statistics once the tables exist, so the first plans are not made blind (the
  // claim itself no longer depends on them, see claim.ts). Best effort: ANALYZE needs
  // ownership and is only a warning without it.
  if (result.applied.length > 0) {
    await db.query(`ANALYZE ${names.tasks}, ${names.logs}, ${names.logItems}`).catch((error: Error) => db.options.onError(error));
  }
  return result;
}

/** The newest migration recorded in the schema; null when it has no migrations table. */
export async function storedVersion(db: Db): Promise<number | null> {
  const applied = await appliedVersions(db);
  return applied === null ? null : Math.max(0, ...applied);
}

/** The versions recorded in the schema; null when it has no migrations table. */
async function appliedVersions(q: Queryable, db: Db = q as Db): Promise<Set<number> | null> {
  const [{ exists }] = await q.query<{ exists: boolean }>(
    "SELECT to_regclass($1) IS NOT NULL AS exists",
    [db.names.migrations],
  );
  if (!exists) return null;
  const rows = await q.query<{ version: number }>(`SELECT version FROM ${db.names.migrations}`);
  return new Set(rows.map((r) => r.version));
}

function pendingOf(applied: Set<number> | null) {
  return applied === null ? migrations : migrations.filter((m) => !applied.has(m.version));
}

/** The version the store is at once this Stint's migrations are in: its newest, or a newer Stint's. */
function newest(applied: Set<number> | null): number {
  return Math.max(migrations.length, ...(applied ?? []));
}

/** A stable 64-bit advisory lock key per schema (signed, as PostgreSQL's bigint). */
function lockKey(schema: string): string {
  const digest = createHash("sha256").update(`stint:migrate:${schema}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Retention (migration 0010): the settings row, named leases, the sweep's batch delete
 * and self-cleanup's tree delete. The log tables have no foreign keys
 * (0002_lighter_log_writes.sql): each delete takes its tasks first (their row locks wait
 * for a log append in flight), then, in a second statement of the same transaction (a
 * fresh snapshot that sees what such an append committed), their records and items, as
 * `taskDelete` does (tasks.ts).
 */
import type { RetentionStorage } from "../port/retention.js";
import { statement, type Db, type Queryable } from "./connection.js";
import type { SqlNames } from "./names.js";
import { ts } from "./row.js";

const FINISHED = `status IN ('success', 'failed', 'aborted') AND NOT hook_pending`;

/** The fixed statements (named: each connection plans them once). */
export function retentionStatements(names: SqlNames) {
  const { tasks, logs, logItems, settings, leases } = names;
  const SETTINGS_GET = statement(names, "settings_get", `SELECT retention_days FROM ${settings} WHERE id = 1`);
  const SETTINGS_UPDATE = statement(names, "settings_update", `
    INSERT INTO ${settings} (id, retention_days, saved_on) VALUES (1, $1, $2)
    ON CONFLICT (id) DO UPDATE SET retention_days = EXCLUDED.retention_days, saved_on = EXCLUDED.saved_on
    RETURNING retention_days`);
  // The compare-and-set: the row changes only when the lease is free, expired or the
  // asker's. Two racing inserts of a new name: the second waits on the first's unique
  // entry, then takes the ON CONFLICT path and sees its row.
  const LEASE_ACQUIRE = statement(names, "lease_acquire", `
    INSERT INTO ${leases} (name, holder, expires_at) VALUES ($1, $2, $3)
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
    WHERE ${leases}.holder = EXCLUDED.holder OR ${leases}.expires_at <= $4
    RETURNING holder`);
  const LEASE_RELEASE = statement(names, "lease_release", `DELETE FROM ${leases} WHERE name = $1 AND holder = $2`);
  // The candidates walk tasks_status_idx (status, created_on) for the finished statuses,
  // bounded by created_on < cutoff (a task finishes after it was created); finished_on
  // is checked on the rows the walk finds. SKIP LOCKED: a row some other write holds is
  // left for the next round rather than waited for.
  // A batch is ONE statement in autocommit: the tasks, then their log records and items
  // (data-modifying CTEs), so its row locks last one round trip, not a transaction's four
  // (docs/benchmarks.md "Retention sweep"). Swept tasks are finished with their hooks
  // confirmed: nothing appends to their logs any more.
  const GONE_WITH_LOGS = `gone AS (
      DELETE FROM ${tasks} t USING doomed WHERE t.id = doomed.id RETURNING t.id
    ), records AS (
      DELETE FROM ${logs} WHERE task_id IN (SELECT id FROM gone) RETURNING id
    ), items AS (
      DELETE FROM ${logItems} WHERE log_id IN (SELECT id FROM records)
    )
    SELECT id FROM gone`;
  const SWEEP = statement(names, "sweep", `
    WITH doomed AS (
      SELECT id FROM ${tasks}
      WHERE ${FINISHED} AND created_on < $1 AND finished_on < $1
        AND ($3::text[] IS NULL OR definition_id <> ALL ($3::text[]))
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    ), ${GONE_WITH_LOGS}`);
  // A per-definition retention: tasks_definition_idx (definition_id, created_on) instead.
  const SWEEP_DEFINITIONS = statement(names, "sweep_definitions", `
    WITH doomed AS (
      SELECT id FROM ${tasks}
      WHERE definition_id = ANY ($3::text[]) AND created_on < $1 AND finished_on < $1 AND ${FINISHED}
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    ), ${GONE_WITH_LOGS}`);
  // Down from the roots through finished tasks only (tasks_parent_idx): an unfinished
  // child stops the walk.
  const DELETE_TREES = statement(names, "delete_finished_trees", `
    WITH RECURSIVE tree (id) AS (
      SELECT id FROM ${tasks} WHERE id = ANY ($1::text[]) AND ${FINISHED}
      UNION
      SELECT c.id FROM ${tasks} c JOIN tree ON c.parent_id = tree.id
      WHERE c.status IN ('success', 'failed', 'aborted') AND NOT c.hook_pending
    )
    DELETE FROM ${tasks} t USING tree WHERE t.id = tree.id RETURNING t.id`);
  const DELETE_LOGS = statement(names, "delete_logs_of", `
    WITH records AS (
      DELETE FROM ${logs} WHERE task_id = ANY ($1::text[]) RETURNING id
    )
    DELETE FROM ${logItems} WHERE log_id IN (SELECT id FROM records)`);
  return { SETTINGS_GET, SETTINGS_UPDATE, LEASE_ACQUIRE, LEASE_RELEASE, SWEEP, SWEEP_DEFINITIONS, DELETE_TREES, DELETE_LOGS };
}

export function retentionOps(db: Db): RetentionStorage {
  const S = retentionStatements(db.names);

  /** The deleted tasks' logs, in the transaction that deleted them. */
  async function deleteLogs(tx: Queryable, rows: { id: string }[]): Promise<number> {
    if (rows.length > 0) await tx.query(S.DELETE_LOGS, [rows.map((r) => r.id)]);
    return rows.length;
  }

  return {
    async settingsGet() {
      const rows = await db.query<{ retention_days: number | null }>(S.SETTINGS_GET);
      return { retentionDays: rows[0]?.retention_days ?? null };
    },
    async settingsUpdate({ retentionDays, now }) {
      const [row] = await db.query<{ retention_days: number | null }>(S.SETTINGS_UPDATE, [retentionDays, ts(now)]);
      return { retentionDays: row!.retention_days };
    },
    async leaseAcquire({ name, holder, now, ttlMs }) {
      const rows = await db.query(S.LEASE_ACQUIRE, [name, holder, ts(now + ttlMs), ts(now)]);
      return rows.length > 0;
    },
    async leaseRelease({ name, holder }) {
      await db.query(S.LEASE_RELEASE, [name, holder]);
    },
    async taskSweepFinished({ finishedBefore, definitionIds, excludeDefinitionIds, limit }) {
      if (definitionIds && definitionIds.length === 0) return 0;
      const sql = definitionIds ? S.SWEEP_DEFINITIONS : S.SWEEP;
      const filter = definitionIds ?? (excludeDefinitionIds && excludeDefinitionIds.length > 0 ? excludeDefinitionIds : null);
      const size = Math.max(1, Math.floor(limit));
      return (await db.query<{ id: string }>(sql, [ts(finishedBefore), size, filter])).length;
    },
    async taskDeleteFinishedTrees({ ids }) {
      if (ids.length === 0) return 0;
      return db.transaction(async (tx) => deleteLogs(tx, await tx.query<{ id: string }>(S.DELETE_TREES, [[...ids]])));
    },
  };
}

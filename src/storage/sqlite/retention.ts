/**
 * Retention (migration 0009): the settings row, named leases, the sweep's batch delete
 * and self-cleanup's tree delete. Log records and items go with their task through the
 * foreign keys' ON DELETE CASCADE (0001_init.sql); the task count through its trigger.
 */
import type {
  LeaseAcquireParams,
  LeaseReleaseParams,
  SettingsUpdateParams,
  StoredSettings,
  TaskDeleteFinishedTreesParams,
  TaskSweepFinishedParams,
} from "../port/retention.js";
import { jsonList, type Db } from "./connection.js";

const FINISHED = `status IN ('success', 'failed', 'aborted') AND hook_pending = 0`;

const SETTINGS_GET = `SELECT retention_days AS retentionDays FROM stint_settings WHERE id = 1`;
const SETTINGS_UPDATE = `
  INSERT INTO stint_settings (id, retention_days, saved_on) VALUES (1, ?, ?)
  ON CONFLICT (id) DO UPDATE SET retention_days = excluded.retention_days, saved_on = excluded.saved_on
  RETURNING retention_days AS retentionDays`;

// The compare-and-set: the row changes only when the lease is free, expired or the asker's.
const LEASE_ACQUIRE = `
  INSERT INTO stint_leases (name, holder, expires_at) VALUES (?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
  WHERE stint_leases.holder = excluded.holder OR stint_leases.expires_at <= ?
  RETURNING holder`;
const LEASE_RELEASE = `DELETE FROM stint_leases WHERE name = ? AND holder = ?`;

/**
 * The candidates walk stint_tasks_status (status, created_on) from the oldest, bounded by
 * `created_on < cutoff` (a task finishes after it was created); `finished_on` is checked
 * on the rows the walk finds (only tasks that ran longer than the gap to the cutoff are
 * read and kept). With a definition filter the planner may take stint_tasks_definition.
 */
function sweepSql(params: TaskSweepFinishedParams): { sql: string; values: unknown[] } {
  const values: unknown[] = [params.finishedBefore, params.finishedBefore];
  let where = `${FINISHED} AND created_on < ? AND finished_on < ?`;
  if (params.definitionIds) {
    where += ` AND definition_id IN (SELECT value FROM json_each(?))`;
    values.push(jsonList(params.definitionIds));
  }
  if (params.excludeDefinitionIds && params.excludeDefinitionIds.length > 0) {
    where += ` AND definition_id NOT IN (SELECT value FROM json_each(?))`;
    values.push(jsonList(params.excludeDefinitionIds));
  }
  values.push(Math.max(1, Math.floor(params.limit)));
  return { sql: `DELETE FROM stint_tasks WHERE id IN (SELECT id FROM stint_tasks WHERE ${where} LIMIT ?)`, values };
}

// Down from the roots through finished tasks only: an unfinished child stops the walk.
const DELETE_TREES = `
  WITH RECURSIVE tree (id) AS (
    SELECT id FROM stint_tasks WHERE id IN (SELECT value FROM json_each(?)) AND ${FINISHED}
    UNION
    SELECT c.id FROM stint_tasks c JOIN tree ON c.parent_id = tree.id
    WHERE c.status IN ('success', 'failed', 'aborted') AND c.hook_pending = 0
  )
  DELETE FROM stint_tasks WHERE id IN (SELECT id FROM tree)`;

/** The fixed statements (the sweep's vary with its filters: sweepSql). */
export const RETENTION_STATEMENTS = { SETTINGS_GET, SETTINGS_UPDATE, LEASE_ACQUIRE, LEASE_RELEASE, DELETE_TREES };

export function settingsGet(db: Db): StoredSettings {
  const row = db.stmt(SETTINGS_GET).get() as StoredSettings | undefined;
  return { retentionDays: row?.retentionDays ?? null };
}

export function settingsUpdate(db: Db, params: SettingsUpdateParams): StoredSettings {
  const row = db.write(() => db.stmt(SETTINGS_UPDATE).get(params.retentionDays, params.now)) as StoredSettings;
  return { retentionDays: row.retentionDays };
}

export function leaseAcquire(db: Db, params: LeaseAcquireParams): boolean {
  const row = db.write(() => db.stmt(LEASE_ACQUIRE).get(params.name, params.holder, params.now + params.ttlMs, params.now));
  return row !== undefined;
}

export function leaseRelease(db: Db, params: LeaseReleaseParams): void {
  db.write(() => db.stmt(LEASE_RELEASE).run(params.name, params.holder));
}

export function taskSweepFinished(db: Db, params: TaskSweepFinishedParams): number {
  if (params.definitionIds && params.definitionIds.length === 0) return 0;
  const { sql, values } = sweepSql(params);
  return db.write(() => db.stmt(sql).run(...values).changes);
}

export function taskDeleteFinishedTrees(db: Db, params: TaskDeleteFinishedTreesParams): number {
  if (params.ids.length === 0) return 0;
  // `changes` counts the task rows only: SQLite leaves cascaded and trigger writes out.
  return db.write(() => db.stmt(DELETE_TREES).run(jsonList(params.ids)).changes);
}

/**
 * Schedule rows (port/schedules.ts). SQLite has one writer at a time: a tick's
 * compare-and-set and its task insert run in one IMMEDIATE transaction, so a second
 * connection racing for the same tick waits for the first and then finds next_run_at
 * moved (no row matches): it creates nothing.
 */
import { Errors } from "../../domain/errors.js";
import type { Schedule } from "../../domain/schedule.js";
import type {
  ScheduleIdParams,
  ScheduleListDueParams,
  ScheduleListParams,
  ScheduleNextDueParams,
  ScheduleTickParams,
  ScheduleTickResult,
  ScheduleWriteParams,
} from "../port/schedules.js";
import { jsonList, type Db } from "./connection.js";
import { isUniqueViolation } from "./errors.js";
import { taskCreateMany } from "./tasks.js";

interface ScheduleRow {
  id: string;
  definition_id: string;
  cron: string;
  timezone: string;
  input: string;
  name: string | null;
  enabled: number;
  overlap: "allow" | "skip";
  backfill_seconds: number;
  source: "config" | "api";
  next_run_at: number | null;
  last_run_at: number | null;
  last_task_id: string | null;
  created_on: number;
  saved_on: number;
}

const INSERT = `
  INSERT INTO stint_schedules (id, definition_id, cron, timezone, input, name, enabled, overlap,
                               backfill_seconds, source, next_run_at, created_on, saved_on)
  VALUES (@id, @definitionId, @cron, @timezone, @input, @name, @enabled, @overlap,
          @backfillSeconds, @source, @nextRunAt, @now, @now)
  RETURNING *`;
const UPDATE = `
  UPDATE stint_schedules
  SET definition_id = @definitionId, cron = @cron, timezone = @timezone, input = @input, name = @name,
      enabled = @enabled, overlap = @overlap, backfill_seconds = @backfillSeconds, source = @source,
      next_run_at = @nextRunAt, saved_on = @now
  WHERE id = @id
  RETURNING *`;
const SELECT_ONE = `SELECT * FROM stint_schedules WHERE id = ?`;
const SELECT_ALL = `SELECT * FROM stint_schedules ORDER BY id`;
const SELECT_BY_SOURCE = `SELECT * FROM stint_schedules WHERE source = ? ORDER BY id`;
const DELETE = `DELETE FROM stint_schedules WHERE id = ?`;
const SELECT_DUE = `
  SELECT * FROM stint_schedules
  WHERE next_run_at IS NOT NULL AND next_run_at <= ? AND enabled = 1
    AND definition_id IN (SELECT value FROM json_each(?))
  ORDER BY next_run_at, id
  LIMIT ?`;
const NEXT_DUE = `
  SELECT MIN(next_run_at) FROM stint_schedules
  WHERE next_run_at IS NOT NULL AND enabled = 1 AND definition_id IN (SELECT value FROM json_each(?))`;
// The compare-and-set: only the ticker that read this next_run_at moves it.
const ADVANCE = `
  UPDATE stint_schedules SET next_run_at = ?, last_run_at = COALESCE(?, last_run_at), saved_on = ?
  WHERE id = ? AND next_run_at = ? AND enabled = 1
  RETURNING last_task_id`;
const TASK_STATUS = `SELECT status FROM stint_tasks WHERE id = ?`;
const SET_LAST_TASK = `UPDATE stint_schedules SET last_task_id = ? WHERE id = ?`;

function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    definitionId: row.definition_id,
    cron: row.cron,
    timezone: row.timezone,
    input: JSON.parse(row.input),
    name: row.name,
    enabled: row.enabled === 1,
    overlap: row.overlap,
    backfillSeconds: row.backfill_seconds,
    source: row.source,
    nextRunAt: row.next_run_at === null ? null : new Date(row.next_run_at),
    lastRunAt: row.last_run_at === null ? null : new Date(row.last_run_at),
    lastTaskId: row.last_task_id,
    createdOn: new Date(row.created_on),
    savedOn: new Date(row.saved_on),
  };
}

function bind(params: ScheduleWriteParams): Record<string, unknown> {
  return {
    id: params.id,
    definitionId: params.definitionId,
    cron: params.cron,
    timezone: params.timezone,
    input: JSON.stringify(params.input),
    name: params.name,
    enabled: params.enabled ? 1 : 0,
    overlap: params.overlap,
    backfillSeconds: params.backfillSeconds,
    source: params.source,
    nextRunAt: params.nextRunAt,
    now: params.now,
  };
}

export function scheduleCreate(db: Db, params: ScheduleWriteParams): Schedule {
  try {
    return toSchedule(db.write(() => db.stmt(INSERT).get(bind(params))) as ScheduleRow);
  } catch (error) {
    if (isUniqueViolation(error)) throw Errors.scheduleDuplicate(params.id);
    throw error;
  }
}

export function scheduleUpdate(db: Db, params: ScheduleWriteParams): Schedule | null {
  const row = db.write(() => db.stmt(UPDATE).get(bind(params))) as ScheduleRow | undefined;
  return row ? toSchedule(row) : null;
}

export function scheduleGet(db: Db, params: ScheduleIdParams): Schedule | null {
  const row = db.stmt(SELECT_ONE).get(params.id) as ScheduleRow | undefined;
  return row ? toSchedule(row) : null;
}

export function scheduleList(db: Db, params: ScheduleListParams): Schedule[] {
  const rows = (params.source ? db.stmt(SELECT_BY_SOURCE).all(params.source) : db.stmt(SELECT_ALL).all()) as ScheduleRow[];
  return rows.map(toSchedule);
}

export function scheduleDelete(db: Db, params: ScheduleIdParams): boolean {
  return db.write(() => db.stmt(DELETE).run(params.id).changes > 0);
}

export function scheduleListDue(db: Db, params: ScheduleListDueParams): Schedule[] {
  if (params.definitionIds.length === 0) return [];
  return (db.stmt(SELECT_DUE).all(params.now, jsonList(params.definitionIds), params.limit) as ScheduleRow[]).map(toSchedule);
}

export function scheduleNextDueAt(db: Db, params: ScheduleNextDueParams): number | null {
  if (params.definitionIds.length === 0) return null;
  return (db.stmt(NEXT_DUE, "pluck").get(jsonList(params.definitionIds)) as number | null) ?? null;
}

export function scheduleTick(db: Db, params: ScheduleTickParams): ScheduleTickResult {
  return db.write(() => {
    const advanced = db.stmt(ADVANCE).get(params.nextRunAt, params.lastRunAt, params.now, params.id, params.expectedNextRunAt) as
      | { last_task_id: string | null }
      | undefined;
    if (!advanced) return { outcome: "stale", tasks: [] };
    if (params.skipWhileUnfinished && advanced.last_task_id !== null) {
      const last = db.stmt(TASK_STATUS).get(advanced.last_task_id) as { status: string } | undefined;
      if (last && (last.status === "pending" || last.status === "running")) return { outcome: "skipped", tasks: [] };
    }
    if (params.tasks.length === 0) return { outcome: "ticked", tasks: [] };
    // Nested: a savepoint inside this transaction, so a refused insert undoes the advance too.
    const tasks = taskCreateMany(db, { tasks: params.tasks });
    db.stmt(SET_LAST_TASK).run(tasks[tasks.length - 1].id, params.id);
    return { outcome: "ticked", tasks };
  });
}

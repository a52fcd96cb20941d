/**
 * Schedule rows (port/schedules.ts). A tick is one transaction: the compare-and-set
 * UPDATE on next_run_at, then the task insert. Two processes racing for one tick both
 * run the UPDATE; the second blocks on the first's row lock and, once that commits,
 * PostgreSQL re-checks its WHERE against the new row (READ COMMITTED): next_run_at has
 * moved, no row matches, it creates nothing. If the first rolls back instead (a crash,
 * a refused insert), the second takes the tick: no gap.
 */
import { Errors } from "../../domain/errors.js";
import type { Schedule } from "../../domain/schedule.js";
import type { Task } from "../../domain/task.js";
import type { ScheduleStorage, ScheduleWriteParams } from "../port/schedules.js";
import type { TaskCreateParams } from "../port/types.js";
import { statement, type Db, type Queryable } from "./connection.js";
import { textArray } from "./arrays.js";
import { toStintError } from "./errors.js";
import { insertTasks, taskStatements } from "./tasks.js";
import { json, ts } from "./row.js";

interface ScheduleRow {
  id: string;
  definition_id: string;
  cron: string;
  timezone: string;
  input: Record<string, unknown>;
  name: string | null;
  enabled: boolean;
  overlap: "allow" | "skip";
  backfill_seconds: number;
  source: "config" | "api";
  next_run_at: Date | null;
  last_run_at: Date | null;
  last_task_id: string | null;
  created_on: Date;
  saved_on: Date;
}

function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    definitionId: row.definition_id,
    cron: row.cron,
    timezone: row.timezone,
    input: row.input,
    name: row.name,
    enabled: row.enabled,
    overlap: row.overlap,
    backfillSeconds: row.backfill_seconds,
    source: row.source,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    lastTaskId: row.last_task_id,
    createdOn: row.created_on,
    savedOn: row.saved_on,
  };
}

function values(p: ScheduleWriteParams): unknown[] {
  return [p.id, p.definitionId, p.cron, p.timezone, json(p.input), p.name, p.enabled, p.overlap, p.backfillSeconds, p.source, ts(p.nextRunAt), ts(p.now)];
}

export function scheduleOps(db: Db): ScheduleStorage {
  const { schedules, tasks } = db.names;
  const INSERT = statement(db.names, "schedule_create", `
    INSERT INTO ${schedules} (id, definition_id, cron, timezone, input, name, enabled, overlap,
                             backfill_seconds, source, next_run_at, created_on, saved_on)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $12)
    RETURNING *`);
  const UPDATE = statement(db.names, "schedule_update", `
    UPDATE ${schedules}
    SET definition_id = $2, cron = $3, timezone = $4, input = $5::jsonb, name = $6, enabled = $7,
        overlap = $8, backfill_seconds = $9, source = $10, next_run_at = $11, saved_on = $12
    WHERE id = $1
    RETURNING *`);
  const SELECT_ONE = statement(db.names, "schedule_get", `SELECT * FROM ${schedules} WHERE id = $1`);
  const SELECT_ALL = statement(db.names, "schedule_list", `SELECT * FROM ${schedules} WHERE ($1::text IS NULL OR source = $1) ORDER BY id`);
  const DELETE = statement(db.names, "schedule_delete", `DELETE FROM ${schedules} WHERE id = $1 RETURNING id`);
  const SELECT_DUE = statement(db.names, "schedule_due", `
    SELECT * FROM ${schedules}
    WHERE next_run_at IS NOT NULL AND next_run_at <= $1 AND enabled AND definition_id = ANY($2::text[])
    ORDER BY next_run_at, id
    LIMIT $3`);
  const NEXT_DUE = statement(db.names, "schedule_next_due", `
    SELECT min(next_run_at) AS next_run_at FROM ${schedules}
    WHERE next_run_at IS NOT NULL AND enabled AND definition_id = ANY($1::text[])`);
  // The compare-and-set: only the ticker that read this next_run_at moves it.
  const ADVANCE = statement(db.names, "schedule_advance", `
    UPDATE ${schedules} SET next_run_at = $2, last_run_at = COALESCE($3, last_run_at), saved_on = $4
    WHERE id = $1 AND next_run_at = $5 AND enabled
    RETURNING last_task_id`);
  const TASK_STATUS = statement(db.names, "schedule_last_status", `SELECT status FROM ${tasks} WHERE id = $1`);
  // The tasks and the wake-up: the task create statement (tasks.ts), in the tick's
  // transaction; its NOTIFY is delivered at commit, once the rows are visible.
  const { INSERT: INSERT_TASKS } = taskStatements(db.names);
  const SET_LAST_TASK = statement(db.names, "schedule_last_task", `UPDATE ${schedules} SET last_task_id = $2 WHERE id = $1`);


  return {
    async scheduleCreate(params) {
      try {
        const [row] = await db.query<ScheduleRow>(INSERT, values(params));
        return toSchedule(row);
      } catch (error) {
        if ((error as { code?: string }).code === "23505") throw Errors.scheduleDuplicate(params.id);
        throw error;
      }
    },
    async scheduleUpdate(params) {
      const [row] = await db.query<ScheduleRow>(UPDATE, values(params));
      return row ? toSchedule(row) : null;
    },
    async scheduleGet({ id }) {
      const [row] = await db.query<ScheduleRow>(SELECT_ONE, [id]);
      return row ? toSchedule(row) : null;
    },
    async scheduleList(params) {
      return (await db.query<ScheduleRow>(SELECT_ALL, [params.source ?? null])).map(toSchedule);
    },
    async scheduleDelete({ id }) {
      return (await db.query(DELETE, [id])).length > 0;
    },
    async scheduleListDue(params) {
      if (params.definitionIds.length === 0) return [];
      const rows = await db.query<ScheduleRow>(SELECT_DUE, [ts(params.now), textArray(params.definitionIds), params.limit]);
      return rows.map(toSchedule);
    },
    async scheduleNextDueAt(params) {
      if (params.definitionIds.length === 0) return null;
      const [row] = await db.query<{ next_run_at: Date | null }>(NEXT_DUE, [textArray(params.definitionIds)]);
      return row?.next_run_at?.getTime() ?? null;
    },
    async scheduleTick(params) {
      return db.transaction(async (tx) => {
        const [advanced] = await tx.query<{ last_task_id: string | null }>(ADVANCE, [
          params.id,
          ts(params.nextRunAt),
          ts(params.lastRunAt),
          ts(params.now),
          ts(params.expectedNextRunAt),
        ]);
        if (!advanced) return { outcome: "stale" as const, tasks: [] };
        if (params.skipWhileUnfinished && advanced.last_task_id !== null) {
          const [last] = await tx.query<{ status: string }>(TASK_STATUS, [advanced.last_task_id]);
          if (last && (last.status === "pending" || last.status === "running")) return { outcome: "skipped" as const, tasks: [] };
        }
        if (params.tasks.length === 0) return { outcome: "ticked" as const, tasks: [] };
        let created: Task[];
        try {
          created = await insertTasks(tx, INSERT_TASKS, params.tasks);
        } catch (error) {
          throw toStintError(error, "create");
        }
        await tx.query(SET_LAST_TASK, [params.id, created[created.length - 1].id]);
        return { outcome: "ticked" as const, tasks: created };
      });
    },
  };
}

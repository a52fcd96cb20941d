/**
 * Task rows outside the claim/finish cycle: create (one multi-row INSERT from arrays,
 * so 10,000 rows bind 10 parameters, far below PostgreSQL's 65,535 limit), read, list,
 * delete and the next due time (the fenced partial update is finish.ts's).
 */
import type { Task } from "../../domain/task.js";
import {
  HEAVY_TASK_FIELDS,
  heavyFieldsOf,
  ROW_BASE_BYTES,
  type HeavyTaskField,
  type ListResult,
  type ReadBudget,
  type TaskCreateParams,
  type TaskListParams,
  type TaskReadOptions,
} from "../port/types.js";
import { readCharged } from "./charged-read.js";
import { statement, type Db, type Queryable, type Statement } from "./connection.js";
import { toStintError } from "./errors.js";
import { TASK_LIST_FIELDS, type TaskListField } from "../port/list-fields.js";
import { asciiIlike, buildListQuery, encodeCursor, listColumns, pageLimit, type ListSource } from "./list-sql.js";
import type { HandoffOps } from "./handoff.js";
import type { SqlNames } from "./names.js";
import { owesWork } from "./claim.js";
import { encodeEvent } from "./notify.js";
import { intArray, textArray, timeArray } from "./arrays.js";
import { chargeAndParse, createdTask, json, projectionKey, rowToTask, TASK_COLUMNS, taskColumnsFor, ts, type CreatedJson, type TaskRow } from "./row.js";

export interface TaskOps {
  createMany(params: readonly TaskCreateParams[]): Promise<Task[]>;
  get(id: string, options?: TaskReadOptions): Promise<Task | null>;
  getMany(ids: readonly string[], options?: TaskReadOptions): Promise<Task[]>;
  list(params: TaskListParams): Promise<ListResult<Task>>;
  delete(id: string): Promise<boolean>;
  nextDueAt(definitionIds: readonly string[]): Promise<number | null>;
}

/** A `taskCreateMany` at least this large refreshes the planner's statistics when stale. */
export const ANALYZE_AFTER_ROWS = 1_000;

export function taskOps(db: Db, handoff: HandoffOps): TaskOps {
  const { tasks } = db.names;
  const { INSERT, DELETE, DELETE_LOGS, NEXT_DUE, ESTIMATE, RELTUPLES } = taskStatements(db.names);

  // One named statement per projection (at most 16 per kind), made on first use.
  const gets = new Map<string, Statement>();
  function getStatement(kind: "get" | "get_many", heavy: ReadonlySet<HeavyTaskField>, asText: boolean): Statement {
    const key = `${kind}_${projectionKey(heavy)}${asText ? "_text" : ""}`;
    let found = gets.get(key);
    if (!found) {
      found = taskGetStatement(db.names, kind, heavy, asText);
      gets.set(key, found);
    }
    return found;
  }

  /**
   * A read charged to `budget` row by row (the first `limit` rows). With heavy columns it
   * goes through a cursor (charged-read.ts); without them the rows are small: one query.
   */
  async function chargedRows(sql: string, values: readonly unknown[], heavy: ReadonlySet<HeavyTaskField>, budget: ReadBudget, limit = Infinity): Promise<TaskRow[]> {
    if (heavy.size === 0) {
      const rows = await db.query<TaskRow>(sql, values);
      for (let i = 0; i < Math.min(rows.length, limit); i += 1) budget.charge(ROW_BASE_BYTES);
      return rows;
    }
    const charge = (bytes: number) => budget.charge(bytes);
    const free = () => {};
    return readCharged<TaskRow>(db, sql, values, (row, index) => chargeAndParse(row, index < limit ? charge : free));
  }

  const threshold = db.options.countEstimateThreshold;

  /**
   * `totalCount` of a list. Filtered or searched lists count exactly. An unfiltered list
   * uses the planner's estimate of the table's rows when that estimate is at least
   * `countEstimateThreshold` (default 100,000), where an exact count(*) must read the
   * whole table (83 ms at 1,000,000 rows); below it, or without statistics, it counts
   * exactly. Rule documented in docs/storage.md "Lists".
   */
  async function totalCount(where: string, values: readonly unknown[], unfiltered: boolean): Promise<number> {
    if (unfiltered) {
      const [row] = await db.query<{ estimate: number | null }>(ESTIMATE, [tasks]);
      const estimate = row?.estimate === null || row?.estimate === undefined ? null : Number(row.estimate);
      if (estimate !== null && estimate >= threshold) return estimate;
    }
    const [{ count }] = await db.query<{ count: string }>(`SELECT count(*) AS count FROM ${tasks} WHERE ${where}`, values);
    return Number(count);
  }

  /**
   * After a large batch: ANALYZE when the statistics trail the table badly (the recorded
   * row count is below the batch just added, i.e. the table at least doubled since the
   * last ANALYZE), so a bulk load refreshes them O(log n) times, not per batch. Claims no
   * longer depend on it (see claim.ts); it keeps the count estimate and the list plans
   * honest until autovacuum runs. Best effort: ANALYZE needs table ownership, and a failure
   * here must not fail the create that already committed.
   */
  async function analyzeIfStale(inserted: number): Promise<void> {
    if (inserted < ANALYZE_AFTER_ROWS) return;
    try {
      const [row] = await db.query<{ reltuples: number }>(RELTUPLES, [tasks]);
      if (row && row.reltuples >= inserted) return;
      await db.query(`ANALYZE ${tasks}`);
    } catch (error) {
      db.options.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  const LIST_SOURCE: ListSource<TaskListField> = {
    columns: listColumns(TASK_LIST_FIELDS, {
      // The identity's id, read from the jsonb (the list selects it as `created_by_id` for
      // the cursor); COLLATE "C" like every other text column (see 0001_init.sql).
      expressions: { createdBy: `(created_by->>'id') COLLATE "C"` },
    }),
    searchSql: (pattern) => asciiIlike("name", pattern),
  };

  return {
    async createMany(params) {
      if (params.length === 0) return [];
      // One task due now may go straight to an idle worker (handoff.ts); batches and
      // delayed tasks are queued as usual.
      // A limited definition's task is never handed (no slot lists one), so only the claim
      // starts it, under the limit.
      if (params.length === 1 && params[0].runAt <= params[0].createdOn) {
        try {
          return [rowToTask(await handoff.createOne(params[0]))];
        } catch (error) {
          throw toStintError(error, "create");
        }
      }
      let created: Task[];
      try {
        created = await insertTasks(db, INSERT, params);
      } catch (error) {
        throw toStintError(error, "create");
      }
      await analyzeIfStale(created.length);
      return created;
    },

    async get(id, options = {}) {
      const heavy = heavyFieldsOf(options.fields);
      const { budget } = options;
      const rows = await db.query<TaskRow>(getStatement("get", heavy, budget !== undefined), [id]);
      if (rows.length === 0) return null;
      if (budget) chargeAndParse(rows[0], (bytes) => budget.charge(bytes));
      return rowToTask(rows[0]);
    },

    async getMany(ids, options = {}) {
      if (ids.length === 0) return [];
      const heavy = heavyFieldsOf(options.fields);
      const { budget } = options;
      const unique = [[...new Set(ids)]];
      const rows = budget
        ? await chargedRows(getStatement("get_many", heavy, true).text, unique, heavy, budget)
        : await db.query<TaskRow>(getStatement("get_many", heavy, false), unique);
      return inOrder(ids, rows.map(rowToTask));
    },

    async list(params) {
      const query = buildListQuery(LIST_SOURCE, params);
      const limit = pageLimit(params.limit);
      const heavy = heavyFieldsOf(params.fields);
      const { budget } = params;
      // Only the heavy columns asked for (as text when a budget is to be charged).
      const sql = `SELECT ${taskColumnsFor(heavy, budget !== undefined)}, created_by->>'id' AS created_by_id FROM ${tasks}
           WHERE ${query.pageWhere} ORDER BY ${query.orderBy} LIMIT ${limit + 1}`;
      // Page and count run side by side on two pooled connections.
      const unfiltered = params.filters.length === 0 && !params.search;
      const [rows, count] = await Promise.all([
        budget ? chargedRows(sql, query.pageValues, heavy, budget, limit) : db.query<TaskRow & { created_by_id: string | null }>(sql, query.pageValues),
        params.count === false ? -1 : totalCount(query.where, query.whereValues, unfiltered),
      ]);
      const hasMoreItems = rows.length > limit;
      const page = hasMoreItems ? rows.slice(0, limit) : rows;
      return {
        items: page.map(rowToTask),
        cursor: hasMoreItems ? encodeCursor(page[page.length - 1] as unknown as Record<string, unknown>, query.sortColumns) : null,
        hasMoreItems,
        totalCount: count,
      };
    },

    delete(id) {
      return db.transaction(async (tx) => {
        const rows = await tx.query(DELETE, [id]);
        if (rows.length === 0) return false;
        await tx.query(DELETE_LOGS, [id]);
        return true;
      });
    },

    async nextDueAt(definitionIds) {
      if (definitionIds.length === 0) return null;
      const [{ due_at }] = await db.query<{ due_at: Date | null }>(NEXT_DUE, [[...definitionIds]]);
      return due_at ? due_at.getTime() : null;
    },
  };
}

/** `tasks` in the order of `ids` (SQL returns rows in no particular order); missing ids skipped. */
export function inOrder(ids: readonly string[], tasks: readonly Task[]): Task[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return ids.flatMap((id) => {
    const task = byId.get(id);
    return task ? [task] : [];
  });
}

/**
 * A batch to create, serialised once: the bind values of the `create` statement, in its
 * order (also the schedule tick's insert, schedules.ts), and the JSON text of the columns
 * the created tasks are read back from (createdTask).
 */
export interface CreateBatch {
  values: unknown[];
  json: CreatedJson[];
}

/** Builds a `CreateBatch` (every JSON column stringified once, here). */
export function createBatch(params: readonly TaskCreateParams[]): CreateBatch {
  const created = params.map(
    (p): CreatedJson => ({ input: json(p.input ?? {})!, createdBy: json(p.createdBy)!, eventResponse: json(p.eventResponse) }),
  );
  const values = [
    textArray(params.map((p) => p.id)),
    textArray(params.map((p) => p.name)),
    textArray(params.map((p) => p.definitionId)),
    textArray(params.map((p) => p.parentId)),
    textArray(created.map((c) => c.input)),
    intArray(params.map((p) => p.maxIterations)),
    timeArray(params.map((p) => p.runAt)),
    timeArray(params.map((p) => p.createdOn)),
    textArray(created.map((c) => c.createdBy)),
    textArray(created.map((c) => c.eventResponse)),
    encodeEvent({ type: "tasks-available" }),
    textArray(params.map((p) => json(p.traceContext))),
    intArray(params.map((p) => p.priority ?? 0)),
    textArray(params.map((p) => p.idempotencyKey ?? null)),
    textArray(params.map((p) => p.concurrencyKey ?? null)),
    textArray(params.map((p) => p.rerunOf ?? null)),
  ];
  return { values, json: created };
}

/** Runs the `create` statement (`INSERT`) for `params`; returns the tasks stored, in order. */
export async function insertTasks(db: Queryable, INSERT: Statement, params: readonly TaskCreateParams[]): Promise<Task[]> {
  const batch = createBatch(params);
  const [{ inserted }] = await db.query<{ inserted: number }>(INSERT, batch.values);
  // All or nothing (a taken id or key fails the statement): a short count is a bug.
  if (inserted !== params.length) throw new Error(`task create stored ${inserted} of ${params.length} tasks`);
  return params.map((p, i) => createdTask(p, batch.json[i]));
}

/** The named statements of task rows outside the claim/finish cycle (their text is fixed per schema). */
export function taskStatements(names: SqlNames) {
  const { tasks } = names;

  // Rows start pending, due at run_at, saved when created (docs/storage.md).
  // One statement in autocommit, so one round trip and still all or nothing: the INSERT
  // and one pg_notify per batch (an uncorrelated scalar subquery, an InitPlan evaluated
  // once, not per row). NOTIFY is delivered at commit, once the rows are visible.
  // It answers one row, the count: the tasks are built from what was bound (createdTask),
  // since reading every column back cost the server ~8 µs and the client a parse per row
  // (docs/benchmarks.md, "Write path: before and after").
  const INSERT = statement(names, "create", `
    WITH ins AS (
      INSERT INTO ${tasks} (id, name, definition_id, parent_id, input, max_iterations, run_at, due_at,
                          created_on, saved_on, created_by, event_response, trace_context,
                          priority, idempotency_key, concurrency_key, rerun_of)
    SELECT id, name, definition_id, parent_id, input, max_iterations, run_at, run_at,
           created_on, created_on, created_by, event_response, trace_context,
           priority, idempotency_key, concurrency_key, rerun_of
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[],
                $7::timestamptz[], $8::timestamptz[], $9::jsonb[], $10::jsonb[], $12::jsonb[],
                $13::int[], $14::text[], $15::text[], $16::text[])
         AS n(id, name, definition_id, parent_id, input, max_iterations, run_at, created_on, created_by, event_response,
              trace_context, priority, idempotency_key, concurrency_key, rerun_of)
      RETURNING id
    )
    SELECT count(id)::int AS inserted, (SELECT pg_notify('${names.channel}', $11)) IS NULL AS notified FROM ins`);

  // The task first (its row lock waits for a log append in flight), then, in a second
  // statement of the same transaction (a fresh snapshot, which sees what that append
  // committed), its log records and their items: the log tables have no foreign keys
  // (0002_lighter_log_writes.sql), so this is their ON DELETE CASCADE.
  const DELETE = statement(names, "delete", `DELETE FROM ${tasks} WHERE id = $1 RETURNING id`);
  const DELETE_LOGS = statement(names, "delete_logs", `
    WITH records AS (
      DELETE FROM ${names.logs} WHERE task_id = $1 RETURNING id
    )
    DELETE FROM ${names.logItems} WHERE log_id IN (SELECT id FROM records)`);


  // The same wrapped definition filter as the claim (claim.ts): the minimum of a priority
  // level is then its first matching entry of tasks_claim_idx, whatever the statistics say.
  // The index leads with priority (0005_flow_control.sql): one such walk per level in use,
  // the levels found by a skip over the index (`levels`, one probe per level; a single
  // level, 0, when no trigger sets a priority), the earliest of their first matches.
  const NEXT_DUE = statement(names, "next_due", `
    WITH RECURSIVE levels(p) AS (
      (SELECT priority FROM ${tasks} WHERE due_at IS NOT NULL ORDER BY priority DESC LIMIT 1)
      UNION ALL
      SELECT (SELECT priority FROM ${tasks} WHERE due_at IS NOT NULL AND priority < levels.p ORDER BY priority DESC LIMIT 1)
      FROM levels WHERE levels.p IS NOT NULL
    )
    SELECT min((
      SELECT due_at FROM ${tasks}
      WHERE due_at IS NOT NULL AND priority = levels.p
        -- A settled row is not due, as in the claim (none should carry a due time: migration 0004).
        AND COALESCE(definition_id = ANY($1::text[]) AND ${owesWork()}, false)
      ORDER BY due_at LIMIT 1
    )) AS due_at
    FROM levels WHERE levels.p IS NOT NULL`);

  // The planner's own row estimate for the whole table: the density of the last ANALYZE
  // or VACUUM (reltuples / relpages) times the table's current size in pages. NULL when
  // the table was never analyzed (relpages = 0): then the count is exact.
  const ESTIMATE = statement(names, "count_estimate", `
    SELECT CASE WHEN c.relpages > 0 AND c.reltuples >= 0
                THEN round(c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::float8))
           END AS estimate
    FROM pg_class c WHERE c.oid = to_regclass($1)`);
  const RELTUPLES = statement(names, "reltuples", `SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)`);

  return { INSERT, DELETE, DELETE_LOGS, NEXT_DUE, ESTIMATE, RELTUPLES };
}

/**
 * The read of one task (`get`) or of several (`get_many`) by id, reading the heavy columns
 * in `heavy` (as JSON text with `asText`): one named statement per projection.
 */
export function taskGetStatement(names: SqlNames, kind: "get" | "get_many", heavy: ReadonlySet<HeavyTaskField>, asText: boolean): Statement {
  const where = kind === "get" ? "id = $1" : "id = ANY($1::text[])";
  // The unprojected statements keep their historical names ("get", "get_many").
  const name = heavy.size === HEAVY_TASK_FIELDS.length && !asText ? kind : `${kind}_${projectionKey(heavy)}${asText ? "_text" : ""}`;
  return statement(names, name, `SELECT ${taskColumnsFor(heavy, asText)} FROM ${names.tasks} WHERE ${where}`);
}

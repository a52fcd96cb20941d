/**
 * The end of iterations (`taskFinishMany`) and aborts: the two writes that settle a
 * task's status. Both are conditional updates, so a terminal status is written at most
 * once and an abort (which also bumps the lease token) wins over a later finish.
 *
 * A finish batch is ONE statement sent in autocommit (so one round trip and one
 * transaction) whatever its size: data-modifying CTEs lock the batch's task rows in id
 * order, update the ones whose fence matches, append every item's log items, and return
 * each task as stored afterwards (or as it stands, when fenced out).
 *
 * A batch of one (an idle worker, a task continuing in place) goes first as a smaller
 * statement with scalar parameters: no unnest, no lock-ordering CTE, about half the
 * round trip. When its fence does not match, the batch statement settles that item.
 */
import { finishPlan, runsOfDistinctIds } from "../finish-plan.js";
import type { TaskAbortParams, TaskAbortResult, TaskFinishParams, TaskFinishResult } from "../port/types.js";
import { forBatch, statement, type Db, type Queryable } from "./connection.js";
import { newId } from "../../domain/ids.js";
import { appendLogs, appendLogsCtes, appendLogsStatement, appendLogsValues, logItemColumns } from "./logs.js";
import { encodeEvent, notifySql } from "./notify.js";
import { toStintError } from "./errors.js";
import type { SqlNames } from "./names.js";
import { FINISH_CHANGED_COLUMNS, finishedTask, json, rowToTask, TASK_COLUMNS, taskColumns, ts, type FinishChangedRow, type TaskRow } from "./row.js";
import { boolArray, intArray, isoTime, textArray, timeArray } from "./arrays.js";

export interface FinishOps {
  finishMany(params: readonly TaskFinishParams[]): Promise<TaskFinishResult[]>;
  abort(params: TaskAbortParams): Promise<TaskAbortResult>;
}

export function finishOps(db: Db): FinishOps {
  const S = finishStatements(db.names);
  const { ABORT, GET_MANY, GET } = S;
  const APPEND = appendLogsStatement(db.names);
  const full = { one: S.FINISH_ONE, batch: S.FINISH, batchWithLogs: S.FINISH_LOGS };
  const slim = { one: S.FINISH_ONE_SLIM, batch: S.FINISH_SLIM, batchWithLogs: S.FINISH_LOGS_SLIM };

  /** One batch whose items name distinct tasks, on `q` (the pool, or a transaction). */
  async function finishDistinct(q: Queryable, params: readonly TaskFinishParams[]): Promise<TaskFinishResult[]> {
    const statements = params.every((p) => p.claimed) ? slim : full;
    const [single] = params;
    // The batch of one files its log under the task's own id: a log naming another task
    // goes through the batch statement, which handles that as any batch does.
    if (params.length === 1 && (!single.log || single.log.taskId === single.id)) {
      const [row] = await q.query<FinishChangedRow>(statements.one, finishOneValues(single));
      if (row) return [applied(single, row)];
    }
    const logs = appendLogsValues(
      params.flatMap((p) => (p.log ? [p.log] : [])),
      params.flatMap((p) => (p.log ? [p.outcomeLogItems ?? 0] : [])),
    );
    // Sized by whichever is bigger: the tasks, or the log items joined to them.
    const size = Math.max(params.length, logs ? logs.itemCount : 0);
    const rows = await q.query<FinishChangedRow & { applied: boolean }>(
      forBatch(logs ? statements.batchWithLogs : statements.batch, size),
      logs ? [...finishValues(params), ...logs.values] : finishValues(params),
    );
    const appliedRows = new Map<string, FinishChangedRow>();
    const fenced = new Map<string, FinishChangedRow>();
    for (const row of rows) (row.applied ? appliedRows : fenced).set(row.id, row);
    // Fenced out (rare): the task as it stands, whole; a slim row lacks the columns that a
    // takeover or an abort may have changed (execution name).
    if (statements === slim && fenced.size > 0) {
      const current = await q.query<TaskRow>(GET_MANY, [textArray([...fenced.keys()])]);
      fenced.clear();
      for (const row of current) fenced.set(row.id, row);
    }
    return params.map((p): TaskFinishResult => {
      const done = appliedRows.get(p.id);
      if (done) return applied(p, done);
      const row = fenced.get(p.id);
      return { id: p.id, applied: false, task: row ? rowToTask(row as TaskRow) : null };
    });
  }

  async function finishAll(params: readonly TaskFinishParams[]): Promise<TaskFinishResult[]> {
    if (params.length === 0) return [];
    const runs = runsOfDistinctIds(params);
    if (runs.length === 1) return finishDistinct(db, params);
    // One task twice in a batch: the statement sees each row once, so the batch goes as
    // consecutive statements, each finish seeing what the one before it left, in one
    // transaction so that the batch is still all or nothing.
    return db.transaction(async (tx) => {
      const results: TaskFinishResult[] = [];
      for (const run of runs) results.push(...(await finishDistinct(tx, run)));
      return results;
    });
  }

  return {
    // Values are encoded here, before any query: a value JSON.stringify refuses (a BigInt
    // in a log item) is reported as the store's own refusals are (STORAGE_VALUE_REFUSED).
    finishMany: (params) => finishAll(params).catch((error: unknown) => Promise.reject(toStintError(error))),

    async abort(params) {
      const keepClaim = params.hookLeaseMs !== undefined;
      return db.transaction<TaskAbortResult>(async (tx) => {
        const aborted = await tx.query<TaskRow>(ABORT, [
          params.id,
          ts(params.now),
          params.workerId,
          keepClaim,
          keepClaim ? ts(params.now + params.hookLeaseMs!) : null,
        ]);
        if (aborted.length === 0) {
          const [row] = await tx.query<TaskRow>(GET, [params.id]);
          return row ? { outcome: "not-abortable", task: rowToTask(row) } : { outcome: "not-found" };
        }
        const task = rowToTask(aborted[0]);
        await appendLogs(tx, APPEND, [
          {
            taskId: task.id,
            // The current iteration's record, as on SQLite (sqlite/finish.ts taskAbort);
            // iteration 1's for a task that never ran (Webiny).
            iteration: Math.max(1, task.iterations),
            executionName: task.executionName,
            now: params.now,
            items: [{ message: params.message, type: "info", createdOn: new Date(params.now) }],
          },
        ]);
        await tx.query(notifySql(db.names), [encodeEvent({ type: "task-aborted", id: task.id })]);
        return { outcome: "aborted", task, leaseToken: aborted[0].lease_token };
      });
    },
  };
}


/** The result of an applied item (continue in place also hands back the new claim). */
function applied(p: TaskFinishParams, row: FinishChangedRow): TaskFinishResult {
  const task = p.claimed ? finishedTask(p.claimed, row) : rowToTask(row as TaskRow);
  if (!finishPlan(p).inPlace) return { id: p.id, applied: true, task };
  return { id: p.id, applied: true, task, leaseToken: row.lease_token, leaseExpiresAt: row.lease_expires_at!.getTime() };
}

/** Per-item values, in bind order; NULL `iterations`, `run_at`, `finished_on`: keep the stored one. */
const FINISH_FIELD_TYPES = {
  id: "text",
  token: "int",
  status: "text",
  now: "timestamptz",
  set_input: "bool",
  input: "jsonb",
  set_output: "bool",
  output: "jsonb",
  set_progress: "bool",
  progress: "jsonb",
  iterations: "int",
  run_at: "timestamptz",
  finished_on: "timestamptz",
  hook_pending: "bool",
  keep_owner: "bool",
  due_at: "timestamptz",
  in_place: "bool",
  bump_token: "bool",
  keep_lease_from: "timestamptz",
} as const;
type FinishField = keyof typeof FINISH_FIELD_TYPES;
const FINISH_FIELDS = Object.keys(FINISH_FIELD_TYPES) as FinishField[];

/**
 * The SET list of a finish, over the item's values as `v(field)` reads them (columns of
 * the batch, or parameters of the batch of one).
 *
 * Continue in place keeps the current lease (and so `due_at`) while at least half of it
 * remains (`keepLeaseFrom`, finish-plan.ts): with no indexed column changed, PostgreSQL
 * can update the row in place (HOT), with no new index entries.
 */
function finishSet(v: (field: FinishField) => string): string {
  const keepLease = `t.lease_expires_at >= ${v("keep_lease_from")}`;
  return `
        status = ${v("status")},
        saved_on = ${v("now")},
        input = CASE WHEN ${v("set_input")} THEN ${v("input")} ELSE t.input END,
        output = CASE WHEN ${v("set_output")} THEN ${v("output")} ELSE t.output END,
        progress = CASE WHEN ${v("set_progress")} THEN ${v("progress")} ELSE t.progress END,
        iterations = CASE WHEN ${v("in_place")} THEN t.iterations + 1 ELSE COALESCE(${v("iterations")}, t.iterations) END,
        attempt = CASE WHEN ${v("in_place")} THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN ${v("bump_token")} THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE(${v("run_at")}, t.run_at),
        finished_on = COALESCE(${v("finished_on")}, t.finished_on),
        hook_pending = ${v("hook_pending")},
        lease_owner = CASE WHEN ${v("keep_owner")} THEN t.lease_owner END,
        lease_expires_at = CASE WHEN ${keepLease} THEN t.lease_expires_at WHEN ${v("keep_owner")} THEN ${v("due_at")} END,
        due_at = CASE WHEN ${keepLease} THEN t.due_at ELSE ${v("due_at")} END`;
}

/** An item's values by field; times as epoch ms (each path binds them its own way). */
function itemValues(p: TaskFinishParams): Record<FinishField, unknown> {
  const plan = finishPlan(p);
  return {
    id: p.id,
    token: p.leaseToken,
    status: p.status,
    now: p.now,
    set_input: p.input !== undefined,
    input: json(p.input),
    set_output: p.output !== undefined,
    output: json(p.output),
    set_progress: p.progress !== undefined,
    progress: json(p.progress),
    iterations: p.iterations ?? null,
    run_at: plan.runAt,
    finished_on: plan.finishedOn,
    hook_pending: plan.hookPending,
    keep_owner: plan.keepsClaim,
    due_at: plan.dueAt,
    in_place: plan.inPlace,
    bump_token: plan.bumpsToken,
    keep_lease_from: plan.keepLeaseFrom,
  };
}

/** Array literals by column type (arrays.ts). */
const ARRAY_OF = {
  text: textArray,
  jsonb: textArray,
  int: intArray,
  bool: boolArray,
  timestamptz: timeArray,
} as const satisfies Record<(typeof FINISH_FIELD_TYPES)[FinishField], (values: never[]) => string>;

/** The batch statement's bind values: one array literal per field. */
function finishValues(params: readonly TaskFinishParams[]): unknown[] {
  const items = params.map(itemValues);
  return FINISH_FIELDS.map((field) => (ARRAY_OF[FINISH_FIELD_TYPES[field]] as (values: unknown[]) => string)(items.map((item) => item[field])));
}

/** The batch of one's bind values: the item's fields, then its log record and items. */
function finishOneValues(p: TaskFinishParams): unknown[] {
  const item = itemValues(p);
  const log = p.log && p.log.items.length > 0 ? p.log : undefined;
  const items = (log?.items ?? []).map((item) => ({ item, now: log!.now }));
  return [
    // Times as ISO text: pg prints a Date field by field in local time.
    ...FINISH_FIELDS.map((field) => (FINISH_FIELD_TYPES[field] === "timestamptz" ? isoOrNull(item[field] as number | null) : item[field])),
    log ? newId(log.now) : null,
    log?.iteration ?? null,
    log?.executionName ?? null,
    log ? isoTime(log.now) : null,
    ...logItemColumns(items),
  ];
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}

/** The named statements of finishes and aborts (their text is fixed per schema). */
export function finishStatements(names: SqlNames) {
  const { tasks } = names;

  // Every per-item value is computed in JS (see finishValues); NULL in `iterations`,
  // `run_at` and `finished_on` means "keep the stored one". `in_place` is keepClaim
  // (continue in place): the same holder claims the next iteration in this write.
  //
  // Order of the locks, the same as taskAbort's (task row, then log record), so the two
  // never deadlock:
  // 1. `locked` takes every task row of the batch, in id order, FOR NO KEY UPDATE (as the
  //    other multi-row writes do, see claim.ts). In READ COMMITTED a row that a concurrent
  //    abort changed is waited for and returned as that abort left it, so both the fence
  //    check and the fenced-out rows returned below see the latest version (the
  //    statement's snapshot alone would not);
  // 2. `done` updates the rows whose token matches and that are still running;
  // 3. only then the log records and items (`record` reads `done` first, through `gate`,
  //    so it can never run before the task rows are locked). Logs are appended for every
  //    item, applied or fenced out. The record is found or created with ON CONFLICT DO
  //    UPDATE (see logs.ts) so a record another transaction just created is still used.
  // `returned`: the task columns each row comes back with (all of them, or with `claimed`
  // given for every item, only those a finish changes: FINISH_CHANGED_COLUMNS).
  // `locked`: the columns the batch's rows are held with (materialized once, read by the
  // update, the log records and the fenced-out rows): the returned ones plus the fence's
  // and the log records' (created_by); not the whole row when only a slim one comes back.
  const finishSql = (withLogs: boolean, returned: (alias: string) => string, locked: (alias: string) => string = returned) => `
    WITH f AS (
      SELECT * FROM unnest(${FINISH_FIELDS.map((field, i) => `$${i + 1}::${FINISH_FIELD_TYPES[field]}[]`).join(", ")})
        AS f(${FINISH_FIELDS.map((field) => `f_${field}`).join(", ")})
    ), locked AS (
      -- The batch drives (an index lookup per item): joined here, not in "done", where
      -- a plan that thought the batch small re-ran the unnest once per row (quadratic).
      -- \`t.id = ANY($1)\` (the ids): task rows by primary key whatever the statistics say.
      SELECT ${locked("t")}, f.* FROM f JOIN ${tasks} t ON t.id = f.f_id
      WHERE t.id = ANY($1::text[])
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), done AS (
      UPDATE ${tasks} t SET ${finishSet((field) => `l.f_${field}`)}
      FROM locked l
      WHERE t.id = l.id AND l.lease_token = l.f_token AND l.status = 'running'
      RETURNING ${returned("t")}
    )${
      withLogs
        ? `, gate AS (
      SELECT count(*) AS n FROM done
    ), ${appendLogsCtes(names, {
      param: FINISH_FIELDS.length + 1,
      // created_by from the rows already locked: a join to the table could be planned as
      // a scan of every task (a generic plan sees neither the batch size nor the table size)
      taskSource: "locked",
      after: "gate",
      // A fenced-out finish keeps run()'s items, not its outcome's (keptLog).
      outcomeIfApplied: "done",
    })}`
        : ""
    }
    SELECT true AS applied, done.* FROM done
    UNION ALL
    SELECT false AS applied, ${returned("l")} FROM locked l
    WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = l.id)`;

  // The batch of one. Log records take created_by from the updated row, so a fenced-out
  // item returns no row and appends nothing here: the batch statement then does both.
  // Binds: the item's fields, then its log record ($log(0..3)) and item arrays ($log(4..9)).
  const one = (field: FinishField) => `$${FINISH_FIELDS.indexOf(field) + 1}::${FINISH_FIELD_TYPES[field]}`;
  const log = (offset: number) => `$${FINISH_FIELDS.length + 1 + offset}`;
  const finishOneSql = (returned: (alias: string) => string) => `
    WITH done AS (
      UPDATE ${tasks} t SET ${finishSet(one)}
      WHERE t.id = ${one("id")} AND t.lease_token = ${one("token")} AND t.status = 'running'
      RETURNING ${returned("t")}, t.created_by AS record_created_by
    ), record AS (
      INSERT INTO ${names.logs} (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT ${log(0)}::text, done.id, ${log(1)}::int, ${log(2)}::text, ${log(3)}::timestamptz, done.record_created_by
      FROM done WHERE ${log(0)}::text IS NOT NULL
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id
    ), items AS (
      INSERT INTO ${names.logItems} (log_id, type, message, created_on, data, error, attempt)
      SELECT record.id, i.type, i.message, i.created_on, i.data, i.error, i.attempt
      FROM record, unnest(${log(4)}::text[], ${log(5)}::text[], ${log(6)}::timestamptz[], ${log(7)}::jsonb[], ${log(8)}::jsonb[], ${log(9)}::int[])
           WITH ORDINALITY AS i(type, message, created_on, data, error, attempt, ord)
      ORDER BY i.ord
    )
    SELECT ${returned("done")} FROM done`;

  const changedColumns = (alias: string) => FINISH_CHANGED_COLUMNS.map((c) => `${alias}.${c}`).join(", ");
  const full = {
    one: statement(names, "finish_one", finishOneSql(taskColumns)),
    batch: statement(names, "finish", finishSql(false, taskColumns)),
    batchWithLogs: statement(names, "finish_logs", finishSql(true, taskColumns)),
  };
  // With `claimed` given for every item: no column a finish leaves alone is read back
  // (half the row's columns, among them two times and the creator's JSON), so the
  // statement sends, and this process parses, about half as much per row.
  const slim = {
    one: statement(names, "finish_one_slim", finishOneSql(changedColumns)),
    batch: statement(names, "finish_slim", finishSql(false, changedColumns)),
    batchWithLogs: statement(names, "finish_logs_slim", finishSql(true, changedColumns, (alias) => `${changedColumns(alias)}, ${alias}.created_by`)),
  };

  // $1 id, $2 now, $3 worker id, $4 keep the claim for the onAbort hook, $5 its expiry.
  const ABORT = `
    UPDATE ${tasks} SET
      status = 'aborted',
      finished_on = $2,
      saved_on = $2,
      lease_token = lease_token + 1,
      lease_owner = CASE WHEN $4 THEN $3 END,
      hook_pending = $4,
      lease_expires_at = $5,
      due_at = $5
    WHERE id = $1 AND status IN ('pending', 'running')
    RETURNING ${TASK_COLUMNS}`;

  const GET = `SELECT ${TASK_COLUMNS} FROM ${tasks} WHERE id = $1`;
  const GET_MANY = `SELECT ${TASK_COLUMNS} FROM ${tasks} WHERE id = ANY($1::text[])`;

  return {
    FINISH_ONE: full.one,
    FINISH: full.batch,
    FINISH_LOGS: full.batchWithLogs,
    FINISH_ONE_SLIM: slim.one,
    FINISH_SLIM: slim.batch,
    FINISH_LOGS_SLIM: slim.batchWithLogs,
    ABORT,
    GET,
    GET_MANY,
  };
}

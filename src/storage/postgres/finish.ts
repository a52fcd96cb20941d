/**
 * Fenced writes of a claim's holder (the end of iterations, `taskFinishMany`, and the
 * partial `taskUpdate`) and the one unfenced write that beats them (the abort). All are
 * conditional updates, so a terminal status is written at most once and an abort (which
 * also bumps the lease token) wins over a later finish or update.
 *
 * Each statement is one file under finish/, its SQL written out with fixed bind
 * positions (the values: finish/binds.ts); this file picks one per call:
 * - a batch of one (an idle worker, a task continuing in place) goes first as
 *   finish/one.ts, about half the round trip of a batch; when its fence does not match,
 *   the batch statement settles that item;
 * - any other batch is ONE statement in autocommit whatever its size (one round trip and
 *   one transaction): finish/batch.ts, or finish/batch-logs.ts when it appends log items;
 * - each of the three comes whole or slim: with `claimed` given for every item, only the
 *   columns a finish changes are read back (FINISH_CHANGED_COLUMNS: half the row's
 *   columns, among them two times and the creator's JSON), so the statement sends, and
 *   this process parses, about half as much per row.
 */
import { isTerminalStatus } from "../../domain/task.js";
import { finishPlan, runsOfDistinctIds } from "../finish-plan.js";
import type { TaskAbortParams, TaskAbortResult, TaskFinishParams, TaskFinishResult, TaskUpdateParams } from "../port/types.js";
import { textArray } from "./arrays.js";
import { forBatch, statement, type Db, type Queryable, type Statement } from "./connection.js";
import { toStintError } from "./errors.js";
import { abortSql } from "./finish/abort.js";
import { finishBatchLogsSql } from "./finish/batch-logs.js";
import { finishBatchSql } from "./finish/batch.js";
import { batchValues, oneValues } from "./finish/binds.js";
import { finishOneSql } from "./finish/one.js";
import { updateSql } from "./finish/update.js";
import { waitChildrenStatements, wakeParents as wakeWaitingParents } from "./finish/wait-children.js";
import { appendLogs, appendLogsStatement, appendLogsValues } from "./logs.js";
import type { SqlNames } from "./names.js";
import { encodeEvent, notifySql } from "./notify.js";
import { FINISH_CHANGED_COLUMNS, finishedTask, json, rowToTask, TASK_COLUMNS, taskColumns, ts, type FinishChangedRow, type TaskRow } from "./row.js";

export interface FinishOps {
  finishMany(params: readonly TaskFinishParams[]): Promise<TaskFinishResult[]>;
  update(params: TaskUpdateParams): Promise<boolean>;
  abort(params: TaskAbortParams): Promise<TaskAbortResult>;
}

/** The three finish statements in one of their two shapes (whole rows, or slim ones). */
interface FinishVariant {
  one: Statement;
  batch: Statement;
  batchWithLogs: Statement;
}

/** The named statements of finishes and updates (their text is fixed per schema), and the fixed unnamed ones of aborts. */
export function finishStatements(names: SqlNames) {
  const changedColumns = (alias: string) => FINISH_CHANGED_COLUMNS.map((c) => `${alias}.${c}`).join(", ");
  // Slim with logs: the rows are also held with created_by, which the log records take.
  const changedAndCreator = (alias: string) => `${changedColumns(alias)}, ${alias}.created_by`;
  return {
    FINISH_ONE: statement(names, "finish_one", finishOneSql(names, taskColumns)),
    FINISH: statement(names, "finish", finishBatchSql(names, taskColumns)),
    FINISH_LOGS: statement(names, "finish_logs", finishBatchLogsSql(names, taskColumns)),
    FINISH_ONE_SLIM: statement(names, "finish_one_slim", finishOneSql(names, changedColumns)),
    FINISH_SLIM: statement(names, "finish_slim", finishBatchSql(names, changedColumns)),
    FINISH_LOGS_SLIM: statement(names, "finish_logs_slim", finishBatchLogsSql(names, changedColumns, changedAndCreator)),
    UPDATE: statement(names, "update", updateSql(names)),
    ABORT: abortSql(names),
    GET: `SELECT ${TASK_COLUMNS} FROM ${names.tasks} WHERE id = $1`,
    GET_MANY: `SELECT ${TASK_COLUMNS} FROM ${names.tasks} WHERE id = ANY($1::text[])`,
  };
}

export function finishOps(db: Db): FinishOps {
  const S = finishStatements(db.names);
  const W = waitChildrenStatements(db.names);

  const wakeParents = (tx: Queryable, parents: readonly string[], now: number) => wakeWaitingParents(tx, W, parents, now);
  const full: FinishVariant = { one: S.FINISH_ONE, batch: S.FINISH, batchWithLogs: S.FINISH_LOGS };
  const slim: FinishVariant = { one: S.FINISH_ONE_SLIM, batch: S.FINISH_SLIM, batchWithLogs: S.FINISH_LOGS_SLIM };
  const APPEND = appendLogsStatement(db.names);

  /** One batch whose items name distinct tasks, on `q` (the pool, or a transaction). */
  async function finishDistinct(q: Queryable, params: readonly TaskFinishParams[]): Promise<TaskFinishResult[]> {
    const statements = params.every((p) => p.claimed) ? slim : full;
    const [single] = params;
    // The batch of one files its log under the task's own id: a log naming another task
    // goes through the batch statement, which handles that as any batch does.
    if (params.length === 1 && (!single.log || single.log.taskId === single.id)) {
      const [row] = await q.query<FinishChangedRow>(statements.one, oneValues(single));
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
      logs ? [...batchValues(params), ...logs.values] : batchValues(params),
    );
    const appliedRows = new Map<string, FinishChangedRow>();
    const fenced = new Map<string, FinishChangedRow>();
    for (const row of rows) (row.applied ? appliedRows : fenced).set(row.id, row);
    // Fenced out (rare): the task as it stands, whole; a slim row lacks the columns that a
    // takeover or an abort may have changed (execution name).
    if (statements === slim && fenced.size > 0) {
      const current = await q.query<TaskRow>(S.GET_MANY, [textArray([...fenced.keys()])]);
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
    // A wait for children begins, or a child may end: the finish and its wake go in one
    // transaction (finish/wait-children.ts). Any other batch takes the path below as is.
    if (params.some(beginsWait) || params.some(mayEndChild)) return finishWithWaits(params);
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

  /** The batch's finishes, the waits they begin and the parents they wake, in one transaction; then the rechecks of waits left standing. */
  async function finishWithWaits(params: readonly TaskFinishParams[]): Promise<TaskFinishResult[]> {
    const now = Math.max(...params.map((p) => p.now));
    const { results, standing } = await db.transaction(async (tx) => {
      const results: TaskFinishResult[] = [];
      for (const run of runsOfDistinctIds(params)) results.push(...(await finishDistinct(tx, run)));
      const waits = params.filter((p, i) => beginsWait(p) && results[i]!.applied).map((p) => p.id);
      const woken = new Set<string>();
      const standing: string[] = [];
      if (waits.length > 0) {
        for (const row of await tx.query<{ id: string; waiting: boolean }>(W.WAIT, [textArray(waits), ts(now)])) {
          if (row.waiting) standing.push(row.id);
          else woken.add(row.id);
        }
      }
      const parents = [...new Set(results.flatMap((r) => (endedChild(r) ? [r.task!.parentId!] : [])))];
      for (const id of await wakeParents(tx, parents, now)) woken.add(id);
      markWoken(params, results, woken, now);
      return { results, standing };
    });
    if (standing.length > 0) {
      // The finishes are committed: a failed recheck must not fail them (a retried finish
      // would apply again). Such a wait then ends at a later child's finish or its timeout.
      const rows = await db.query<{ id: string }>(W.RECHECK, [textArray(standing), ts(now)]).catch((error: unknown) => {
        db.options.onError(toStintError(error));
        return [];
      });
      markWoken(params, results, new Set(rows.map((row) => row.id)), now);
    }
    return results;
  }

  return {
    // Values are encoded here, before any query: a value JSON.stringify refuses (a BigInt
    // in a log item) is reported as the store's own refusals are (STORAGE_VALUE_REFUSED).
    finishMany: (params) => finishAll(params).catch((error: unknown) => Promise.reject(toStintError(error))),

    async update(params) {
      let values: unknown[];
      try {
        values = [
          params.id,
          params.leaseToken,
          ts(params.now),
          params.input !== undefined,
          json(params.input),
          params.output !== undefined,
          json(params.output),
          params.progress !== undefined,
          json(params.progress),
        ];
      } catch (error) {
        throw toStintError(error); // a value JSON cannot encode (a BigInt): STORAGE_VALUE_REFUSED, as on SQLite
      }
      const rows = await db.query(S.UPDATE, values);
      return rows.length > 0;
    },

    async abort(params) {
      const keepClaim = params.hookLeaseMs !== undefined;
      return db.transaction<TaskAbortResult>(async (tx) => {
        const aborted = await tx.query<TaskRow>(S.ABORT, [
          params.id,
          ts(params.now),
          params.workerId,
          keepClaim,
          keepClaim ? ts(params.now + params.hookLeaseMs!) : null,
        ]);
        if (aborted.length === 0) {
          const [row] = await tx.query<TaskRow>(S.GET, [params.id]);
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
        // The last unfinished child aborted (or deleted, which aborts first) wakes a waiting parent.
        const woken = task.parentId ? await wakeParents(tx, [task.parentId], params.now) : [];
        return { outcome: "aborted", task, leaseToken: aborted[0].lease_token, ...(woken.length > 0 ? { woken: true as const } : {}) };
      });
    },
  };
}

/** A finish that begins a wait for the task's children. */
function beginsWait(p: TaskFinishParams): boolean {
  return p.waitForChildren === true && p.status === "running" && p.retryAt === undefined;
}

/** A terminal finish of a task that has (or, not knowing the claimed task, may have) a parent. */
function mayEndChild(p: TaskFinishParams): boolean {
  return isTerminalStatus(p.status) && (p.claimed ? p.claimed.parentId !== null : true);
}

/** An applied terminal finish of a child, as stored. */
function endedChild(result: TaskFinishResult): boolean {
  return result.applied && result.task !== null && result.task.parentId !== null && isTerminalStatus(result.task.taskStatus);
}

/** Marks the results that woke a task: a wait ended at once (the task itself), or a parent (this child's). */
function markWoken(params: readonly TaskFinishParams[], results: TaskFinishResult[], woken: ReadonlySet<string>, now: number): void {
  if (woken.size === 0) return;
  results.forEach((result, i) => {
    if (!result.applied || !result.task) return;
    const target = beginsWait(params[i]!) ? result.id : result.task.parentId;
    if (target === null || !woken.has(target)) return;
    result.woken = true;
    if (target === result.id) result.task.runAt = new Date(now);
  });
}

/** The result of an applied item (continue in place also hands back the new claim). */
function applied(p: TaskFinishParams, row: FinishChangedRow): TaskFinishResult {
  const task = p.claimed ? finishedTask(p.claimed, row) : rowToTask(row as TaskRow);
  if (!finishPlan(p).inPlace) return { id: p.id, applied: true, task };
  return { id: p.id, applied: true, task, leaseToken: row.lease_token, leaseExpiresAt: row.lease_expires_at!.getTime() };
}

/**
 * The finish of a batch whose items name distinct tasks, with no log to append: ONE
 * statement in autocommit (one round trip, one transaction) whatever its size. It locks
 * the batch's task rows in id order, updates the ones whose fence matches and returns
 * each task as stored afterwards (`applied`), or as it stands when fenced out.
 *
 * Binds (binds.ts `batchValues`): $1–$19, one array per field, an element per item, in
 * the order of one.ts: $1 ids, $2 tokens, $3 statuses, $4 now, $5/$6 set input/input,
 * $7/$8 set output/output, $9/$10 set progress/progress, $11 iterations, $12 run_at,
 * $13 finished_on, $14 hook_pending, $15 keep owner, $16 due_at, $17 in place,
 * $18 bump token, $19 keep lease from.
 *
 * Order of the locks, the same as the abort's (task row, then log record), so the two
 * never deadlock: `locked` takes every task row of the batch, in id order, FOR NO KEY
 * UPDATE (as the other multi-row writes do, see claim.ts). In READ COMMITTED a row that a
 * concurrent abort changed is waited for and returned as that abort left it, so both the
 * fence check and the fenced-out rows returned see the latest version (the statement's
 * snapshot alone would not). `done` then updates the rows whose token matches and that
 * are still running.
 */
import type { SqlNames } from "../names.js";
import type { ColumnList } from "../row.js";

/**
 * The CTEs `f` (the batch, $1–$19), `locked` and `done` (the rows updated), shared by
 * this statement and batch-logs.ts. `returned`: the task columns each row comes back with
 * (whole row, or the slim list); `locked`: the columns the batch's rows are held with
 * (materialized once, read by the update and the fenced-out rows; batch-logs.ts's log
 * records too), at least the returned ones and the fence's.
 */
export function lockAndFinishCtes({ tasks }: SqlNames, returned: ColumnList, locked: ColumnList): string {
  return `
    WITH f AS (
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $5::bool[], $6::jsonb[], $7::bool[], $8::jsonb[], $9::bool[], $10::jsonb[], $11::int[], $12::timestamptz[], $13::timestamptz[], $14::bool[], $15::bool[], $16::timestamptz[], $17::bool[], $18::bool[], $19::timestamptz[])
        AS f(f_id, f_token, f_status, f_now, f_set_input, f_input, f_set_output, f_output, f_set_progress, f_progress, f_iterations, f_run_at, f_finished_on, f_hook_pending, f_keep_owner, f_due_at, f_in_place, f_bump_token, f_keep_lease_from)
    ), locked AS (
      -- The batch drives (an index lookup per item): joined here, not in "done", where
      -- a plan that thought the batch small re-ran the unnest once per row (quadratic).
      -- \`t.id = ANY($1)\` (the ids): task rows by primary key whatever the statistics say.
      SELECT ${locked("t")}, f.* FROM f JOIN ${tasks} t ON t.id = f.f_id
      WHERE t.id = ANY($1::text[])
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), done AS (
      UPDATE ${tasks} t SET 
        status = l.f_status,
        saved_on = l.f_now,
        -- The first change of the input keeps the old one: the input as triggered (0009_rerun.sql).
        triggered_input = CASE WHEN l.f_set_input AND t.triggered_input IS NULL AND t.input IS DISTINCT FROM l.f_input THEN t.input ELSE t.triggered_input END,
        input = CASE WHEN l.f_set_input THEN l.f_input ELSE t.input END,
        output = CASE WHEN l.f_set_output THEN l.f_output ELSE t.output END,
        progress = CASE WHEN l.f_set_progress THEN l.f_progress ELSE t.progress END,
        iterations = CASE WHEN l.f_in_place THEN t.iterations + 1 ELSE COALESCE(l.f_iterations, t.iterations) END,
        attempt = CASE WHEN l.f_in_place THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN l.f_bump_token THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE(l.f_run_at, t.run_at),
        finished_on = COALESCE(l.f_finished_on, t.finished_on),
        hook_pending = l.f_hook_pending,
        lease_owner = CASE WHEN l.f_keep_owner THEN t.lease_owner END,
        lease_expires_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.lease_expires_at WHEN l.f_keep_owner THEN l.f_due_at END,
        due_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.due_at ELSE l.f_due_at END
      FROM locked l
      WHERE t.id = l.id AND l.lease_token = l.f_token AND l.status = 'running'
      RETURNING ${returned("t")}
    )`;
}

/**
 * The statement: the rows that applied, then the fenced-out ones as they stand.
 * `returned` and `locked` as in `lockAndFinishCtes`.
 */
export function finishBatchSql(names: SqlNames, returned: ColumnList, locked: ColumnList = returned): string {
  return `${lockAndFinishCtes(names, returned, locked)}
    SELECT true AS applied, done.* FROM done
    UNION ALL
    SELECT false AS applied, ${returned("l")} FROM locked l
    WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = l.id)`;
}

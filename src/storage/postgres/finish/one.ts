/**
 * The finish of a batch of one (an idle worker, a task continuing in place): a smaller
 * statement than the batch's, with scalar parameters (no unnest, no lock-ordering CTE),
 * about half the round trip. Its log record takes created_by from the updated row, so a
 * fenced-out item returns no row and appends nothing: the batch statement (batch-logs.ts)
 * then settles that item.
 *
 * Binds (binds.ts `oneValues`): $1–$19 the item's fields, as in every finish statement:
 * $1 id, $2 token, $3 status, $4 now, $5/$6 set input/input, $7/$8 set output/output,
 * $9/$10 set progress/progress, $11 iterations, $12 run_at, $13 finished_on,
 * $14 hook_pending, $15 keep owner, $16 due_at, $17 in place, $18 bump token,
 * $19 keep lease from. Then the log record: $20 its id (NULL: no items), $21 iteration,
 * $22 execution name, $23 created_on; its items: $24 types, $25 messages, $26 times,
 * $27 data, $28 errors, $29 attempts. NULL `iterations`, `run_at`, `finished_on`: keep the
 * stored one.
 *
 * The first finish that changes the input keeps the old one as `triggered_input` (the
 * input as triggered, 0009_rerun.sql); one that leaves the input alone writes no byte there.
 *
 * Continue in place keeps the current lease (and so `due_at`) while at least half of it
 * remains ($19, finish-plan.ts `keepLeaseFrom`): with no indexed column changed,
 * PostgreSQL can update the row in place (HOT), with no new index entries.
 */
import type { SqlNames } from "../names.js";
import type { ColumnList } from "../row.js";

/** `returned`: the task columns the statement reads back (whole row, or the slim list). */
export function finishOneSql({ tasks, logs, logItems }: SqlNames, returned: ColumnList): string {
  return `
    WITH done AS (
      UPDATE ${tasks} t SET 
        status = $3::text,
        saved_on = $4::timestamptz,
        triggered_input = CASE WHEN $5::bool AND t.triggered_input IS NULL AND t.input IS DISTINCT FROM $6::jsonb THEN t.input ELSE t.triggered_input END,
        input = CASE WHEN $5::bool THEN $6::jsonb ELSE t.input END,
        output = CASE WHEN $7::bool THEN $8::jsonb ELSE t.output END,
        progress = CASE WHEN $9::bool THEN $10::jsonb ELSE t.progress END,
        iterations = CASE WHEN $17::bool THEN t.iterations + 1 ELSE COALESCE($11::int, t.iterations) END,
        attempt = CASE WHEN $17::bool THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN $18::bool THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE($12::timestamptz, t.run_at),
        finished_on = COALESCE($13::timestamptz, t.finished_on),
        hook_pending = $14::bool,
        lease_owner = CASE WHEN $15::bool THEN t.lease_owner END,
        lease_expires_at = CASE WHEN t.lease_expires_at >= $19::timestamptz THEN t.lease_expires_at WHEN $15::bool THEN $16::timestamptz END,
        due_at = CASE WHEN t.lease_expires_at >= $19::timestamptz THEN t.due_at ELSE $16::timestamptz END
      WHERE t.id = $1::text AND t.lease_token = $2::int AND t.status = 'running'
      RETURNING ${returned("t")}, t.created_by AS record_created_by
    ), record AS (
      INSERT INTO ${logs} (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT $20::text, done.id, $21::int, $22::text, $23::timestamptz, done.record_created_by
      FROM done WHERE $20::text IS NOT NULL
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id
    ), items AS (
      INSERT INTO ${logItems} (log_id, type, message, created_on, data, error, attempt)
      SELECT record.id, i.type, i.message, i.created_on, i.data, i.error, i.attempt
      FROM record, unnest($24::text[], $25::text[], $26::timestamptz[], $27::jsonb[], $28::jsonb[], $29::int[])
           WITH ORDINALITY AS i(type, message, created_on, data, error, attempt, ord)
      ORDER BY i.ord
    )
    SELECT ${returned("done")} FROM done`;
}

/**
 * The finish of a batch whose items name distinct tasks, appending their log items in
 * the same statement: batch.ts's lock and update (`lockAndFinishCtes`), then the log
 * records and items, ONE statement in autocommit whatever the batch's size.
 *
 * Binds: $1–$19 the items' fields, as in batch.ts; then the log, as logs.ts
 * `appendLogsValues` lays it out with outcome flags: $20 record ids, $21 task ids,
 * $22 iterations, $23 execution names, $24 created_on (one element per record);
 * $25 each item's record (its ordinal among the records), $26 types, $27 messages,
 * $28 times, $29 data, $30 errors, $31 attempts (one element per item); $32 per record,
 * whether it holds an item that is not the outcome's (`own`); $33 per item, whether it
 * is the outcome's.
 *
 * The log records and items come after the task rows are locked (`record` reads `done`
 * first, through `gate`, so it can never run before them): the same lock order as the
 * abort's. Logs are appended for every item, applied or fenced out, except the outcome's
 * own items of a finish that did not apply, and anything of a finish fenced out by an
 * abort (`locked` holds the rows as they were before the finish: `aborted` there means an
 * abort beat it), so no item of the aborted iteration lands after the abort's message
 * (finish-plan.ts `keptLog`). The record is found or created with ON CONFLICT DO UPDATE
 * (see logs.ts) so a record another transaction just created is still used. created_by
 * comes from the rows already locked: a join to the table could be planned as a scan of
 * every task (a generic plan sees neither the batch size nor the table size). `IN`, not
 * `EXISTS`: under the OR, PostgreSQL hashes an IN's subquery once (a hashed SubPlan)
 * where it would scan the CTE again for every row with EXISTS.
 */
import type { SqlNames } from "../names.js";
import type { ColumnList } from "../row.js";
import { lockAndFinishCtes } from "./batch.js";

/** `returned` and `locked` as in batch.ts; `locked` must include `created_by` (the records'). */
export function finishBatchLogsSql(names: SqlNames, returned: ColumnList, locked: ColumnList = returned): string {
  const { logs, logItems } = names;
  return `${lockAndFinishCtes(names, returned, locked)}, gate AS (
      SELECT count(*) AS n FROM done
    ), wanted AS (
      SELECT * FROM unnest($20::text[], $21::text[], $22::int[], $23::text[], $24::timestamptz[], $32::bool[])
               WITH ORDINALITY AS w(id, task_id, iteration, execution_name, created_on, own, ord)
    ), record AS (
      INSERT INTO ${logs} (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT w.id, w.task_id, w.iteration, w.execution_name, w.created_on, t.created_by
      FROM gate, wanted w JOIN locked t ON t.id = w.task_id
      WHERE (w.own AND t.status <> 'aborted') OR w.task_id IN (SELECT id FROM done)
      ORDER BY w.ord
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id, task_id, iteration
    ), items AS (
      INSERT INTO ${logItems} (log_id, type, message, created_on, data, error, attempt)
      SELECT record.id, i.type, i.message, i.created_on, i.data, i.error, i.attempt
      FROM unnest($25::int[], $26::text[], $27::text[], $28::timestamptz[], $29::jsonb[], $30::jsonb[], $31::int[], $33::bool[])
           WITH ORDINALITY AS i(wanted_ord, type, message, created_on, data, error, attempt, outcome, ord)
      JOIN wanted w ON w.ord = i.wanted_ord
      JOIN record ON record.task_id = w.task_id AND record.iteration = w.iteration
      WHERE NOT i.outcome OR w.task_id IN (SELECT id FROM done)
      ORDER BY i.ord
    )
    SELECT true AS applied, done.* FROM done
    UNION ALL
    SELECT false AS applied, ${returned("l")} FROM locked l
    WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = l.id)`;
}

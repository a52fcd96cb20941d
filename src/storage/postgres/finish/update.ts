/**
 * The fenced partial update (`taskUpdate`: a holder storing input, output or progress
 * mid-iteration): it applies only while the presented lease token is current and the
 * task is still running, as a finish does. The first change of the input keeps the old
 * one as `triggered_input` (0009_rerun.sql).
 *
 * Binds: $1 id, $2 token, $3 now, $4/$5 set input/input, $6/$7 set output/output,
 * $8/$9 set progress/progress.
 */
import type { SqlNames } from "../names.js";

/** The update statement (its text is fixed per schema). */
export function updateSql({ tasks }: SqlNames): string {
  return `
    UPDATE ${tasks} SET
      triggered_input = CASE WHEN $4 AND triggered_input IS NULL AND input IS DISTINCT FROM $5::jsonb THEN input ELSE triggered_input END,
      input    = CASE WHEN $4 THEN $5::jsonb ELSE input END,
      output   = CASE WHEN $6 THEN $7::jsonb ELSE output END,
      progress = CASE WHEN $8 THEN $9::jsonb ELSE progress END,
      saved_on = $3
    WHERE id = $1 AND lease_token = $2 AND status = 'running'
    RETURNING id`;
}

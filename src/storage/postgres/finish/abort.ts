/**
 * The abort: the one unfenced write that beats a holder's finish. It applies to a task
 * still pending or running, and moves the lease token on, so whatever the old holder
 * writes afterwards changes nothing but the log.
 *
 * Binds: $1 id, $2 now, $3 worker id, $4 keep the claim for the onAbort hook, $5 its
 * expiry (the task's next due time; NULL without a hook).
 */
import type { SqlNames } from "../names.js";
import { TASK_COLUMNS } from "../row.js";

/** The abort statement (its text is fixed per schema; sent unnamed, in a transaction). */
export function abortSql({ tasks }: SqlNames): string {
  return `
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
}

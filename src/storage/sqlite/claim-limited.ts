/**
 * The claim of tasks of definitions with a concurrency limit (docs/flow-control.md). It
 * runs inside the claim's IMMEDIATE transaction: SQLite's write lock serialises it with
 * every other claim of every process, so the running counts read here cannot change
 * before the claimed rows are written. Three statements per claim, whatever the batch.
 */
import type { ClaimedTask, ConcurrencyLimit } from "../port/types.js";
import { candidateWindow, fullGroups, pickWithinLimits, type LimitCandidate, type RunningCount } from "../limit-pick.js";
import { jsonList, type Db } from "./connection.js";

// Running tasks only (bounded by what the workers run and what waits between iterations),
// through the status index; '' and NULL are one group (a definition-wide limit).
const RUNNING = `
  SELECT definition_id AS definitionId, COALESCE(concurrency_key, '') AS concurrencyKey, count(*) AS running
  FROM stint_tasks
  WHERE status = 'running' AND definition_id IN (SELECT value FROM json_each(?))
  GROUP BY definition_id, COALESCE(concurrency_key, '')`;

// The claim index in order, as the unlimited claim (claims.ts), minus pending tasks of
// groups already full: those stay where they are without costing this claim a row each.
const CANDIDATES = `
  SELECT id, definition_id AS definitionId, concurrency_key AS concurrencyKey, status
  FROM stint_tasks INDEXED BY stint_tasks_due
  WHERE due_at IS NOT NULL AND due_at <= @now
    AND definition_id IN (SELECT value FROM json_each(@definitionIds))
    AND (status NOT IN ('success', 'failed', 'aborted') OR hook_pending = 1)
    AND NOT (status = 'pending'
             AND json_array(definition_id, COALESCE(concurrency_key, '')) IN (SELECT value FROM json_each(@full)))
  ORDER BY priority DESC, due_at, id
  LIMIT @window`;

/**
 * Claims up to `limit` due tasks of the `limited` definitions within their limits: must
 * run inside the caller's write transaction. `claimIds` writes the claim of the given ids
 * (the same update as every claim) and reads them back in order.
 */
export function claimLimited(
  db: Db,
  params: { limited: readonly ConcurrencyLimit[]; limit: number; now: number },
  claimIds: (ids: readonly string[]) => ClaimedTask[],
): ClaimedTask[] {
  if (params.limited.length === 0 || params.limit <= 0) return [];
  const definitionIds = jsonList(params.limited.map((l) => l.definitionId));
  const counts = db.stmt(RUNNING).all(definitionIds) as RunningCount[];
  // As JSON pairs: json_each gives each back as the text json_array() makes of a row's.
  const full = fullGroups(params.limited, counts).map((c) => [c.definitionId, c.concurrencyKey ?? ""]);
  const candidates = db.stmt(CANDIDATES).all({
    now: params.now,
    definitionIds,
    full: jsonList(full),
    window: candidateWindow(params.limit, params.limited),
  }) as LimitCandidate[];
  const picked = pickWithinLimits(params.limited, counts, candidates, params.limit);
  return picked.length === 0 ? [] : claimIds(picked);
}

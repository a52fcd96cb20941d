/**
 * The claim of tasks of definitions with a concurrency limit (docs/flow-control.md). A
 * count read in one statement's snapshot is not enough: two claimers would each see the
 * same free place and both take it. So each claim of a limited definition first takes a
 * transaction-scoped advisory lock per definition (in one order, so two claimers never
 * wait on each other crosswise), and only then counts: under READ COMMITTED each later
 * statement takes a fresh snapshot, which sees every claim committed by earlier holders of
 * the lock. Claims of unlimited definitions never take these locks (claim.ts).
 *
 * Four statements in one transaction per claim, whatever the batch: lock, count running,
 * read the candidates (claim order, pending tasks of full groups excluded), claim the ids.
 */
import type { ClaimedTask, ConcurrencyLimit, TaskClaimParams } from "../port/types.js";
import { candidateWindow, fullGroups, pickWithinLimits, type LimitCandidate } from "../limit-pick.js";
import { statement, type Db } from "./connection.js";
import { rowToClaim, taskColumns, ts, type TaskRow } from "./row.js";
import { textArray } from "./arrays.js";
import type { SqlNames } from "./names.js";
import { claimSet, owesWork } from "./claim.js";

export interface LimitedClaimOps {
  claim(params: TaskClaimParams & { limit: number; limited: readonly ConcurrencyLimit[] }): Promise<ClaimedTask[]>;
}

export function limitedClaimOps(db: Db): LimitedClaimOps {
  const { LOCK, RUNNING, CANDIDATES, CLAIM_IDS } = limitedClaimStatements(db.names);

  return {
    async claim(params) {
      const leaseExpiresAt = params.now + params.leaseMs;
      const definitionIds = params.limited.map((l) => l.definitionId);
      return db.transaction(async (tx) => {
        await tx.query(LOCK, [db.names.schema, definitionIds]);
        const counts = await tx.query<{ definitionId: string; concurrencyKey: string; running: number }>(RUNNING, [definitionIds]);
        const full = fullGroups(params.limited, counts);
        const candidates = await tx.query<LimitCandidate>(CANDIDATES, [
          ts(params.now),
          definitionIds,
          textArray(full.map((c) => c.definitionId)),
          textArray(full.map((c) => c.concurrencyKey ?? "")),
          candidateWindow(params.limit, params.limited),
        ]);
        const picked = pickWithinLimits(params.limited, counts, candidates, params.limit);
        if (picked.length === 0) return [];
        const rows = await tx.query<TaskRow>(CLAIM_IDS, [textArray(picked), ts(params.now), params.workerId, ts(leaseExpiresAt)]);
        const byId = new Map(rows.map((row) => [row.id, row]));
        // In the order picked (claim order); RETURNING has none.
        return picked.flatMap((id) => {
          const row = byId.get(id);
          return row ? [rowToClaim(row, leaseExpiresAt)] : [];
        });
      });
    },
  };
}

/** The named statements of the limited claim (their text is fixed per schema). */
export function limitedClaimStatements(names: SqlNames) {
  const { tasks } = names;

  // One key per (schema, definition): two Stint schemas on one server never share a lock.
  // The sorted subquery makes the locks be taken in key order.
  const LOCK = statement(names, "limit_lock", `
    SELECT count(pg_advisory_xact_lock(k)) AS locked
    FROM (SELECT DISTINCT hashtextextended($1 || '/' || d, 0) AS k FROM unnest($2::text[]) AS d ORDER BY k) AS keys`);

  // Running tasks only, through tasks_status_idx: bounded by what the workers run and what
  // waits between iterations, not by the queue. '' and NULL are one group.
  const RUNNING = statement(names, "limit_running", `
    SELECT definition_id AS "definitionId", COALESCE(concurrency_key, '') AS "concurrencyKey", count(*)::int AS running
    FROM ${tasks}
    WHERE status = 'running' AND definition_id = ANY($1::text[])
    GROUP BY 1, 2`);

  // The claim index in order, as the unlimited claim (the same wrapped filter, claim.ts),
  // minus pending tasks of full groups ($3, $4: their definitions and keys).
  const CANDIDATES = statement(names, "limit_candidates", `
    SELECT id, definition_id AS "definitionId", concurrency_key AS "concurrencyKey", status
    FROM ${tasks}
    WHERE due_at <= $1
      AND COALESCE(definition_id = ANY($2::text[]) AND ${owesWork()}
                   AND NOT (status = 'pending' AND (definition_id, COALESCE(concurrency_key, ''))
                            IN (SELECT * FROM unnest($3::text[], $4::text[]))), false)
    ORDER BY priority DESC, due_at, id
    LIMIT $5
    FOR UPDATE SKIP LOCKED`);

  const CLAIM_IDS = statement(names, "limit_claim", `
    UPDATE ${tasks} t SET ${claimSet({ now: "$2", worker: "$3", expires: "$4" })}
    WHERE t.id = ANY($1::text[])
    RETURNING ${taskColumns("t")}`);

  return { LOCK, RUNNING, CANDIDATES, CLAIM_IDS };
}

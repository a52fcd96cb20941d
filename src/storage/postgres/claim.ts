/**
 * Leases: the claim (one statement per batch, `FOR UPDATE SKIP LOCKED` so concurrent
 * workers take disjoint rows without waiting), renewal (one statement for all of a
 * worker's leases), give-back at shutdown and the hook confirmation.
 */
import type { ClaimedTask, LeaseRef, LeaseState, TaskClaimParams, TaskRenewLeasesParams, TaskRenewLeasesResult } from "../port/types.js";
import { forBatch, statement, type Db } from "./connection.js";
import { rowToClaim, taskColumns, ts, type TaskRow } from "./row.js";
import { intArray, textArray } from "./arrays.js";
import type { SqlNames } from "./names.js";
import { beatCtes, beatStatement, beatValues } from "./workers.js";
import { splitByLimit } from "../limit-pick.js";
import { limitedClaimOps } from "./claim-limited.js";

export interface ClaimOps {
  claim(params: TaskClaimParams): Promise<ClaimedTask[]>;
  renew(params: TaskRenewLeasesParams): Promise<TaskRenewLeasesResult>;
  release(params: { leases: readonly LeaseRef[]; now: number }): Promise<void>;
  hooksDone(leases: readonly LeaseRef[]): Promise<void>;
}

/** A row still held for work: not settled (pending, running) or terminal with its hook owed. */
export const owesWork = (alias?: string) => {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return `(${column("status")} NOT IN ('success', 'failed', 'aborted') OR ${column("hook_pending")})`;
};

/**
 * The SET list of every claim of a row `t` (the claim below, and the limited claim of
 * claim-limited.ts): a terminal row has an unconfirmed hook and only its lease columns
 * change; any other row starts an iteration: fresh (no owner) counts it, a takeover
 * re-runs it. `now`, `worker` and `expires` name the parameters holding those values.
 */
export function claimSet(p: { now: string; worker: string; expires: string }): string {
  return `
        iterations = CASE WHEN t.status IN ('success', 'failed', 'aborted') OR t.lease_owner IS NOT NULL
                          THEN t.iterations ELSE t.iterations + 1 END,
        attempt = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.attempt
                       WHEN t.lease_owner IS NULL THEN 1 ELSE t.attempt + 1 END,
        status = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.status ELSE 'running' END,
        started_on = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.started_on
                          ELSE COALESCE(t.started_on, ${p.now}) END,
        execution_name = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.execution_name ELSE ${p.worker} END,
        lease_owner = ${p.worker},
        lease_token = t.lease_token + 1,
        lease_expires_at = ${p.expires},
        due_at = ${p.expires},
        saved_on = ${p.now}`;
}

/** Claim order (tasks_claim_idx): higher priority first, then earliest due, then id. */
export function byClaimOrder(a: ClaimOrderRow, b: ClaimOrderRow): number {
  return b.priority - a.priority || a.claimed_due_at.getTime() - b.claimed_due_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
interface ClaimOrderRow {
  id: string;
  priority: number;
  claimed_due_at: Date;
}

export function claimOps(db: Db): ClaimOps {
  const { CLAIM, RENEW, RENEW_BEAT, BEAT, RELEASE, HOOKS_DONE } = claimStatements(db.names);
  const limitedClaim = limitedClaimOps(db);

  return {
    async claim(params) {
      if (!(params.limit >= 1) || params.definitionIds.length === 0) return [];
      const leaseExpiresAt = params.now + params.leaseMs;
      // Definitions with a concurrency limit are claimed apart, first (claim-limited.ts);
      // the others by the one statement below, which alone offers handoff slots (for them
      // only: a handed task would start outside the limit).
      const { unlimited, limited } = splitByLimit(params.definitionIds, params.limits);
      const limit = Math.floor(params.limit);
      const first = limited.length > 0 ? await limitedClaim.claim({ ...params, limit, limited }) : [];
      if (unlimited.length === 0) return first;
      const rows = await db.query<TaskRow & { claimed_due_at: Date; handed: boolean }>(CLAIM, [
        ts(params.now),
        unlimited,
        limit - first.length,
        params.workerId,
        ts(leaseExpiresAt),
        Math.max(1, Math.ceil(params.leaseMs)),
        ts(params.handoff?.until),
        params.handoff ? Math.max(0, Math.floor(params.handoff.slots) - first.length) : 0,
      ]);
      // RETURNING has no order; hand them out in claim order.
      rows.sort(byClaimOrder);
      const claimed = rows.map((row) => (row.handed ? { ...rowToClaim(row), handed: true } : rowToClaim(row, leaseExpiresAt)));
      return first.length === 0 ? claimed : [...first, ...claimed];
    },

    async renew(params) {
      const leaseExpiresAt = params.now + params.leaseMs;
      const states = new Map<string, LeaseState>();
      const { leases, beat } = params;
      if (leases.length === 0) {
        if (beat) await db.query(BEAT, [params.workerId, ...beatValues(beat, params.now)]);
        return { states, leaseExpiresAt };
      }
      const values = [textArray(leases.map((l) => l.id)), intArray(leases.map((l) => l.leaseToken)), params.workerId, ts(leaseExpiresAt)];
      const rows = await db.query<{ id: string; held: boolean; status: string | null }>(
        beat ? forBatch(RENEW_BEAT, leases.length) : forBatch(RENEW, leases.length),
        beat ? [...values, ...beatValues(beat, params.now)] : values,
      );
      for (const row of rows) {
        states.set(row.id, row.held ? "held" : row.status === "aborted" ? "aborted" : "lost");
      }
      return { states, leaseExpiresAt };
    },

    async release({ leases, now }) {
      if (leases.length === 0) return;
      await db.query(forBatch(RELEASE, leases.length), [textArray(leases.map((l) => l.id)), intArray(leases.map((l) => l.leaseToken)), ts(now)]);
    },

    async hooksDone(leases) {
      if (leases.length === 0) return;
      await db.query(forBatch(HOOKS_DONE, leases.length), [textArray(leases.map((l) => l.id)), intArray(leases.map((l) => l.leaseToken))]);
    },
  };
}

/** The named statements of claims and leases (their text is fixed per schema). */
export function claimStatements(names: SqlNames) {
  const { tasks, slots } = names;

  // $1 now, $2 definition ids, $3 limit, $4 worker id, $5 lease expiry, $6 lease ms,
  // $7 until when a handoff slot is offered (NULL: none), $8 the worker's free run slots
  // (the handoff tables: 0003_handoff_slots.sql; rules: docs/storage.md "Handoff").
  // A terminal row here has an unconfirmed hook: only its lease columns change. Any other
  // row starts an iteration: fresh (no owner) counts it, a takeover re-runs it.
  //
  // `COALESCE(definition_id = ANY($2), false)` on purpose (definition_id is NOT NULL, so it
  // means `definition_id = ANY($2)`): no index can serve the wrapped expression and the
  // planner gives it the default selectivity 0.5, whatever the statistics say. It then
  // always walks tasks_claim_idx in (due_at, id) order and stops after `limit` rows. With
  // the bare `definition_id = ANY($2)` a table without statistics yet (freshly filled) got
  // a bitmap scan of tasks_definition_idx plus a sort of every queued row of the
  // definitions (2.8 ms per claim at 20,000 queued, growing with the queue); `(definition_id
  // || '')` is not enough: its 0.5 % default selectivity gives a seq scan plus sort.
  // Cost: a worker whose definitions are rare walks past earlier-due rows of others.
  //
  // A terminal row is taken only while its hook is owed (`hook_pending`): a settled row
  // that still has a due time is never claimed (nor counted against the limit). That test
  // rides inside the same COALESCE on purpose: the whole wrapped expression keeps its
  // default selectivity 0.5, so the estimates and the plan (tasks_claim_idx in order,
  // stopping after `limit` rows) are exactly those without it; a separate condition would
  // be estimated from status statistics (mostly terminal rows in a long-lived table) and
  // could tip the planner to a scan and sort. Neither column is in the index: it is a
  // filter on the heap row the scan fetches anyway to lock it.
  const CLAIM = statement(names, "claim", `
    WITH due AS (
      SELECT id, due_at FROM ${tasks}
      WHERE due_at <= $1
        AND COALESCE(definition_id = ANY($2::text[]) AND ${owesWork()}, false)
      ORDER BY priority DESC, due_at, id
      LIMIT $3
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE ${tasks} t SET ${claimSet({ now: "$1", worker: "$4", expires: "$5" })}
      -- By primary key from the ids locked above, not \`FROM due WHERE t.id = due.id\`:
      -- the planner (estimating LIMIT $3 as a tenth of the table) hash-joined that with a
      -- sequential scan of every task, 26 of a 500-task claim's 49 ms at 20,000 rows and
      -- growing with the table; this is an index scan whatever the estimate.
      WHERE t.id = ANY(ARRAY(SELECT id FROM due))
      RETURNING ${taskColumns("t")}, t.trace_context
    ), counted AS (
      SELECT count(*)::int AS n FROM claimed
    ), slot AS (
      -- Read, not locked: a trigger skips a locked slot, so a claim locks it only to
      -- change it (below), and an idle worker's repeated claims mostly do not.
      SELECT * FROM ${slots} WHERE worker_id = $4
    ), recovered AS (
      -- Handed since the last claim, still ours and not due (a due one is in "claimed").
      -- By primary key (as in "claimed"): joined to the slot, this was planned as a scan
      -- of every running task with the handed ids as a filter.
      SELECT ${taskColumns("t")}, t.trace_context, t.due_at AS claimed_due_at
      FROM ${tasks} t
      WHERE t.id = ANY(ARRAY(SELECT h FROM slot, unnest(slot.handed) AS h))
        AND t.lease_owner = $4 AND t.lease_token = 1 AND t.status = 'running' AND t.due_at > $1
    ), offer AS (
      -- Run slots left and a slot wanted ($7): offer them, unless the standing offer says
      -- the same, has half its time left and lists nothing handed. Handed ids this
      -- statement cannot see yet (their trigger committed after it began) stay listed for
      -- the next claim; the others are returned above or settled.
      INSERT INTO ${slots} AS s (worker_id, definition_ids, free, lease_ms, expires_at)
      SELECT $4, $2::text[], $8::int - counted.n, $6, $7 FROM counted
      WHERE $7::timestamptz IS NOT NULL AND counted.n < $3 AND counted.n < $8::int
        AND NOT EXISTS (
          SELECT 1 FROM slot
          WHERE slot.free = $8::int - counted.n AND slot.definition_ids = $2::text[] AND slot.lease_ms = $6
            AND slot.expires_at >= $1 + ($7::timestamptz - $1) / 2 AND slot.handed = '{}'
        )
      ON CONFLICT (worker_id) DO UPDATE SET
        definition_ids = EXCLUDED.definition_ids, free = EXCLUDED.free,
        lease_ms = EXCLUDED.lease_ms, expires_at = EXCLUDED.expires_at,
        handed = ARRAY(SELECT h FROM unnest(s.handed) AS h WHERE NOT EXISTS (SELECT 1 FROM ${tasks} t WHERE t.id = h))
    ), purge AS (
      -- Slots of workers that died: gone once any task handed to them was free again.
      DELETE FROM ${slots} WHERE worker_id <> $4 AND expires_at + lease_ms * interval '1 millisecond' < $1
    ), withdraw AS (
      -- No run slot free, or no slot wanted: no trigger hands this worker more for now.
      DELETE FROM ${slots} s USING counted
      WHERE s.worker_id = $4 AND ($7::timestamptz IS NULL OR counted.n >= $3 OR counted.n >= $8::int)
    )
    SELECT false AS handed, claimed.*, due.due_at AS claimed_due_at FROM claimed JOIN due ON due.id = claimed.id
    UNION ALL
    SELECT true AS handed, recovered.* FROM recovered`);

  // Multi-row writes first lock their rows in id order (the `mine` CTEs): two statements
  // touching the same rows (a worker's renewal and its finish batch) then never lock
  // them in opposite orders, which would deadlock. (PostgreSQL can still report one when a
  // log append holds a row FOR KEY SHARE; connection.ts runs such a statement again.)

  // The UPDATE's own rows say "held"; the second SELECT still sees the rows as they were
  // before it (one snapshot), which is all that is needed to tell aborted from lost.
  // `NOT IN (SELECT id FROM renewed)` runs as a hashed subplan: a LEFT JOIN of the two
  // CTEs was planned as a nested loop comparing every lease with every renewed row
  // (78 of 106 ms for 500 leases, quadratic in the leases a worker holds).
  const RENEW = statement(names, "renew", `
    WITH lease AS (
      SELECT * FROM unnest($1::text[], $2::int[]) AS l(id, token)
    ), mine AS (
      -- \`t.id = ANY($1)\`: task rows by primary key whatever the statistics say. The owner
      -- is tested here, so rows other workers hold (or nobody) are neither locked nor
      -- waited for, but wrapped in COALESCE: with lease_owner mostly NULL when the table
      -- was last analyzed, a bare \`lease_owner = $3\` was estimated at one row and the
      -- planner compared that row with every lease (quadratic in the leases).
      SELECT t.id FROM ${tasks} t JOIN lease ON t.id = lease.id
      WHERE t.id = ANY($1::text[]) AND t.lease_token = lease.token AND COALESCE(t.lease_owner = $3, false)
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), renewed AS (
      -- Never shortens a lease: a hook claim keeps the longer hookLeaseMs its finish gave it.
      UPDATE ${tasks} t SET lease_expires_at = GREATEST(t.lease_expires_at, $4), due_at = GREATEST(t.lease_expires_at, $4)
      FROM mine WHERE t.id = mine.id
      RETURNING t.id
    )
    SELECT id, true AS held, NULL AS status FROM renewed
    UNION ALL
    SELECT lease.id, false AS held, t.status
    FROM lease LEFT JOIN (SELECT id, status FROM ${tasks} WHERE id = ANY($1::text[])) t ON t.id = lease.id
    WHERE lease.id NOT IN (SELECT id FROM renewed)`);

  // A worker's heartbeat registers it in the same statement (workers.ts): the renewal with
  // the beat's CTEs in front ($5..$13), or the beat alone when it holds no lease.
  const RENEW_BEAT = statement(names, "renew_beat", RENEW.text.replace("WITH lease AS", `WITH ${beatCtes(names, { workerId: 3, first: 5 })}, lease AS`));
  const BEAT = beatStatement(names);

  /** An UPDATE of the rows whose id and token match, locked in id order first. */
  const fencedUpdate = (set: string) => `
    WITH mine AS (
      SELECT t.id FROM ${tasks} t
      JOIN unnest($1::text[], $2::int[]) AS lease(id, token) ON t.id = lease.id AND t.lease_token = lease.token
      WHERE t.id = ANY($1::text[])
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    )
    UPDATE ${tasks} t SET ${set}
    FROM mine WHERE t.id = mine.id`;

  // Only a row still held for work: running (or pending), or terminal with its hook owed. A
  // finish that owes no hook keeps the token, so a hand-back arriving after it committed
  // would otherwise make the settled row due again, and it would be claimed forever.
  const RELEASE = statement(
    names,
    "release",
    // The token moves on: the claim is given up, so a renewal still in flight from its
    // holder (same token, same owner) cannot extend it again and undo the hand-back.
    `${fencedUpdate("lease_expires_at = $3, due_at = $3, lease_token = t.lease_token + 1")} AND ${owesWork("t")}`,
  );
  // Only a claim that owes a hook: a stray call must never strand a running claim.
  const HOOKS_DONE = statement(
    names,
    "hooks_done",
    `${fencedUpdate("hook_pending = false, due_at = NULL, lease_owner = NULL, lease_expires_at = NULL")} AND t.hook_pending`,
  );

  return { CLAIM, RENEW, RENEW_BEAT, BEAT, RELEASE, HOOKS_DONE };
}

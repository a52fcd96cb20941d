/**
 * Claims and leases: who holds which task until when. A claim is an IMMEDIATE transaction,
 * so of several processes claiming at once exactly one sees (and takes) each due row;
 * every claim bumps `lease_token`, the fence later writes of that claim must present.
 */
import type {
  ClaimedTask,
  LeaseState,
  TaskClaimParams,
  TaskHooksDoneParams,
  TaskNextDueAtParams,
  TaskReleaseLeasesParams,
  TaskRenewLeasesParams,
  TaskRenewLeasesResult,
  TraceCarrier,
} from "../port/types.js";
import { jsonList, type Db } from "./connection.js";
import { col, taskColumnsOf, valuesToTask, type TaskValues } from "./row.js";
import { registerBeat } from "./workers.js";
import { splitByLimit } from "../limit-pick.js";
import { claimLimited } from "./claim-limited.js";

const TERMINAL = `('success', 'failed', 'aborted')`;
/** A row still held for work: not settled (pending, running) or terminal with its hook owed. */
const OWES_WORK = `(status NOT IN ${TERMINAL} OR hook_pending = 1)`;

// INDEXED BY: left alone, the planner prefers the definition index and sorts every row of
// those definitions before taking the first few.
// A terminal row is claimed only while its hook is owed (`hook_pending`): a settled row
// that still has a due time is never taken (nor counted against the limit). status and
// hook_pending are not in the index: that test is a filter after the index scan (the
// walk of stint_tasks_due in order is unchanged), read from the table only for rows
// already matching on due_at and definition_id, which the claim then updates anyway.
const SELECT_DUE = `
  SELECT id FROM stint_tasks INDEXED BY stint_tasks_due
  WHERE due_at IS NOT NULL AND due_at <= @now
    AND definition_id IN (SELECT value FROM json_each(@definitionIds))
    AND ${OWES_WORK}
  ORDER BY priority DESC, due_at, id
  LIMIT @limit`;

// SET expressions all read the row as it was, so `lease_owner IS NULL` tells a fresh claim
// (iterations + 1, attempt 1) from a takeover of an expired lease (attempt + 1).
// Terminal rows are claimed only to run their unconfirmed hook: just the lease changes.
const CLAIM = `
  UPDATE stint_tasks SET
    iterations = CASE WHEN status IN ${TERMINAL} OR lease_owner IS NOT NULL THEN iterations ELSE iterations + 1 END,
    attempt = CASE WHEN status IN ${TERMINAL} THEN attempt WHEN lease_owner IS NULL THEN 1 ELSE attempt + 1 END,
    started_on = CASE WHEN status IN ${TERMINAL} THEN started_on ELSE COALESCE(started_on, @now) END,
    execution_name = CASE WHEN status IN ${TERMINAL} THEN execution_name ELSE @workerId END,
    status = CASE WHEN status IN ${TERMINAL} THEN status ELSE 'running' END,
    lease_owner = @workerId,
    lease_token = lease_token + 1,
    lease_expires_at = @expiresAt,
    due_at = @expiresAt,
    saved_on = @now
  WHERE id IN (SELECT value FROM json_each(@ids))`;

// The claimed rows read back in the order given (oldest due first). Not RETURNING on the
// update: its rows come in no order and cost more than this lookup by primary key.
// The trace context rides after the task's columns (only a claim needs it).
const SELECT_IN_ORDER = `
  SELECT ${taskColumnsOf("t")}, t.trace_context FROM json_each(?) AS j CROSS JOIN stint_tasks AS t ON t.id = j.value
  ORDER BY j.key`;

// Never shortens a lease: a hook claim keeps the longer hookLeaseMs its finish gave it.
// (SQLite's two-argument MAX is NULL when either is; a held lease always has an expiry.)
const RENEW = `
  UPDATE stint_tasks SET
    lease_expires_at = MAX(COALESCE(lease_expires_at, 0), @expiresAt),
    due_at = MAX(COALESCE(lease_expires_at, 0), @expiresAt)
  WHERE lease_owner = @workerId
    AND (id, lease_token) IN (SELECT value ->> '$.id', value ->> '$.leaseToken' FROM json_each(@leases))
  RETURNING id`;

const STATUSES = `SELECT id, status FROM stint_tasks WHERE id IN (SELECT value FROM json_each(?))`;

// Only a row still held for work: running (or pending), or terminal with its hook owed. A
// finish that owes no hook keeps the token, so a hand-back arriving after it committed
// would otherwise make the settled row due again, and it would be claimed forever.
// The token moves on: the claim is given up, so a renewal still in flight from its holder
// (same token, same owner) cannot extend it again and undo the hand-back.
const RELEASE = `
  UPDATE stint_tasks SET lease_expires_at = @now, due_at = @now, lease_token = lease_token + 1
  WHERE id = @id AND lease_token = @leaseToken AND ${OWES_WORK}`;

const HOOKS_DONE = `
  UPDATE stint_tasks SET hook_pending = 0, due_at = NULL, lease_owner = NULL, lease_expires_at = NULL
  WHERE id = @id AND lease_token = @leaseToken AND hook_pending = 1`;

// Not MIN(): the planner would pick the definition index and read every row of those
// definitions; walking the claim index in order stops at the first match.
// A settled row is not due, as in SELECT_DUE (none should carry a due time: migration 0003).
// The index leads with priority (0004_flow_control.sql): one such walk per priority level
// in use, the levels found by a skip over the index (`levels`, one probe per level; a
// single level, 0, when no trigger sets a priority), the earliest of their first matches.
const NEXT_DUE = `
  WITH RECURSIVE levels(p) AS (
    SELECT MAX(priority) FROM stint_tasks INDEXED BY stint_tasks_due WHERE due_at IS NOT NULL
    UNION ALL
    SELECT (SELECT MAX(priority) FROM stint_tasks INDEXED BY stint_tasks_due WHERE due_at IS NOT NULL AND priority < levels.p)
    FROM levels WHERE levels.p IS NOT NULL
  )
  SELECT MIN((
    SELECT due_at FROM stint_tasks INDEXED BY stint_tasks_due
    WHERE due_at IS NOT NULL AND priority = levels.p AND definition_id IN (SELECT value FROM json_each(@definitionIds))
      AND ${OWES_WORK}
    ORDER BY due_at LIMIT 1
  )) AS dueAt
  FROM levels WHERE levels.p IS NOT NULL`;

/** The statements of claims and leases (snapshot: tests/storage/sqlite/statements.test.ts). */
export const CLAIM_STATEMENTS = { SELECT_DUE, CLAIM, SELECT_IN_ORDER, RENEW, STATUSES, RELEASE, HOOKS_DONE, NEXT_DUE };

export function taskClaim(db: Db, params: TaskClaimParams): ClaimedTask[] {
  if (params.limit <= 0 || params.definitionIds.length === 0) return [];
  const expiresAt = params.now + params.leaseMs;
  const limit = Math.floor(params.limit);
  // Definitions with a concurrency limit are claimed apart (claim-limited.ts); the others
  // take the one-statement path below, unchanged when no definition has a limit.
  const { unlimited, limited } = splitByLimit(params.definitionIds, params.limits);
  const claimIds = (due: readonly string[]): ClaimedTask[] => {
    const ids = jsonList(due);
    db.stmt(CLAIM).run({ now: params.now, workerId: params.workerId, expiresAt, ids });
    const rows = db.stmt(SELECT_IN_ORDER, "raw").all(ids) as TaskValues[];
    return rows.map((row) => claimedTask(row, expiresAt));
  };
  return db.write(() => {
    const claimed = limited.length > 0 ? claimLimited(db, { limited, limit, now: params.now }, claimIds) : [];
    if (unlimited.length === 0 || claimed.length >= limit) return claimed;
    const due = db.stmt(SELECT_DUE, "pluck").all({
      now: params.now,
      definitionIds: jsonList(unlimited),
      limit: limit - claimed.length,
    }) as string[];
    if (due.length === 0) return claimed;
    const fresh = claimIds(due);
    return claimed.length === 0 ? fresh : [...claimed, ...fresh];
  });
}

/** Position of `trace_context` in a SELECT_IN_ORDER row: right after the task's columns. */
const TRACE_CONTEXT = Object.keys(col).length;

function claimedTask(row: TaskValues, leaseExpiresAt: number): ClaimedTask {
  const task = valuesToTask(row);
  const traceContext = row[TRACE_CONTEXT] as string | null;
  const terminal = task.taskStatus === "success" || task.taskStatus === "failed" || task.taskStatus === "aborted";
  return {
    kind: row[col.hook_pending] === 1 || terminal ? "hook" : "iteration",
    task,
    leaseToken: row[col.lease_token] as number,
    leaseExpiresAt,
    traceContext: traceContext === null ? null : (JSON.parse(traceContext) as TraceCarrier),
  };
}

export function taskRenewLeases(db: Db, params: TaskRenewLeasesParams): TaskRenewLeasesResult {
  const leaseExpiresAt = params.now + params.leaseMs;
  const states = new Map<string, LeaseState>();
  if (params.leases.length === 0 && !params.beat) return { states, leaseExpiresAt };
  db.write(() => {
    // The worker's registration rides in the renewal's transaction: no write of its own.
    if (params.beat) registerBeat(db, params.beat, params.now);
    if (params.leases.length === 0) return;
    const renewed = db.stmt(RENEW).all({
      workerId: params.workerId,
      expiresAt: leaseExpiresAt,
      leases: JSON.stringify(params.leases.map((l) => ({ id: l.id, leaseToken: l.leaseToken }))),
    }) as { id: string }[];
    const held = new Set(renewed.map((r) => r.id));
    const others = params.leases.filter((l) => !held.has(l.id)).map((l) => l.id);
    const statuses = others.length > 0 ? (db.stmt(STATUSES).all(jsonList(others)) as { id: string; status: string }[]) : [];
    const aborted = new Set(statuses.filter((s) => s.status === "aborted").map((s) => s.id));
    for (const lease of params.leases) {
      states.set(lease.id, held.has(lease.id) ? "held" : aborted.has(lease.id) ? "aborted" : "lost");
    }
  });
  return { states, leaseExpiresAt };
}

export function taskReleaseLeases(db: Db, params: TaskReleaseLeasesParams): void {
  if (params.leases.length === 0) return;
  const release = db.stmt(RELEASE);
  db.write(() => {
    for (const lease of params.leases) release.run({ id: lease.id, leaseToken: lease.leaseToken, now: params.now });
  });
}

export function taskHooksDone(db: Db, params: TaskHooksDoneParams): void {
  if (params.items.length === 0) return;
  const done = db.stmt(HOOKS_DONE);
  db.write(() => {
    for (const item of params.items) done.run({ id: item.id, leaseToken: item.leaseToken });
  });
}

export function taskNextDueAt(db: Db, { definitionIds }: TaskNextDueAtParams): number | null {
  if (definitionIds.length === 0) return null;
  const row = db.stmt(NEXT_DUE).get({ definitionIds: jsonList(definitionIds) }) as { dueAt: number | null } | undefined;
  return row?.dueAt ?? null;
}

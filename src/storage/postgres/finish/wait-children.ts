/**
 * Waiting for children on PostgreSQL (docs/run-history.md "Waiting for children"): the
 * statements a finish or an abort adds when it begins a wait or ends a child. None runs
 * for a batch with no wait and no terminal finish of a child (finish.ts decides before
 * the finish), so the default finish is unchanged.
 *
 * A parent waits while `children_wait_token` equals its lease token and it is running
 * unclaimed (0011_wait_for_children.sql). "No unfinished child is left" is a fact about
 * other rows, which a statement reads in its snapshot; in READ COMMITTED two writers can
 * each miss the other's uncommitted finish. So the wake is ordered by locks:
 *
 * - A child's terminal finish (or abort), in its transaction, first locks its waiting
 *   parent (LOCK_WAITING: FOR NO KEY UPDATE, parents in id order), and only then, in a
 *   NEW statement (a new snapshot), checks the other children and wakes the parent
 *   (WAKE). Two last children finishing at once: the second one's LOCK_WAITING waits
 *   for the first to commit, so its WAKE sees the first one finished; the first one's
 *   WAKE may have seen the second running, but then the second wakes the parent.
 * - The parent's own finish (a continue waiting for children) marks the wait and, in the
 *   same statement, makes it due at once when no child is unfinished in its snapshot
 *   (WAIT): the usual case of children already done costs nothing more. A child that
 *   finished concurrently may have looked for a waiting parent before this wait was
 *   committed and have missed it, while WAIT's snapshot still saw it running; so after
 *   the commit, a wait left standing is checked once more (RECHECK) with the unfinished
 *   children locked FOR SHARE: a child whose finish is in flight holds its row, the lock
 *   waits for that finish's commit and re-reads the row as committed (finished: not
 *   counted). RECHECK runs in autocommit after the wait is committed and locks the parent
 *   row only once the children are checked, so it never holds the parent while waiting
 *   for a child (which holds its row and waits for the parent in LOCK_WAITING). Were the
 *   process to die between the two, the wait ends at its timeout, or at the finish of
 *   any later child.
 *
 * The checks probe tasks_unfinished_children_idx: one probe however many children the
 * parent has (their WHERE repeats the index's, so the planner can use it).
 */
import { statement, type Queryable } from "../connection.js";
import type { SqlNames } from "../names.js";
import { textArray } from "../arrays.js";
import { ts } from "../row.js";

/** No unfinished child of `p`, in the statement's snapshot. */
const noUnfinishedChild = (tasks: string) => `NOT EXISTS (
      SELECT 1 FROM ${tasks} c WHERE c.parent_id = p.id AND c.status IN ('pending', 'running')
    )`;

/** A wait for children that is current: its token is the lease token and nobody holds the task. */
const waitIsCurrent = `p.status = 'running' AND p.children_wait_token = p.lease_token AND p.lease_owner IS NULL`;

/** The named statements (their text is fixed per schema; snapshot: tests/storage/postgres/statements.test.ts). */
export function waitChildrenStatements(names: SqlNames) {
  const { tasks, channel } = names;
  const notify = `SELECT pg_notify('${channel}', '{"type":"tasks-available"}')`;
  // The wake itself: due now (or earlier: a timeout already passed), the wait cleared; a
  // notification for other processes' workers, sent with the commit (PostgreSQL sends one
  // however many rows asked).
  const wake = (condition: string) => `
    WITH woken AS (
      UPDATE ${tasks} p SET
        due_at = LEAST(p.due_at, $2::timestamptz),
        run_at = LEAST(p.run_at, $2::timestamptz),
        children_wait_token = NULL
      WHERE p.id = ANY($1::text[]) AND ${waitIsCurrent}
        AND ${condition}
      RETURNING p.id
    )
    SELECT woken.id, (${notify}) IS NULL AS notified FROM woken`;
  return {
    /**
     * $1 ids of the tasks whose waiting finish applied (this transaction holds their
     * rows), $2 now. Returns each with `waiting`: false when it was made due at once.
     */
    WAIT: statement(names, "wait_children", `
    WITH w AS (
      SELECT p.id, NOT ${noUnfinishedChild(tasks)} AS waiting FROM ${tasks} p WHERE p.id = ANY($1::text[])
    ), marked AS (
      UPDATE ${tasks} p SET
        children_wait_token = CASE WHEN w.waiting THEN p.lease_token END,
        due_at = CASE WHEN w.waiting THEN p.due_at ELSE LEAST(p.due_at, $2::timestamptz) END,
        run_at = CASE WHEN w.waiting THEN p.run_at ELSE LEAST(p.run_at, $2::timestamptz) END
      FROM w WHERE p.id = w.id AND p.status = 'running'
      RETURNING p.id, w.waiting
    )
    SELECT marked.id, marked.waiting, (CASE WHEN NOT marked.waiting THEN (${notify}) END) IS NULL AS notified FROM marked`),
    /** $1 parent ids: locks those waiting (id order, like every multi-row lock here). */
    LOCK_WAITING: statement(names, "wait_children_lock", `
    SELECT p.id FROM ${tasks} p WHERE p.id = ANY($1::text[]) AND ${waitIsCurrent}
    ORDER BY p.id FOR NO KEY UPDATE`),
    /** $1 parent ids locked by LOCK_WAITING in this transaction, $2 now: wakes those with no unfinished child. */
    WAKE: statement(names, "wait_children_wake", wake(noUnfinishedChild(tasks))),
    /**
     * $1 ids of waits committed while a child was unfinished in WAIT's snapshot, $2 now.
     * Autocommit. The subquery's FOR SHARE waits for a child's finish in flight.
     */
    RECHECK: statement(names, "wait_children_recheck", wake(`NOT EXISTS (
      SELECT 1 FROM (
        SELECT 1 FROM ${tasks} c WHERE c.parent_id = p.id AND c.status IN ('pending', 'running') FOR SHARE OF c
      ) unfinished
    )`)),
  };
}

/**
 * In a finish's or an abort's transaction: wakes the given parents that wait and have no
 * unfinished child left. Locks them first, then checks in a new statement (the order
 * that makes two last children's concurrent finishes wake the parent once, see above).
 * A parent that does not wait costs one primary-key probe.
 */
export async function wakeParents(
  tx: Queryable,
  W: ReturnType<typeof waitChildrenStatements>,
  parents: readonly string[],
  now: number,
): Promise<string[]> {
  if (parents.length === 0) return [];
  const locked = await tx.query<{ id: string }>(W.LOCK_WAITING, [textArray([...new Set(parents)].sort())]);
  if (locked.length === 0) return [];
  const woken = await tx.query<{ id: string }>(W.WAKE, [textArray(locked.map((row) => row.id)), ts(now)]);
  return woken.map((row) => row.id);
}

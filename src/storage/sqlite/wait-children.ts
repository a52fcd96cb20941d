/**
 * Waiting for children on SQLite (docs/run-history.md "Waiting for children"): the
 * statements a finish or an abort runs in its own write transaction. SQLite has one
 * writer at a time, so "no unfinished child is left" read inside that transaction stays
 * true until it commits: no lock dance (compare postgres/wait-children.ts).
 */
import type { TaskAbortResult, TaskFinishParams, TaskFinishResult } from "../port/types.js";
import { jsonList, type Db } from "./connection.js";

// The finished wait (`continue(..., { waitForChildren: true })`, applied): the task waits
// under its current lease token; the wake below then settles the case where no child is
// left unfinished.
const WAIT = `
  UPDATE stint_tasks SET children_wait_token = lease_token
  WHERE id IN (SELECT value FROM json_each(?)) AND +status = 'running'`;

// Wakes the given tasks that wait for children and have none unfinished left: due now
// (or earlier, at a timeout already passed), the wait cleared. A wait is current while
// its token is the task's lease token and the task is running unclaimed (a claim at the
// timeout, or an abort, moves the token on). `+status`: the tasks by id (primary key),
// not every running task by the status index. The NOT EXISTS is one probe of
// stint_tasks_unfinished_children (its WHERE repeats the index's, so SQLite uses it).
const WAKE = `
  UPDATE stint_tasks SET
    due_at = MIN(due_at, ?),
    run_at = MIN(run_at, ?),
    children_wait_token = NULL
  WHERE id IN (SELECT value FROM json_each(?))
    AND +status = 'running' AND children_wait_token = lease_token AND lease_owner IS NULL
    AND NOT EXISTS (
      SELECT 1 FROM stint_tasks c
      WHERE c.parent_id = stint_tasks.id AND c.parent_id IS NOT NULL AND c.status IN ('pending', 'running')
    )
  RETURNING id`;

/** The statements (snapshot: tests/storage/sqlite/statements.test.ts). */
export const WAIT_CHILDREN_STATEMENTS = { WAIT, WAKE };

/** Makes the given waiting tasks due now when none of their children is unfinished; returns those woken. */
export function wakeWaiting(db: Db, ids: readonly string[], now: number): Set<string> {
  if (ids.length === 0) return new Set();
  const rows = db.stmt(WAKE).all(now, now, jsonList([...new Set(ids)])) as { id: string }[];
  return new Set(rows.map((row) => row.id));
}

/**
 * After a batch's finishes, in their transaction: the applied waits start (and end at
 * once when no child is unfinished), and the applied terminal finishes of children wake
 * their waiting parents. Marks the results that woke a task (`woken`). Costs nothing for a
 * batch with no wait and no child's terminal finish.
 */
export function settleChildWaits(db: Db, finishes: readonly TaskFinishParams[], results: TaskFinishResult[], now: number): void {
  const waits: string[] = [];
  const parents: string[] = [];
  finishes.forEach((p, i) => {
    const result = results[i]!;
    if (!result.applied) return;
    if (p.waitForChildren && p.status === "running") waits.push(p.id);
    else if (result.task?.parentId && result.task.taskStatus !== "running" && result.task.taskStatus !== "pending") {
      parents.push(result.task.parentId);
    }
  });
  if (waits.length === 0 && parents.length === 0) return;
  if (waits.length > 0) db.stmt(WAIT).run(jsonList(waits));
  const woken = wakeWaiting(db, [...waits, ...parents], now);
  if (woken.size === 0) return;
  const waiting = new Set(waits);
  results.forEach((result, i) => {
    if (!result.applied) return;
    const parentId = waiting.has(result.id) ? result.id : result.task?.parentId;
    if (parentId && woken.has(parentId)) {
      result.woken = true;
      if (parentId === result.id && result.task) result.task.runAt = new Date(now);
    }
  });
}

/** After an applied abort, in its transaction: the aborted task's waiting parent, if this was its last unfinished child. */
export function wakeParentOfAborted(db: Db, result: TaskAbortResult, now: number): TaskAbortResult {
  if (result.outcome !== "aborted" || !result.task.parentId) return result;
  return wakeWaiting(db, [result.task.parentId], now).size > 0 ? { ...result, woken: true } : result;
}

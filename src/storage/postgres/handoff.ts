/**
 * Handoff: a trigger of one task due now, with an idle worker's slot free (worker_slots,
 * offered by that worker's claims, see claim.ts), stores the task already claimed by that
 * worker and sends the claim in its NOTIFY. The worker starts run() on the notification:
 * trigger to run() is one durable commit and one notification, with no claim round trip
 * (and no second commit) in between. Rules: docs/storage.md "Handoff".
 */
import type { ClaimedTask, TaskCreateParams } from "../port/types.js";
import { statement, type Db } from "./connection.js";
import { encodeEvent } from "./notify.js";
import { json, rowToClaim, TASK_COLUMNS, ts, type TaskRow } from "./row.js";
import type { SqlNames } from "./names.js";

/** NOTIFY payloads must stay under 8000 bytes; a bigger handoff names the task only. */
const MAX_PAYLOAD_BYTES = 7_900;

export interface HandoffOps {
  /** Creates one task; hands it to an idle worker when a slot fits. Returns the stored row. */
  createOne(params: TaskCreateParams): Promise<TaskRow>;
  /** The handed claim of a payload that named the task only (null: no longer handed to `workerId`). */
  readHanded(workerId: string, id: string): Promise<ClaimedTask | null>;
  /** Deletes a worker's slot; returns the tasks handed over since its last claim that are still its own. */
  withdraw(workerId: string): Promise<ClaimedTask[]>;
  /** Stops handoffs to a worker, keeping what was handed for its next claim to return. */
  close(workerId: string): Promise<void>;
}

export function handoffOps(db: Db): HandoffOps {
  const { CREATE_ONE, READ_HANDED, WITHDRAW, CLOSE } = handoffStatements(db.names);

  async function readHanded(workerId: string, ids: readonly string[]): Promise<ClaimedTask[]> {
    if (ids.length === 0) return [];
    const rows = await db.query<TaskRow>(READ_HANDED, [[...ids], workerId]);
    return rows.map((row) => ({ ...rowToClaim(row), handed: true }));
  }

  return {
    async createOne(p) {
      const [row] = await db.query<TaskRow>(CREATE_ONE, [
        p.id,
        p.name,
        p.definitionId,
        p.parentId,
        json(p.input ?? {}),
        p.maxIterations,
        ts(p.runAt),
        ts(p.createdOn),
        json(p.createdBy),
        json(p.eventResponse),
        encodeEvent({ type: "tasks-available" }),
        json(p.traceContext),
        p.priority ?? 0,
        p.idempotencyKey ?? null,
        p.concurrencyKey ?? null,
        p.rerunOf ?? null,
      ]);
      return row;
    },

    async readHanded(workerId, id) {
      const [claim] = await readHanded(workerId, [id]);
      return claim ?? null;
    },

    async withdraw(workerId) {
      const [slot] = await db.query<{ handed: string[] }>(WITHDRAW, [workerId]);
      return slot ? readHanded(workerId, slot.handed) : [];
    },

    async close(workerId) {
      await db.query(CLOSE, [workerId]);
    },
  };
}

/** The named statements of handoff slots (their text is fixed per schema). */
export function handoffStatements(names: SqlNames) {
  const { tasks, slots, channel } = names;
  // A slot is taken with SKIP LOCKED (two triggers never wait on each other, nor on the
  // worker's own claim refreshing it); none free, expired or for other definitions: the
  // task is stored pending and the NOTIFY is the usual wake-up. A handed row is what a
  // claim by that worker would have written (claim.ts): iteration 1, attempt 1, token 1.
  // Its lease runs from the later of this clock and the slot's expiry (set by the
  // worker's clock): a trigger host whose clock lags cannot shorten the worker's lease.
  // $1 id, $2 name, $3 definition, $4 parent, $5 input, $6 max iterations, $7 run_at,
  // $8 now (created_on), $9 created_by, $10 event_response, $11 the wake-up payload,
  // $12 the trace context (a handed claim carries it, as a claimed row does),
  // $13 priority, $14 idempotency key, $15 concurrency key (0005_flow_control.sql),
  // $16 the task it re-runs (0009_rerun.sql).
  const CREATE_ONE = statement(names, "create_one", `
    WITH slot AS (
      UPDATE ${slots} s SET free = s.free - 1, handed = s.handed || $1::text
      WHERE s.worker_id = (
        SELECT worker_id FROM ${slots}
        WHERE free > 0 AND expires_at > $8::timestamptz AND $3::text = ANY(definition_ids)
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING s.worker_id, GREATEST($8::timestamptz, s.expires_at) + s.lease_ms * interval '1 millisecond' AS lease_expires_at
    ), ins AS (
      INSERT INTO ${tasks} (id, name, definition_id, parent_id, input, max_iterations, run_at,
                            created_on, saved_on, created_by, event_response, due_at,
                            status, iterations, attempt, started_on, execution_name,
                            lease_owner, lease_token, lease_expires_at, trace_context,
                            priority, idempotency_key, concurrency_key, rerun_of)
      SELECT $1::text, $2::text, $3::text, $4::text, $5::jsonb, $6::int, $7::timestamptz,
             $8::timestamptz, $8::timestamptz, $9::jsonb, $10::jsonb, COALESCE(slot.lease_expires_at, $7::timestamptz),
             CASE WHEN slot.worker_id IS NULL THEN 'pending' ELSE 'running' END,
             (slot.worker_id IS NOT NULL)::int,
             (slot.worker_id IS NOT NULL)::int,
             CASE WHEN slot.worker_id IS NULL THEN NULL ELSE $8::timestamptz END,
             COALESCE(slot.worker_id, ''),
             slot.worker_id,
             (slot.worker_id IS NOT NULL)::int,
             slot.lease_expires_at,
             $12::jsonb, $13::int, $14::text, $15::text, $16::text
      FROM (SELECT 1) AS one LEFT JOIN slot ON true
      RETURNING ${TASK_COLUMNS}, trace_context, lease_owner
    ), handed AS (
      SELECT CASE WHEN ins.lease_owner IS NOT NULL
                  THEN jsonb_build_object('type', 'task-handed', 'workerId', ins.lease_owner, 'row', to_jsonb(ins) - 'lease_owner')::text
             END AS payload
      FROM ins
    )
    -- Not handed: the usual wake-up. Handed: the claim, or its id when too big for NOTIFY.
    SELECT ins.*, pg_notify('${channel}', CASE
             WHEN handed.payload IS NULL THEN $11::text
             WHEN octet_length(handed.payload) <= ${MAX_PAYLOAD_BYTES} THEN handed.payload
             ELSE jsonb_build_object('type', 'task-handed', 'workerId', ins.lease_owner, 'id', ins.id)::text
           END) IS NULL AS notified
    FROM ins, handed`);

  // Still the worker's handed claim: nobody took it over (token 1), not settled.
  const READ_HANDED = statement(names, "read_handed", `
    SELECT ${TASK_COLUMNS}, trace_context FROM ${tasks}
    WHERE id = ANY($1::text[]) AND lease_owner = $2 AND lease_token = 1 AND status = 'running'`);

  // The DELETE waits for a trigger holding the slot and returns the list with its id; the
  // rows are read by a second statement, whose snapshot sees that trigger's task.
  const WITHDRAW = statement(names, "withdraw_slot", `DELETE FROM ${slots} WHERE worker_id = $1 RETURNING handed`);
  const CLOSE = statement(names, "close_slot", `UPDATE ${slots} SET free = 0 WHERE worker_id = $1`);

  return { CREATE_ONE, READ_HANDED, WITHDRAW, CLOSE };
}

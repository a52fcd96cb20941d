-- claim.ts CLAIM stint_claim_81a110b1d7cb0423064c12f4
WITH due AS (
      SELECT id, due_at FROM "stint".tasks
      WHERE due_at <= $1
        AND COALESCE(definition_id = ANY($2::text[]) AND (status NOT IN ('success', 'failed', 'aborted') OR hook_pending), false)
      ORDER BY priority DESC, due_at, id
      LIMIT $3
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE "stint".tasks t SET 
        iterations = CASE WHEN t.status IN ('success', 'failed', 'aborted') OR t.lease_owner IS NOT NULL
                          THEN t.iterations ELSE t.iterations + 1 END,
        attempt = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.attempt
                       WHEN t.lease_owner IS NULL THEN 1 ELSE t.attempt + 1 END,
        status = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.status ELSE 'running' END,
        started_on = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.started_on
                          ELSE COALESCE(t.started_on, $1) END,
        execution_name = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.execution_name ELSE $4 END,
        lease_owner = $4,
        lease_token = t.lease_token + 1,
        lease_expires_at = $5,
        due_at = $5,
        saved_on = $1
      -- By primary key from the ids locked above, not `FROM due WHERE t.id = due.id`:
      -- the planner (estimating LIMIT $3 as a tenth of the table) hash-joined that with a
      -- sequential scan of every task, 26 of a 500-task claim's 49 ms at 20,000 rows and
      -- growing with the table; this is an index scan whatever the estimate.
      WHERE t.id = ANY(ARRAY(SELECT id FROM due))
      RETURNING t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of, t.trace_context
    ), counted AS (
      SELECT count(*)::int AS n FROM claimed
    ), slot AS (
      -- Read, not locked: a trigger skips a locked slot, so a claim locks it only to
      -- change it (below), and an idle worker's repeated claims mostly do not.
      SELECT * FROM "stint".worker_slots WHERE worker_id = $4
    ), recovered AS (
      -- Handed since the last claim, still ours and not due (a due one is in "claimed").
      -- By primary key (as in "claimed"): joined to the slot, this was planned as a scan
      -- of every running task with the handed ids as a filter.
      SELECT t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of, t.trace_context, t.due_at AS claimed_due_at
      FROM "stint".tasks t
      WHERE t.id = ANY(ARRAY(SELECT h FROM slot, unnest(slot.handed) AS h))
        AND t.lease_owner = $4 AND t.lease_token = 1 AND t.status = 'running' AND t.due_at > $1
    ), offer AS (
      -- Run slots left and a slot wanted ($7): offer them, unless the standing offer says
      -- the same, has half its time left and lists nothing handed. Handed ids this
      -- statement cannot see yet (their trigger committed after it began) stay listed for
      -- the next claim; the others are returned above or settled.
      INSERT INTO "stint".worker_slots AS s (worker_id, definition_ids, free, lease_ms, expires_at)
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
        handed = ARRAY(SELECT h FROM unnest(s.handed) AS h WHERE NOT EXISTS (SELECT 1 FROM "stint".tasks t WHERE t.id = h))
    ), purge AS (
      -- Slots of workers that died: gone once any task handed to them was free again.
      DELETE FROM "stint".worker_slots WHERE worker_id <> $4 AND expires_at + lease_ms * interval '1 millisecond' < $1
    ), withdraw AS (
      -- No run slot free, or no slot wanted: no trigger hands this worker more for now.
      DELETE FROM "stint".worker_slots s USING counted
      WHERE s.worker_id = $4 AND ($7::timestamptz IS NULL OR counted.n >= $3 OR counted.n >= $8::int)
    )
    SELECT false AS handed, claimed.*, due.due_at AS claimed_due_at FROM claimed JOIN due ON due.id = claimed.id
    UNION ALL
    SELECT true AS handed, recovered.* FROM recovered;

-- claim.ts RENEW stint_renew_e89118c287452942d05d6efc
WITH lease AS (
      SELECT * FROM unnest($1::text[], $2::int[]) AS l(id, token)
    ), mine AS (
      -- `t.id = ANY($1)`: task rows by primary key whatever the statistics say. The owner
      -- is tested here, so rows other workers hold (or nobody) are neither locked nor
      -- waited for, but wrapped in COALESCE: with lease_owner mostly NULL when the table
      -- was last analyzed, a bare `lease_owner = $3` was estimated at one row and the
      -- planner compared that row with every lease (quadratic in the leases).
      SELECT t.id FROM "stint".tasks t JOIN lease ON t.id = lease.id
      WHERE t.id = ANY($1::text[]) AND t.lease_token = lease.token AND COALESCE(t.lease_owner = $3, false)
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), renewed AS (
      -- Never shortens a lease: a hook claim keeps the longer hookLeaseMs its finish gave it.
      UPDATE "stint".tasks t SET lease_expires_at = GREATEST(t.lease_expires_at, $4), due_at = GREATEST(t.lease_expires_at, $4)
      FROM mine WHERE t.id = mine.id
      RETURNING t.id
    )
    SELECT id, true AS held, NULL AS status FROM renewed
    UNION ALL
    SELECT lease.id, false AS held, t.status
    FROM lease LEFT JOIN (SELECT id, status FROM "stint".tasks WHERE id = ANY($1::text[])) t ON t.id = lease.id
    WHERE lease.id NOT IN (SELECT id FROM renewed);

-- claim.ts RENEW_BEAT stint_renew_beat_2828a91da7f42d6229b47cfb
WITH 
    beat AS (
      INSERT INTO "stint".workers AS w
        (worker_id, host, pid, version, started_at, concurrency, lease_ms, heartbeat_ms, last_beat_at, tasks)
      VALUES ($3, $5, $6::int, $7, $8::timestamptz, $9::int, $10::bigint, $11::bigint,
              $12::timestamptz, $13::text[])
      ON CONFLICT (worker_id) DO UPDATE SET
        host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, started_at = EXCLUDED.started_at,
        concurrency = EXCLUDED.concurrency, lease_ms = EXCLUDED.lease_ms, heartbeat_ms = EXCLUDED.heartbeat_ms,
        last_beat_at = GREATEST(w.last_beat_at, EXCLUDED.last_beat_at), tasks = EXCLUDED.tasks
    ), forget AS (
      DELETE FROM "stint".workers f WHERE f.worker_id <> $3 AND (f.last_beat_at + GREATEST(3600000, 10 * f.lease_ms) * interval '1 millisecond') < $12::timestamptz
    ), lease AS (
      SELECT * FROM unnest($1::text[], $2::int[]) AS l(id, token)
    ), mine AS (
      -- `t.id = ANY($1)`: task rows by primary key whatever the statistics say. The owner
      -- is tested here, so rows other workers hold (or nobody) are neither locked nor
      -- waited for, but wrapped in COALESCE: with lease_owner mostly NULL when the table
      -- was last analyzed, a bare `lease_owner = $3` was estimated at one row and the
      -- planner compared that row with every lease (quadratic in the leases).
      SELECT t.id FROM "stint".tasks t JOIN lease ON t.id = lease.id
      WHERE t.id = ANY($1::text[]) AND t.lease_token = lease.token AND COALESCE(t.lease_owner = $3, false)
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), renewed AS (
      -- Never shortens a lease: a hook claim keeps the longer hookLeaseMs its finish gave it.
      UPDATE "stint".tasks t SET lease_expires_at = GREATEST(t.lease_expires_at, $4), due_at = GREATEST(t.lease_expires_at, $4)
      FROM mine WHERE t.id = mine.id
      RETURNING t.id
    )
    SELECT id, true AS held, NULL AS status FROM renewed
    UNION ALL
    SELECT lease.id, false AS held, t.status
    FROM lease LEFT JOIN (SELECT id, status FROM "stint".tasks WHERE id = ANY($1::text[])) t ON t.id = lease.id
    WHERE lease.id NOT IN (SELECT id FROM renewed);

-- claim.ts BEAT stint_worker_beat_4efb8576534d4a675fbdfa3c
WITH 
    beat AS (
      INSERT INTO "stint".workers AS w
        (worker_id, host, pid, version, started_at, concurrency, lease_ms, heartbeat_ms, last_beat_at, tasks)
      VALUES ($1, $2, $3::int, $4, $5::timestamptz, $6::int, $7::bigint, $8::bigint,
              $9::timestamptz, $10::text[])
      ON CONFLICT (worker_id) DO UPDATE SET
        host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, started_at = EXCLUDED.started_at,
        concurrency = EXCLUDED.concurrency, lease_ms = EXCLUDED.lease_ms, heartbeat_ms = EXCLUDED.heartbeat_ms,
        last_beat_at = GREATEST(w.last_beat_at, EXCLUDED.last_beat_at), tasks = EXCLUDED.tasks
    ), forget AS (
      DELETE FROM "stint".workers f WHERE f.worker_id <> $1 AND (f.last_beat_at + GREATEST(3600000, 10 * f.lease_ms) * interval '1 millisecond') < $9::timestamptz
    ) SELECT 1;

-- claim.ts RELEASE stint_release_acf3890f8d01e0fe7773e6cd
WITH mine AS (
      SELECT t.id FROM "stint".tasks t
      JOIN unnest($1::text[], $2::int[]) AS lease(id, token) ON t.id = lease.id AND t.lease_token = lease.token
      WHERE t.id = ANY($1::text[])
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    )
    UPDATE "stint".tasks t SET lease_expires_at = $3, due_at = $3, lease_token = t.lease_token + 1
    FROM mine WHERE t.id = mine.id AND (t.status NOT IN ('success', 'failed', 'aborted') OR t.hook_pending);

-- claim.ts HOOKS_DONE stint_hooks_done_6b04740b9a875ca467489bdb
WITH mine AS (
      SELECT t.id FROM "stint".tasks t
      JOIN unnest($1::text[], $2::int[]) AS lease(id, token) ON t.id = lease.id AND t.lease_token = lease.token
      WHERE t.id = ANY($1::text[])
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    )
    UPDATE "stint".tasks t SET hook_pending = false, due_at = NULL, lease_owner = NULL, lease_expires_at = NULL
    FROM mine WHERE t.id = mine.id AND t.hook_pending;

-- claim-limited.ts LOCK stint_limit_lock_6f5ca28109c79c4669a4286a
SELECT count(pg_advisory_xact_lock(k)) AS locked
    FROM (SELECT DISTINCT hashtextextended($1 || '/' || d, 0) AS k FROM unnest($2::text[]) AS d ORDER BY k) AS keys;

-- claim-limited.ts RUNNING stint_limit_running_1a775da02db22de88318896a
SELECT definition_id AS "definitionId", COALESCE(concurrency_key, '') AS "concurrencyKey", count(*)::int AS running
    FROM "stint".tasks
    WHERE status = 'running' AND definition_id = ANY($1::text[])
    GROUP BY 1, 2;

-- claim-limited.ts CANDIDATES stint_limit_candidates_019f1d9a1b4a77957ffa6fe0
SELECT id, definition_id AS "definitionId", concurrency_key AS "concurrencyKey", status
    FROM "stint".tasks
    WHERE due_at <= $1
      AND COALESCE(definition_id = ANY($2::text[]) AND (status NOT IN ('success', 'failed', 'aborted') OR hook_pending)
                   AND NOT (status = 'pending' AND (definition_id, COALESCE(concurrency_key, ''))
                            IN (SELECT * FROM unnest($3::text[], $4::text[]))), false)
    ORDER BY priority DESC, due_at, id
    LIMIT $5
    FOR UPDATE SKIP LOCKED;

-- claim-limited.ts CLAIM_IDS stint_limit_claim_ee55eaa9e32d099d80a60c8b
UPDATE "stint".tasks t SET 
        iterations = CASE WHEN t.status IN ('success', 'failed', 'aborted') OR t.lease_owner IS NOT NULL
                          THEN t.iterations ELSE t.iterations + 1 END,
        attempt = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.attempt
                       WHEN t.lease_owner IS NULL THEN 1 ELSE t.attempt + 1 END,
        status = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.status ELSE 'running' END,
        started_on = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.started_on
                          ELSE COALESCE(t.started_on, $2) END,
        execution_name = CASE WHEN t.status IN ('success', 'failed', 'aborted') THEN t.execution_name ELSE $3 END,
        lease_owner = $3,
        lease_token = t.lease_token + 1,
        lease_expires_at = $4,
        due_at = $4,
        saved_on = $2
    WHERE t.id = ANY($1::text[])
    RETURNING t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of;

-- create-or-get.ts INSERT stint_create_keyed_1a7b9120af9c4c1f33ede14b
INSERT INTO "stint".tasks (id, name, definition_id, parent_id, input, max_iterations, run_at, due_at,
                          created_on, saved_on, created_by, event_response, priority, idempotency_key, concurrency_key,
                          trace_context, rerun_of)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $7, $8, $8, $9::jsonb, $10::jsonb, $11, $12, $13, $14::jsonb, $15)
    ON CONFLICT (definition_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input, rerun_of;

-- create-or-get.ts FIND stint_find_by_key_c2dcc9e8d276db74574fefa8
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input, rerun_of FROM "stint".tasks
    WHERE definition_id = $1 AND idempotency_key = $2 AND created_on >= COALESCE($3, '-infinity'::timestamptz);

-- create-or-get.ts RELEASE stint_release_key_db83de79826524d5a13e69e5
UPDATE "stint".tasks SET idempotency_key = NULL
    WHERE definition_id = $1 AND idempotency_key = $2 AND created_on < $3;

-- finish.ts FINISH_ONE stint_finish_one_5c3336f61f413904bff54b01
WITH done AS (
      UPDATE "stint".tasks t SET 
        status = $3::text,
        saved_on = $4::timestamptz,
        triggered_input = CASE WHEN $5::bool AND t.triggered_input IS NULL AND t.input IS DISTINCT FROM $6::jsonb THEN t.input ELSE t.triggered_input END,
        input = CASE WHEN $5::bool THEN $6::jsonb ELSE t.input END,
        output = CASE WHEN $7::bool THEN $8::jsonb ELSE t.output END,
        progress = CASE WHEN $9::bool THEN $10::jsonb ELSE t.progress END,
        iterations = CASE WHEN $17::bool THEN t.iterations + 1 ELSE COALESCE($11::int, t.iterations) END,
        attempt = CASE WHEN $17::bool THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN $18::bool THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE($12::timestamptz, t.run_at),
        finished_on = COALESCE($13::timestamptz, t.finished_on),
        hook_pending = $14::bool,
        lease_owner = CASE WHEN $15::bool THEN t.lease_owner END,
        lease_expires_at = CASE WHEN t.lease_expires_at >= $19::timestamptz THEN t.lease_expires_at WHEN $15::bool THEN $16::timestamptz END,
        due_at = CASE WHEN t.lease_expires_at >= $19::timestamptz THEN t.due_at ELSE $16::timestamptz END
      WHERE t.id = $1::text AND t.lease_token = $2::int AND t.status = 'running'
      RETURNING t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of, t.created_by AS record_created_by
    ), record AS (
      INSERT INTO "stint".task_logs (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT $20::text, done.id, $21::int, $22::text, $23::timestamptz, done.record_created_by
      FROM done WHERE $20::text IS NOT NULL
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id
    ), items AS (
      INSERT INTO "stint".task_log_items (log_id, type, message, created_on, data, error, attempt)
      SELECT record.id, i.type, i.message, i.created_on, i.data, i.error, i.attempt
      FROM record, unnest($24::text[], $25::text[], $26::timestamptz[], $27::jsonb[], $28::jsonb[], $29::int[])
           WITH ORDINALITY AS i(type, message, created_on, data, error, attempt, ord)
      ORDER BY i.ord
    )
    SELECT done.id, done.name, done.definition_id, done.parent_id, done.execution_name, done.iterations, done.max_iterations, done.input, done.output, done.status, done.started_on, done.finished_on, done.event_response, done.created_on, done.saved_on, done.created_by, done.progress, done.run_at, done.attempt, done.lease_token, done.lease_expires_at, done.priority, done.idempotency_key, done.concurrency_key, done.triggered_input, done.rerun_of FROM done;

-- finish.ts FINISH stint_finish_971e4d5497930dfcc7b1fc8d
WITH f AS (
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $5::bool[], $6::jsonb[], $7::bool[], $8::jsonb[], $9::bool[], $10::jsonb[], $11::int[], $12::timestamptz[], $13::timestamptz[], $14::bool[], $15::bool[], $16::timestamptz[], $17::bool[], $18::bool[], $19::timestamptz[])
        AS f(f_id, f_token, f_status, f_now, f_set_input, f_input, f_set_output, f_output, f_set_progress, f_progress, f_iterations, f_run_at, f_finished_on, f_hook_pending, f_keep_owner, f_due_at, f_in_place, f_bump_token, f_keep_lease_from)
    ), locked AS (
      -- The batch drives (an index lookup per item): joined here, not in "done", where
      -- a plan that thought the batch small re-ran the unnest once per row (quadratic).
      -- `t.id = ANY($1)` (the ids): task rows by primary key whatever the statistics say.
      SELECT t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of, f.* FROM f JOIN "stint".tasks t ON t.id = f.f_id
      WHERE t.id = ANY($1::text[])
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), done AS (
      UPDATE "stint".tasks t SET 
        status = l.f_status,
        saved_on = l.f_now,
        -- The first change of the input keeps the old one: the input as triggered (0009_rerun.sql).
        triggered_input = CASE WHEN l.f_set_input AND t.triggered_input IS NULL AND t.input IS DISTINCT FROM l.f_input THEN t.input ELSE t.triggered_input END,
        input = CASE WHEN l.f_set_input THEN l.f_input ELSE t.input END,
        output = CASE WHEN l.f_set_output THEN l.f_output ELSE t.output END,
        progress = CASE WHEN l.f_set_progress THEN l.f_progress ELSE t.progress END,
        iterations = CASE WHEN l.f_in_place THEN t.iterations + 1 ELSE COALESCE(l.f_iterations, t.iterations) END,
        attempt = CASE WHEN l.f_in_place THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN l.f_bump_token THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE(l.f_run_at, t.run_at),
        finished_on = COALESCE(l.f_finished_on, t.finished_on),
        hook_pending = l.f_hook_pending,
        lease_owner = CASE WHEN l.f_keep_owner THEN t.lease_owner END,
        lease_expires_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.lease_expires_at WHEN l.f_keep_owner THEN l.f_due_at END,
        due_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.due_at ELSE l.f_due_at END
      FROM locked l
      WHERE t.id = l.id AND l.lease_token = l.f_token AND l.status = 'running'
      RETURNING t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of
    )
    SELECT true AS applied, done.* FROM done
    UNION ALL
    SELECT false AS applied, l.id, l.name, l.definition_id, l.parent_id, l.execution_name, l.iterations, l.max_iterations, l.input, l.output, l.status, l.started_on, l.finished_on, l.event_response, l.created_on, l.saved_on, l.created_by, l.progress, l.run_at, l.attempt, l.lease_token, l.lease_expires_at, l.priority, l.idempotency_key, l.concurrency_key, l.triggered_input, l.rerun_of FROM locked l
    WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = l.id);

-- finish.ts FINISH_LOGS stint_finish_logs_56afa4c99a30c08f274ff12a
WITH f AS (
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $5::bool[], $6::jsonb[], $7::bool[], $8::jsonb[], $9::bool[], $10::jsonb[], $11::int[], $12::timestamptz[], $13::timestamptz[], $14::bool[], $15::bool[], $16::timestamptz[], $17::bool[], $18::bool[], $19::timestamptz[])
        AS f(f_id, f_token, f_status, f_now, f_set_input, f_input, f_set_output, f_output, f_set_progress, f_progress, f_iterations, f_run_at, f_finished_on, f_hook_pending, f_keep_owner, f_due_at, f_in_place, f_bump_token, f_keep_lease_from)
    ), locked AS (
      -- The batch drives (an index lookup per item): joined here, not in "done", where
      -- a plan that thought the batch small re-ran the unnest once per row (quadratic).
      -- `t.id = ANY($1)` (the ids): task rows by primary key whatever the statistics say.
      SELECT t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of, f.* FROM f JOIN "stint".tasks t ON t.id = f.f_id
      WHERE t.id = ANY($1::text[])
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), done AS (
      UPDATE "stint".tasks t SET 
        status = l.f_status,
        saved_on = l.f_now,
        -- The first change of the input keeps the old one: the input as triggered (0009_rerun.sql).
        triggered_input = CASE WHEN l.f_set_input AND t.triggered_input IS NULL AND t.input IS DISTINCT FROM l.f_input THEN t.input ELSE t.triggered_input END,
        input = CASE WHEN l.f_set_input THEN l.f_input ELSE t.input END,
        output = CASE WHEN l.f_set_output THEN l.f_output ELSE t.output END,
        progress = CASE WHEN l.f_set_progress THEN l.f_progress ELSE t.progress END,
        iterations = CASE WHEN l.f_in_place THEN t.iterations + 1 ELSE COALESCE(l.f_iterations, t.iterations) END,
        attempt = CASE WHEN l.f_in_place THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN l.f_bump_token THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE(l.f_run_at, t.run_at),
        finished_on = COALESCE(l.f_finished_on, t.finished_on),
        hook_pending = l.f_hook_pending,
        lease_owner = CASE WHEN l.f_keep_owner THEN t.lease_owner END,
        lease_expires_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.lease_expires_at WHEN l.f_keep_owner THEN l.f_due_at END,
        due_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.due_at ELSE l.f_due_at END
      FROM locked l
      WHERE t.id = l.id AND l.lease_token = l.f_token AND l.status = 'running'
      RETURNING t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of
    ), gate AS (
      SELECT count(*) AS n FROM done
    ), wanted AS (
      SELECT * FROM unnest($20::text[], $21::text[], $22::int[], $23::text[], $24::timestamptz[], $32::bool[])
               WITH ORDINALITY AS w(id, task_id, iteration, execution_name, created_on, own, ord)
    ), record AS (
      INSERT INTO "stint".task_logs (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT w.id, w.task_id, w.iteration, w.execution_name, w.created_on, t.created_by
      FROM gate, wanted w JOIN locked t ON t.id = w.task_id
      WHERE (w.own AND t.status <> 'aborted') OR w.task_id IN (SELECT id FROM done)
      ORDER BY w.ord
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id, task_id, iteration
    ), items AS (
      INSERT INTO "stint".task_log_items (log_id, type, message, created_on, data, error, attempt)
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
    SELECT false AS applied, l.id, l.name, l.definition_id, l.parent_id, l.execution_name, l.iterations, l.max_iterations, l.input, l.output, l.status, l.started_on, l.finished_on, l.event_response, l.created_on, l.saved_on, l.created_by, l.progress, l.run_at, l.attempt, l.lease_token, l.lease_expires_at, l.priority, l.idempotency_key, l.concurrency_key, l.triggered_input, l.rerun_of FROM locked l
    WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = l.id);

-- finish.ts FINISH_ONE_SLIM stint_finish_one_slim_7eb0d5319eb902f8c692907a
WITH done AS (
      UPDATE "stint".tasks t SET 
        status = $3::text,
        saved_on = $4::timestamptz,
        triggered_input = CASE WHEN $5::bool AND t.triggered_input IS NULL AND t.input IS DISTINCT FROM $6::jsonb THEN t.input ELSE t.triggered_input END,
        input = CASE WHEN $5::bool THEN $6::jsonb ELSE t.input END,
        output = CASE WHEN $7::bool THEN $8::jsonb ELSE t.output END,
        progress = CASE WHEN $9::bool THEN $10::jsonb ELSE t.progress END,
        iterations = CASE WHEN $17::bool THEN t.iterations + 1 ELSE COALESCE($11::int, t.iterations) END,
        attempt = CASE WHEN $17::bool THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN $18::bool THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE($12::timestamptz, t.run_at),
        finished_on = COALESCE($13::timestamptz, t.finished_on),
        hook_pending = $14::bool,
        lease_owner = CASE WHEN $15::bool THEN t.lease_owner END,
        lease_expires_at = CASE WHEN t.lease_expires_at >= $19::timestamptz THEN t.lease_expires_at WHEN $15::bool THEN $16::timestamptz END,
        due_at = CASE WHEN t.lease_expires_at >= $19::timestamptz THEN t.due_at ELSE $16::timestamptz END
      WHERE t.id = $1::text AND t.lease_token = $2::int AND t.status = 'running'
      RETURNING t.id, t.status, t.saved_on, t.input, t.output, t.progress, t.iterations, t.attempt, t.run_at, t.finished_on, t.lease_token, t.lease_expires_at, t.created_by AS record_created_by
    ), record AS (
      INSERT INTO "stint".task_logs (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT $20::text, done.id, $21::int, $22::text, $23::timestamptz, done.record_created_by
      FROM done WHERE $20::text IS NOT NULL
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id
    ), items AS (
      INSERT INTO "stint".task_log_items (log_id, type, message, created_on, data, error, attempt)
      SELECT record.id, i.type, i.message, i.created_on, i.data, i.error, i.attempt
      FROM record, unnest($24::text[], $25::text[], $26::timestamptz[], $27::jsonb[], $28::jsonb[], $29::int[])
           WITH ORDINALITY AS i(type, message, created_on, data, error, attempt, ord)
      ORDER BY i.ord
    )
    SELECT done.id, done.status, done.saved_on, done.input, done.output, done.progress, done.iterations, done.attempt, done.run_at, done.finished_on, done.lease_token, done.lease_expires_at FROM done;

-- finish.ts FINISH_SLIM stint_finish_slim_2ce3edd0da360ac237168641
WITH f AS (
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $5::bool[], $6::jsonb[], $7::bool[], $8::jsonb[], $9::bool[], $10::jsonb[], $11::int[], $12::timestamptz[], $13::timestamptz[], $14::bool[], $15::bool[], $16::timestamptz[], $17::bool[], $18::bool[], $19::timestamptz[])
        AS f(f_id, f_token, f_status, f_now, f_set_input, f_input, f_set_output, f_output, f_set_progress, f_progress, f_iterations, f_run_at, f_finished_on, f_hook_pending, f_keep_owner, f_due_at, f_in_place, f_bump_token, f_keep_lease_from)
    ), locked AS (
      -- The batch drives (an index lookup per item): joined here, not in "done", where
      -- a plan that thought the batch small re-ran the unnest once per row (quadratic).
      -- `t.id = ANY($1)` (the ids): task rows by primary key whatever the statistics say.
      SELECT t.id, t.status, t.saved_on, t.input, t.output, t.progress, t.iterations, t.attempt, t.run_at, t.finished_on, t.lease_token, t.lease_expires_at, f.* FROM f JOIN "stint".tasks t ON t.id = f.f_id
      WHERE t.id = ANY($1::text[])
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), done AS (
      UPDATE "stint".tasks t SET 
        status = l.f_status,
        saved_on = l.f_now,
        -- The first change of the input keeps the old one: the input as triggered (0009_rerun.sql).
        triggered_input = CASE WHEN l.f_set_input AND t.triggered_input IS NULL AND t.input IS DISTINCT FROM l.f_input THEN t.input ELSE t.triggered_input END,
        input = CASE WHEN l.f_set_input THEN l.f_input ELSE t.input END,
        output = CASE WHEN l.f_set_output THEN l.f_output ELSE t.output END,
        progress = CASE WHEN l.f_set_progress THEN l.f_progress ELSE t.progress END,
        iterations = CASE WHEN l.f_in_place THEN t.iterations + 1 ELSE COALESCE(l.f_iterations, t.iterations) END,
        attempt = CASE WHEN l.f_in_place THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN l.f_bump_token THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE(l.f_run_at, t.run_at),
        finished_on = COALESCE(l.f_finished_on, t.finished_on),
        hook_pending = l.f_hook_pending,
        lease_owner = CASE WHEN l.f_keep_owner THEN t.lease_owner END,
        lease_expires_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.lease_expires_at WHEN l.f_keep_owner THEN l.f_due_at END,
        due_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.due_at ELSE l.f_due_at END
      FROM locked l
      WHERE t.id = l.id AND l.lease_token = l.f_token AND l.status = 'running'
      RETURNING t.id, t.status, t.saved_on, t.input, t.output, t.progress, t.iterations, t.attempt, t.run_at, t.finished_on, t.lease_token, t.lease_expires_at
    )
    SELECT true AS applied, done.* FROM done
    UNION ALL
    SELECT false AS applied, l.id, l.status, l.saved_on, l.input, l.output, l.progress, l.iterations, l.attempt, l.run_at, l.finished_on, l.lease_token, l.lease_expires_at FROM locked l
    WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = l.id);

-- finish.ts FINISH_LOGS_SLIM stint_finish_logs_slim_094cc81c787a3d2260903980
WITH f AS (
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $5::bool[], $6::jsonb[], $7::bool[], $8::jsonb[], $9::bool[], $10::jsonb[], $11::int[], $12::timestamptz[], $13::timestamptz[], $14::bool[], $15::bool[], $16::timestamptz[], $17::bool[], $18::bool[], $19::timestamptz[])
        AS f(f_id, f_token, f_status, f_now, f_set_input, f_input, f_set_output, f_output, f_set_progress, f_progress, f_iterations, f_run_at, f_finished_on, f_hook_pending, f_keep_owner, f_due_at, f_in_place, f_bump_token, f_keep_lease_from)
    ), locked AS (
      -- The batch drives (an index lookup per item): joined here, not in "done", where
      -- a plan that thought the batch small re-ran the unnest once per row (quadratic).
      -- `t.id = ANY($1)` (the ids): task rows by primary key whatever the statistics say.
      SELECT t.id, t.status, t.saved_on, t.input, t.output, t.progress, t.iterations, t.attempt, t.run_at, t.finished_on, t.lease_token, t.lease_expires_at, t.created_by, f.* FROM f JOIN "stint".tasks t ON t.id = f.f_id
      WHERE t.id = ANY($1::text[])
      ORDER BY t.id
      FOR NO KEY UPDATE OF t
    ), done AS (
      UPDATE "stint".tasks t SET 
        status = l.f_status,
        saved_on = l.f_now,
        -- The first change of the input keeps the old one: the input as triggered (0009_rerun.sql).
        triggered_input = CASE WHEN l.f_set_input AND t.triggered_input IS NULL AND t.input IS DISTINCT FROM l.f_input THEN t.input ELSE t.triggered_input END,
        input = CASE WHEN l.f_set_input THEN l.f_input ELSE t.input END,
        output = CASE WHEN l.f_set_output THEN l.f_output ELSE t.output END,
        progress = CASE WHEN l.f_set_progress THEN l.f_progress ELSE t.progress END,
        iterations = CASE WHEN l.f_in_place THEN t.iterations + 1 ELSE COALESCE(l.f_iterations, t.iterations) END,
        attempt = CASE WHEN l.f_in_place THEN 1 ELSE t.attempt END,
        lease_token = CASE WHEN l.f_bump_token THEN t.lease_token + 1 ELSE t.lease_token END,
        run_at = COALESCE(l.f_run_at, t.run_at),
        finished_on = COALESCE(l.f_finished_on, t.finished_on),
        hook_pending = l.f_hook_pending,
        lease_owner = CASE WHEN l.f_keep_owner THEN t.lease_owner END,
        lease_expires_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.lease_expires_at WHEN l.f_keep_owner THEN l.f_due_at END,
        due_at = CASE WHEN t.lease_expires_at >= l.f_keep_lease_from THEN t.due_at ELSE l.f_due_at END
      FROM locked l
      WHERE t.id = l.id AND l.lease_token = l.f_token AND l.status = 'running'
      RETURNING t.id, t.status, t.saved_on, t.input, t.output, t.progress, t.iterations, t.attempt, t.run_at, t.finished_on, t.lease_token, t.lease_expires_at
    ), gate AS (
      SELECT count(*) AS n FROM done
    ), wanted AS (
      SELECT * FROM unnest($20::text[], $21::text[], $22::int[], $23::text[], $24::timestamptz[], $32::bool[])
               WITH ORDINALITY AS w(id, task_id, iteration, execution_name, created_on, own, ord)
    ), record AS (
      INSERT INTO "stint".task_logs (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT w.id, w.task_id, w.iteration, w.execution_name, w.created_on, t.created_by
      FROM gate, wanted w JOIN locked t ON t.id = w.task_id
      WHERE (w.own AND t.status <> 'aborted') OR w.task_id IN (SELECT id FROM done)
      ORDER BY w.ord
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id, task_id, iteration
    ), items AS (
      INSERT INTO "stint".task_log_items (log_id, type, message, created_on, data, error, attempt)
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
    SELECT false AS applied, l.id, l.status, l.saved_on, l.input, l.output, l.progress, l.iterations, l.attempt, l.run_at, l.finished_on, l.lease_token, l.lease_expires_at FROM locked l
    WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = l.id);

-- finish.ts UPDATE stint_update_3e01f9acfddb5bb02806565b
UPDATE "stint".tasks SET
      triggered_input = CASE WHEN $4 AND triggered_input IS NULL AND input IS DISTINCT FROM $5::jsonb THEN input ELSE triggered_input END,
      input    = CASE WHEN $4 THEN $5::jsonb ELSE input END,
      output   = CASE WHEN $6 THEN $7::jsonb ELSE output END,
      progress = CASE WHEN $8 THEN $9::jsonb ELSE progress END,
      saved_on = $3
    WHERE id = $1 AND lease_token = $2 AND status = 'running'
    RETURNING id;

-- finish.ts ABORT (unnamed)
UPDATE "stint".tasks SET
      status = 'aborted',
      finished_on = $2,
      saved_on = $2,
      lease_token = lease_token + 1,
      lease_owner = CASE WHEN $4 THEN $3 END,
      hook_pending = $4,
      lease_expires_at = $5,
      due_at = $5
    WHERE id = $1 AND status IN ('pending', 'running')
    RETURNING id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input, rerun_of;

-- finish.ts GET (unnamed)
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input, rerun_of FROM "stint".tasks WHERE id = $1;

-- finish.ts GET_MANY (unnamed)
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input, rerun_of FROM "stint".tasks WHERE id = ANY($1::text[]);

-- handoff.ts CREATE_ONE stint_create_one_c08e6718b6ce5a96f95e5299
WITH slot AS (
      UPDATE "stint".worker_slots s SET free = s.free - 1, handed = s.handed || $1::text
      WHERE s.worker_id = (
        SELECT worker_id FROM "stint".worker_slots
        WHERE free > 0 AND expires_at > $8::timestamptz AND $3::text = ANY(definition_ids)
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING s.worker_id, GREATEST($8::timestamptz, s.expires_at) + s.lease_ms * interval '1 millisecond' AS lease_expires_at
    ), ins AS (
      INSERT INTO "stint".tasks (id, name, definition_id, parent_id, input, max_iterations, run_at,
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
      RETURNING id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input, rerun_of, trace_context, lease_owner
    ), handed AS (
      SELECT CASE WHEN ins.lease_owner IS NOT NULL
                  THEN jsonb_build_object('type', 'task-handed', 'workerId', ins.lease_owner, 'row', to_jsonb(ins) - 'lease_owner')::text
             END AS payload
      FROM ins
    )
    -- Not handed: the usual wake-up. Handed: the claim, or its id when too big for NOTIFY.
    SELECT ins.*, pg_notify('stint_stint', CASE
             WHEN handed.payload IS NULL THEN $11::text
             WHEN octet_length(handed.payload) <= 7900 THEN handed.payload
             ELSE jsonb_build_object('type', 'task-handed', 'workerId', ins.lease_owner, 'id', ins.id)::text
           END) IS NULL AS notified
    FROM ins, handed;

-- handoff.ts READ_HANDED stint_read_handed_25144a56c9a1bba48012fa55
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input, rerun_of, trace_context FROM "stint".tasks
    WHERE id = ANY($1::text[]) AND lease_owner = $2 AND lease_token = 1 AND status = 'running';

-- handoff.ts WITHDRAW stint_withdraw_slot_1006bfe745ead5a06631e654
DELETE FROM "stint".worker_slots WHERE worker_id = $1 RETURNING handed;

-- handoff.ts CLOSE stint_close_slot_17cefbad1dae9843ad44f522
UPDATE "stint".worker_slots SET free = 0 WHERE worker_id = $1;

-- finish/wait-children.ts WAIT stint_wait_children_88e93facaaa0af5d6dcc9859
WITH w AS (
      SELECT p.id, NOT NOT EXISTS (
      SELECT 1 FROM "stint".tasks c WHERE c.parent_id = p.id AND c.status IN ('pending', 'running')
    ) AS waiting FROM "stint".tasks p WHERE p.id = ANY($1::text[])
    ), marked AS (
      UPDATE "stint".tasks p SET
        children_wait_token = CASE WHEN w.waiting THEN p.lease_token END,
        due_at = CASE WHEN w.waiting THEN p.due_at ELSE LEAST(p.due_at, $2::timestamptz) END,
        run_at = CASE WHEN w.waiting THEN p.run_at ELSE LEAST(p.run_at, $2::timestamptz) END
      FROM w WHERE p.id = w.id AND p.status = 'running'
      RETURNING p.id, w.waiting
    )
    SELECT marked.id, marked.waiting, (CASE WHEN NOT marked.waiting THEN (SELECT pg_notify('stint_stint', '{"type":"tasks-available"}')) END) IS NULL AS notified FROM marked;

-- finish/wait-children.ts LOCK_WAITING stint_wait_children_lock_9627858612dfeb6e947dccd5
SELECT p.id FROM "stint".tasks p WHERE p.id = ANY($1::text[]) AND p.status = 'running' AND p.children_wait_token = p.lease_token AND p.lease_owner IS NULL
    ORDER BY p.id FOR NO KEY UPDATE;

-- finish/wait-children.ts WAKE stint_wait_children_wake_119ddba6fb583878092906d1
WITH woken AS (
      UPDATE "stint".tasks p SET
        due_at = LEAST(p.due_at, $2::timestamptz),
        run_at = LEAST(p.run_at, $2::timestamptz),
        children_wait_token = NULL
      WHERE p.id = ANY($1::text[]) AND p.status = 'running' AND p.children_wait_token = p.lease_token AND p.lease_owner IS NULL
        AND NOT EXISTS (
      SELECT 1 FROM "stint".tasks c WHERE c.parent_id = p.id AND c.status IN ('pending', 'running')
    )
      RETURNING p.id
    )
    SELECT woken.id, (SELECT pg_notify('stint_stint', '{"type":"tasks-available"}')) IS NULL AS notified FROM woken;

-- finish/wait-children.ts RECHECK stint_wait_children_recheck_3b6e9346edfc646404575e36
WITH woken AS (
      UPDATE "stint".tasks p SET
        due_at = LEAST(p.due_at, $2::timestamptz),
        run_at = LEAST(p.run_at, $2::timestamptz),
        children_wait_token = NULL
      WHERE p.id = ANY($1::text[]) AND p.status = 'running' AND p.children_wait_token = p.lease_token AND p.lease_owner IS NULL
        AND NOT EXISTS (
      SELECT 1 FROM (
        SELECT 1 FROM "stint".tasks c WHERE c.parent_id = p.id AND c.status IN ('pending', 'running') FOR SHARE OF c
      ) unfinished
    )
      RETURNING p.id
    )
    SELECT woken.id, (SELECT pg_notify('stint_stint', '{"type":"tasks-available"}')) IS NULL AS notified FROM woken;

-- tasks.ts INSERT stint_create_0b06a15581ad572331de0a91
WITH ins AS (
      INSERT INTO "stint".tasks (id, name, definition_id, parent_id, input, max_iterations, run_at, due_at,
                          created_on, saved_on, created_by, event_response, trace_context,
                          priority, idempotency_key, concurrency_key, rerun_of)
    SELECT id, name, definition_id, parent_id, input, max_iterations, run_at, run_at,
           created_on, created_on, created_by, event_response, trace_context,
           priority, idempotency_key, concurrency_key, rerun_of
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[],
                $7::timestamptz[], $8::timestamptz[], $9::jsonb[], $10::jsonb[], $12::jsonb[],
                $13::int[], $14::text[], $15::text[], $16::text[])
         AS n(id, name, definition_id, parent_id, input, max_iterations, run_at, created_on, created_by, event_response,
              trace_context, priority, idempotency_key, concurrency_key, rerun_of)
      RETURNING id
    )
    SELECT count(id)::int AS inserted, (SELECT pg_notify('stint_stint', $11)) IS NULL AS notified FROM ins;

-- tasks.ts DELETE stint_delete_c4ed277b6e32eb845df05985
DELETE FROM "stint".tasks WHERE id = $1 RETURNING id;

-- tasks.ts DELETE_LOGS stint_delete_logs_e4d72960b8eef93b859cf292
WITH records AS (
      DELETE FROM "stint".task_logs WHERE task_id = $1 RETURNING id
    )
    DELETE FROM "stint".task_log_items WHERE log_id IN (SELECT id FROM records);

-- tasks.ts NEXT_DUE stint_next_due_2426071923f3fd00003ad2f1
WITH RECURSIVE levels(p) AS (
      (SELECT priority FROM "stint".tasks WHERE due_at IS NOT NULL ORDER BY priority DESC LIMIT 1)
      UNION ALL
      SELECT (SELECT priority FROM "stint".tasks WHERE due_at IS NOT NULL AND priority < levels.p ORDER BY priority DESC LIMIT 1)
      FROM levels WHERE levels.p IS NOT NULL
    )
    SELECT min((
      SELECT due_at FROM "stint".tasks
      WHERE due_at IS NOT NULL AND priority = levels.p
        -- A settled row is not due, as in the claim (none should carry a due time: migration 0004).
        AND COALESCE(definition_id = ANY($1::text[]) AND (status NOT IN ('success', 'failed', 'aborted') OR hook_pending), false)
      ORDER BY due_at LIMIT 1
    )) AS due_at
    FROM levels WHERE levels.p IS NOT NULL;

-- tasks.ts ESTIMATE stint_count_estimate_ebd4ea68c48fedb69751db9d
SELECT CASE WHEN c.relpages > 0 AND c.reltuples >= 0
                THEN round(c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::float8))
           END AS estimate
    FROM pg_class c WHERE c.oid = to_regclass($1);

-- tasks.ts RELTUPLES stint_reltuples_daf141ff3e35b9fe01876eab
SELECT reltuples FROM pg_class WHERE oid = to_regclass($1);

-- tasks.ts GET stint_get_98dfed66c96378509847d778
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input, rerun_of FROM "stint".tasks WHERE id = $1;

-- tasks.ts GET_MANY stint_get_many_ccc0fe7f89c9fdddc998870b
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input, rerun_of FROM "stint".tasks WHERE id = ANY($1::text[]);

-- tasks.ts GET_LIGHT stint_get_p0_bcafeab8fa2eb956c938b120
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, NULL AS input, NULL AS output, status, started_on, finished_on, NULL AS event_response, created_on, saved_on, created_by, NULL AS progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, NULL AS triggered_input, rerun_of FROM "stint".tasks WHERE id = $1;

-- tasks.ts GET_MANY_LIGHT stint_get_many_p0_72a0c9215489a017bb9b49f3
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, NULL AS input, NULL AS output, status, started_on, finished_on, NULL AS event_response, created_on, saved_on, created_by, NULL AS progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, NULL AS triggered_input, rerun_of FROM "stint".tasks WHERE id = ANY($1::text[]);

-- tasks.ts GET_CHARGED stint_get_p31_text_ae7c07f211e1864b76cfc850
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input::text AS input, output::text AS output, status, started_on, finished_on, event_response::text AS event_response, created_on, saved_on, created_by, progress::text AS progress, run_at, attempt, lease_token, lease_expires_at, priority, idempotency_key, concurrency_key, triggered_input::text AS triggered_input, rerun_of FROM "stint".tasks WHERE id = $1;

-- logs.ts APPEND stint_log_append_38fc1f32799d45b36bef47f8
WITH owner AS (
      SELECT t.id, t.created_by FROM "stint".tasks t
      WHERE t.id = ANY($2::text[])
      ORDER BY t.id
      FOR KEY SHARE OF t
    ), wanted AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[])
               WITH ORDINALITY AS w(id, task_id, iteration, execution_name, created_on, ord)
    ), record AS (
      INSERT INTO "stint".task_logs (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT w.id, w.task_id, w.iteration, w.execution_name, w.created_on, t.created_by
      FROM wanted w JOIN owner t ON t.id = w.task_id
      ORDER BY w.ord
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id, task_id, iteration
    ), items AS (
      INSERT INTO "stint".task_log_items (log_id, type, message, created_on, data, error, attempt)
      SELECT record.id, i.type, i.message, i.created_on, i.data, i.error, i.attempt
      FROM unnest($6::int[], $7::text[], $8::text[], $9::timestamptz[], $10::jsonb[], $11::jsonb[], $12::int[])
           WITH ORDINALITY AS i(wanted_ord, type, message, created_on, data, error, attempt, ord)
      JOIN wanted w ON w.ord = i.wanted_ord
      JOIN record ON record.task_id = w.task_id AND record.iteration = w.iteration
      ORDER BY i.ord
    ) SELECT 1;

-- logs.ts APPEND_FENCED stint_log_append_fenced_2b2fa7bbb04583bb2c1427b2
WITH owner AS (
      SELECT t.id, t.created_by, t.lease_token, t.status FROM "stint".tasks t
      WHERE t.id = ANY($2::text[])
      ORDER BY t.id
      FOR KEY SHARE OF t
    ), wanted AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[])
               WITH ORDINALITY AS w(id, task_id, iteration, execution_name, created_on, ord)
    ), record AS (
      INSERT INTO "stint".task_logs (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT w.id, w.task_id, w.iteration, w.execution_name, w.created_on, t.created_by
      FROM wanted w JOIN owner t ON t.id = w.task_id
      WHERE t.lease_token = $13::int AND t.status = 'running'
      ORDER BY w.ord
      ON CONFLICT (task_id, iteration) DO UPDATE SET iteration = EXCLUDED.iteration
      RETURNING id, task_id, iteration
    ), items AS (
      INSERT INTO "stint".task_log_items (log_id, type, message, created_on, data, error, attempt)
      SELECT record.id, i.type, i.message, i.created_on, i.data, i.error, i.attempt
      FROM unnest($6::int[], $7::text[], $8::text[], $9::timestamptz[], $10::jsonb[], $11::jsonb[], $12::int[])
           WITH ORDINALITY AS i(wanted_ord, type, message, created_on, data, error, attempt, ord)
      JOIN wanted w ON w.ord = i.wanted_ord
      JOIN record ON record.task_id = w.task_id AND record.iteration = w.iteration
      ORDER BY i.ord
    ) SELECT 1;

-- notify.ts NOTIFY (unnamed)
SELECT pg_notify('stint_stint', $1);

-- workers.ts LIST stint_worker_list_9ff8f070df3688969dc139be
SELECT worker_id, host, pid, version, started_at, concurrency, lease_ms::float8 AS lease_ms,
            heartbeat_ms::float8 AS heartbeat_ms, last_beat_at, tasks
     FROM "stint".workers w WHERE (w.last_beat_at + GREATEST(3600000, 10 * w.lease_ms) * interval '1 millisecond') >= $1
     ORDER BY started_at, worker_id;

-- workers.ts UNREGISTER stint_worker_unregister_3b2a9457b4c4272b2d9f0e51
DELETE FROM "stint".workers WHERE worker_id = $1 RETURNING 1 AS gone;

-- workers.ts STATS stint_task_stats_6dfc939463b02b9ff9f6eeaf
SELECT definition_id, status, count(*)::float8 AS count,
            min(due_at) FILTER (WHERE status IN ('pending', 'running') AND due_at <= $1) AS oldest_due_at
     FROM "stint".tasks GROUP BY definition_id, status;

-- retention.ts SETTINGS_GET stint_settings_get_18494e663449a3421e243648
SELECT retention_days FROM "stint".settings WHERE id = 1;

-- retention.ts SETTINGS_UPDATE stint_settings_update_a60d7aef9f3ae91234f87ea9
INSERT INTO "stint".settings (id, retention_days, saved_on) VALUES (1, $1, $2)
    ON CONFLICT (id) DO UPDATE SET retention_days = EXCLUDED.retention_days, saved_on = EXCLUDED.saved_on
    RETURNING retention_days;

-- retention.ts LEASE_ACQUIRE stint_lease_acquire_4a0af412e6bbbd5fa172f543
INSERT INTO "stint".leases (name, holder, expires_at) VALUES ($1, $2, $3)
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
    WHERE "stint".leases.holder = EXCLUDED.holder OR "stint".leases.expires_at <= $4
    RETURNING holder;

-- retention.ts LEASE_RELEASE stint_lease_release_73122271fd80c63857b7da90
DELETE FROM "stint".leases WHERE name = $1 AND holder = $2;

-- retention.ts SWEEP stint_sweep_229c4a7b824c11c67bc0903f
WITH doomed AS (
      SELECT id FROM "stint".tasks
      WHERE status IN ('success', 'failed', 'aborted') AND NOT hook_pending AND created_on < $1 AND finished_on < $1
        AND ($3::text[] IS NULL OR definition_id <> ALL ($3::text[]))
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM "stint".tasks t USING doomed WHERE t.id = doomed.id RETURNING t.id
    ), records AS (
      DELETE FROM "stint".task_logs WHERE task_id IN (SELECT id FROM gone) RETURNING id
    ), items AS (
      DELETE FROM "stint".task_log_items WHERE log_id IN (SELECT id FROM records)
    )
    SELECT id FROM gone;

-- retention.ts SWEEP_DEFINITIONS stint_sweep_definitions_1ee7feac04757b86291e9fbd
WITH doomed AS (
      SELECT id FROM "stint".tasks
      WHERE definition_id = ANY ($3::text[]) AND created_on < $1 AND finished_on < $1 AND status IN ('success', 'failed', 'aborted') AND NOT hook_pending
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM "stint".tasks t USING doomed WHERE t.id = doomed.id RETURNING t.id
    ), records AS (
      DELETE FROM "stint".task_logs WHERE task_id IN (SELECT id FROM gone) RETURNING id
    ), items AS (
      DELETE FROM "stint".task_log_items WHERE log_id IN (SELECT id FROM records)
    )
    SELECT id FROM gone;

-- retention.ts DELETE_TREES stint_delete_finished_trees_0bd3d29aa2fc402fea4008f9
WITH RECURSIVE tree (id) AS (
      SELECT id FROM "stint".tasks WHERE id = ANY ($1::text[]) AND status IN ('success', 'failed', 'aborted') AND NOT hook_pending
      UNION
      SELECT c.id FROM "stint".tasks c JOIN tree ON c.parent_id = tree.id
      WHERE c.status IN ('success', 'failed', 'aborted') AND NOT c.hook_pending
    )
    DELETE FROM "stint".tasks t USING tree WHERE t.id = tree.id RETURNING t.id;

-- retention.ts DELETE_LOGS stint_delete_logs_of_9f3707f428c321d6b90be388
WITH records AS (
      DELETE FROM "stint".task_logs WHERE task_id = ANY ($1::text[]) RETURNING id
    )
    DELETE FROM "stint".task_log_items WHERE log_id IN (SELECT id FROM records);

-- claim.ts SELECT_DUE
SELECT id FROM stint_tasks INDEXED BY stint_tasks_due
  WHERE due_at IS NOT NULL AND due_at <= @now
    AND definition_id IN (SELECT value FROM json_each(@definitionIds))
    AND (status NOT IN ('success', 'failed', 'aborted') OR hook_pending = 1)
  ORDER BY priority DESC, due_at, id
  LIMIT @limit;

-- claim.ts CLAIM
UPDATE stint_tasks SET
    iterations = CASE WHEN status IN ('success', 'failed', 'aborted') OR lease_owner IS NOT NULL THEN iterations ELSE iterations + 1 END,
    attempt = CASE WHEN status IN ('success', 'failed', 'aborted') THEN attempt WHEN lease_owner IS NULL THEN 1 ELSE attempt + 1 END,
    started_on = CASE WHEN status IN ('success', 'failed', 'aborted') THEN started_on ELSE COALESCE(started_on, @now) END,
    execution_name = CASE WHEN status IN ('success', 'failed', 'aborted') THEN execution_name ELSE @workerId END,
    status = CASE WHEN status IN ('success', 'failed', 'aborted') THEN status ELSE 'running' END,
    lease_owner = @workerId,
    lease_token = lease_token + 1,
    lease_expires_at = @expiresAt,
    due_at = @expiresAt,
    saved_on = @now
  WHERE id IN (SELECT value FROM json_each(@ids));

-- claim.ts SELECT_IN_ORDER
SELECT t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.hook_pending, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of, t.trace_context FROM json_each(?) AS j CROSS JOIN stint_tasks AS t ON t.id = j.value
  ORDER BY j.key;

-- claim.ts RENEW
UPDATE stint_tasks SET
    lease_expires_at = MAX(COALESCE(lease_expires_at, 0), @expiresAt),
    due_at = MAX(COALESCE(lease_expires_at, 0), @expiresAt)
  WHERE lease_owner = @workerId
    AND (id, lease_token) IN (SELECT value ->> '$.id', value ->> '$.leaseToken' FROM json_each(@leases))
  RETURNING id;

-- claim.ts STATUSES
SELECT id, status FROM stint_tasks WHERE id IN (SELECT value FROM json_each(?));

-- claim.ts RELEASE
UPDATE stint_tasks SET lease_expires_at = @now, due_at = @now, lease_token = lease_token + 1
  WHERE id = @id AND lease_token = @leaseToken AND (status NOT IN ('success', 'failed', 'aborted') OR hook_pending = 1);

-- claim.ts HOOKS_DONE
UPDATE stint_tasks SET hook_pending = 0, due_at = NULL, lease_owner = NULL, lease_expires_at = NULL
  WHERE id = @id AND lease_token = @leaseToken AND hook_pending = 1;

-- claim.ts NEXT_DUE
WITH RECURSIVE levels(p) AS (
    SELECT MAX(priority) FROM stint_tasks INDEXED BY stint_tasks_due WHERE due_at IS NOT NULL
    UNION ALL
    SELECT (SELECT MAX(priority) FROM stint_tasks INDEXED BY stint_tasks_due WHERE due_at IS NOT NULL AND priority < levels.p)
    FROM levels WHERE levels.p IS NOT NULL
  )
  SELECT MIN((
    SELECT due_at FROM stint_tasks INDEXED BY stint_tasks_due
    WHERE due_at IS NOT NULL AND priority = levels.p AND definition_id IN (SELECT value FROM json_each(@definitionIds))
      AND (status NOT IN ('success', 'failed', 'aborted') OR hook_pending = 1)
    ORDER BY due_at LIMIT 1
  )) AS dueAt
  FROM levels WHERE levels.p IS NOT NULL;

-- finish.ts FINISH
UPDATE stint_tasks SET
    status = ?,                                                                     -- status
    saved_on = ?,                                                                   -- now
    triggered_input = CASE WHEN ? AND triggered_input IS NULL AND input IS NOT ? THEN input ELSE triggered_input END, -- hasInput, input
    input = CASE WHEN ? THEN ? ELSE input END,                                      -- hasInput, input
    output = CASE WHEN ? THEN ? ELSE output END,                                    -- hasOutput, output
    iterations = CASE WHEN ? THEN iterations + 1 ELSE COALESCE(?, iterations) END,  -- inPlace, iterations
    attempt = CASE WHEN ? THEN 1 ELSE attempt END,                                  -- inPlace
    lease_token = lease_token + ?,                                                  -- bumpsToken (1 or 0)
    progress = CASE WHEN ? THEN ? ELSE progress END,                                -- hasProgress, progress
    run_at = COALESCE(?, run_at),                                                   -- runAt
    finished_on = COALESCE(?, finished_on),                                         -- finishedOn
    hook_pending = ?,                                                               -- hookPending
    lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END,                       -- release
    lease_expires_at = CASE WHEN lease_expires_at >= ? THEN lease_expires_at ELSE ? END, -- keepLeaseFrom, leaseExpiresAt
    due_at = CASE WHEN lease_expires_at >= ? THEN due_at ELSE ? END                 -- keepLeaseFrom, dueAt
  WHERE id = ? AND lease_token = ? AND status = 'running'                           -- id, leaseToken;

-- finish.ts SELECT_TASKS
SELECT t.id, t.name, t.definition_id, t.parent_id, t.execution_name, t.iterations, t.max_iterations, t.input, t.output, t.status, t.started_on, t.finished_on, t.event_response, t.created_on, t.saved_on, t.created_by, t.progress, t.run_at, t.attempt, t.lease_token, t.lease_expires_at, t.hook_pending, t.priority, t.idempotency_key, t.concurrency_key, t.triggered_input, t.rerun_of FROM json_each(?) AS j CROSS JOIN stint_tasks AS t ON t.id = j.value;

-- finish.ts SELECT_CHANGED
SELECT t.id, t.status, t.saved_on, t.input, t.output, t.progress, t.iterations, t.attempt, t.run_at, t.finished_on, t.lease_token, t.lease_expires_at FROM json_each(?) AS j CROSS JOIN stint_tasks AS t ON t.id = j.value;

-- finish.ts UPDATE
UPDATE stint_tasks SET
    saved_on = @now,
    triggered_input = CASE WHEN @hasInput AND triggered_input IS NULL AND input IS NOT @input THEN input ELSE triggered_input END,
    input = CASE WHEN @hasInput THEN @input ELSE input END,
    output = CASE WHEN @hasOutput THEN @output ELSE output END,
    progress = CASE WHEN @hasProgress THEN @progress ELSE progress END
  WHERE id = @id AND lease_token = @leaseToken AND status = 'running';

-- finish.ts ABORT
UPDATE stint_tasks SET
    status = 'aborted',
    finished_on = @now,
    saved_on = @now,
    lease_token = lease_token + 1,
    lease_owner = @leaseOwner,
    hook_pending = @hookPending,
    lease_expires_at = @dueAt,
    due_at = @dueAt
  WHERE id = @id AND status IN ('pending', 'running')
  RETURNING *;

-- finish.ts SELECT_TASK
SELECT * FROM stint_tasks WHERE id = ?;

-- tasks.ts INSERT_TASK
INSERT INTO stint_tasks (
    id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input,
    output, status, event_response, created_on, saved_on, created_by, run_at, attempt,
    lease_token, due_at, hook_pending, trace_context, priority, idempotency_key, concurrency_key,
    rerun_of
  ) VALUES (
    @id, @name, @definitionId, @parentId, '', 0, @maxIterations, @input,
    NULL, 'pending', @eventResponse, @createdOn, @createdOn, @createdBy, @runAt, 0,
    0, @runAt, 0, @traceContext, @priority, @idempotencyKey, @concurrencyKey,
    @rerunOf
  ) RETURNING *;

-- tasks.ts SELECT_TASK
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, hook_pending, priority, idempotency_key, concurrency_key, triggered_input, rerun_of FROM stint_tasks WHERE id = ?;

-- tasks.ts SELECT_TASKS
SELECT id, name, definition_id, parent_id, execution_name, iterations, max_iterations, input, output, status, started_on, finished_on, event_response, created_on, saved_on, created_by, progress, run_at, attempt, lease_token, lease_expires_at, hook_pending, priority, idempotency_key, concurrency_key, triggered_input, rerun_of FROM stint_tasks WHERE id IN (SELECT value FROM json_each(?));

-- tasks.ts DELETE_TASK
DELETE FROM stint_tasks WHERE id = ?;

-- tasks.ts COUNT_ALL_TASKS
SELECT n AS count FROM stint_task_count WHERE id = 1;

-- logs.ts ENSURE_LOGS
INSERT INTO stint_logs (id, task_id, iteration, execution_name, created_on, created_by)
  SELECT r.value ->> 0, t.id, r.value ->> 2, r.value ->> 3, r.value ->> 4, t.created_by
  FROM jsonb_each(?) AS r CROSS JOIN stint_tasks AS t ON t.id = r.value ->> 1
  WHERE true
  ON CONFLICT (task_id, iteration) DO NOTHING;

-- logs.ts INSERT_NEW_ITEMS
INSERT INTO stint_log_items (log_id, seq, type, message, created_on, data, error, attempt)
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7
  FROM jsonb_each(?);

-- logs.ts INSERT_ITEMS
INSERT INTO stint_log_items (log_id, seq, type, message, created_on, data, error, attempt)
  SELECT l.id,
    (SELECT COALESCE(MAX(seq), 0) FROM stint_log_items WHERE log_id = l.id)
      + ROW_NUMBER() OVER (PARTITION BY l.id ORDER BY i.key),
    i.value ->> 2, i.value ->> 3, i.value ->> 4, i.value ->> 5, i.value ->> 6, i.value ->> 7
  FROM jsonb_each(?) AS i
  CROSS JOIN stint_logs AS l ON l.task_id = i.value ->> 0 AND l.iteration = i.value ->> 1;

-- logs.ts SELECT_ITEMS
SELECT * FROM stint_log_items WHERE log_id IN (SELECT value FROM json_each(?)) ORDER BY log_id, seq;

-- logs.ts HOLDS
SELECT 1 FROM stint_tasks WHERE id = ? AND lease_token = ? AND status = 'running';

-- abort-watch.ts SELECT_ABORTED
SELECT t.id FROM json_each(?) AS h CROSS JOIN stint_tasks AS t ON t.id = h.value ->> 0
  WHERE t.status = 'aborted' AND t.lease_token <> h.value ->> 1;

-- wait-children.ts WAIT
UPDATE stint_tasks SET children_wait_token = lease_token
  WHERE id IN (SELECT value FROM json_each(?)) AND +status = 'running';

-- wait-children.ts WAKE
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
  RETURNING id;

-- retention.ts SETTINGS_GET
SELECT retention_days AS retentionDays FROM stint_settings WHERE id = 1;

-- retention.ts SETTINGS_UPDATE
INSERT INTO stint_settings (id, retention_days, saved_on) VALUES (1, ?, ?)
  ON CONFLICT (id) DO UPDATE SET retention_days = excluded.retention_days, saved_on = excluded.saved_on
  RETURNING retention_days AS retentionDays;

-- retention.ts LEASE_ACQUIRE
INSERT INTO stint_leases (name, holder, expires_at) VALUES (?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
  WHERE stint_leases.holder = excluded.holder OR stint_leases.expires_at <= ?
  RETURNING holder;

-- retention.ts LEASE_RELEASE
DELETE FROM stint_leases WHERE name = ? AND holder = ?;

-- retention.ts DELETE_TREES
WITH RECURSIVE tree (id) AS (
    SELECT id FROM stint_tasks WHERE id IN (SELECT value FROM json_each(?)) AND status IN ('success', 'failed', 'aborted') AND hook_pending = 0
    UNION
    SELECT c.id FROM stint_tasks c JOIN tree ON c.parent_id = tree.id
    WHERE c.status IN ('success', 'failed', 'aborted') AND c.hook_pending = 0
  )
  DELETE FROM stint_tasks WHERE id IN (SELECT id FROM tree);

-- Flow control (docs/flow-control.md): priorities, idempotency keys, concurrency keys.
--
-- priority: higher is claimed first among due tasks. The claim index leads with it, so
-- the claim walks (priority DESC, due_at, id) in order and stops after its batch; with
-- every task at the default 0 the walk is the old (due_at, id) walk.
ALTER TABLE stint_tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
-- Set by a trigger with `idempotencyKey`; released (NULL) when a later trigger with a TTL
-- finds this task older than the TTL, so the unique index below frees the key.
ALTER TABLE stint_tasks ADD COLUMN idempotency_key TEXT;
-- The group a concurrency limit counts in ('' for a definition-wide limit).
ALTER TABLE stint_tasks ADD COLUMN concurrency_key TEXT;

-- The race-safe part of idempotency: two triggers with one key cannot both insert.
CREATE UNIQUE INDEX stint_tasks_idempotency ON stint_tasks (definition_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

DROP INDEX stint_tasks_due;
CREATE INDEX stint_tasks_due ON stint_tasks (priority DESC, due_at, id, definition_id) WHERE due_at IS NOT NULL;

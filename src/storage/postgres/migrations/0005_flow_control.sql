-- Flow control (docs/flow-control.md): priorities, idempotency keys, concurrency keys.
--
-- priority: higher is claimed first among due tasks. The claim index leads with it, so
-- the claim walks (priority DESC, due_at, id) in order and stops after its batch; with
-- every task at the default 0 the walk is the old (due_at, id) walk.
ALTER TABLE tasks ADD COLUMN priority integer NOT NULL DEFAULT 0;
-- Set by a trigger with `idempotencyKey`; released (NULL) when a later trigger with a TTL
-- finds this task older than the TTL, so the unique index below frees the key.
ALTER TABLE tasks ADD COLUMN idempotency_key text COLLATE "C";
-- The group a concurrency limit counts in ('' for a definition-wide limit).
ALTER TABLE tasks ADD COLUMN concurrency_key text COLLATE "C";

-- The race-safe part of idempotency: two triggers with one key cannot both insert
-- (INSERT ... ON CONFLICT DO NOTHING waits for the other's commit, then does nothing).
CREATE UNIQUE INDEX tasks_idempotency_idx ON tasks (definition_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

DROP INDEX tasks_claim_idx;
CREATE INDEX tasks_claim_idx ON tasks (priority DESC, due_at, id, definition_id) WHERE due_at IS NOT NULL;

-- Schedules (docs/schedules.md): a definition triggered on a cron expression. The row holds
-- the declaration and the tick state; a tick advances next_run_at by compare-and-set in the
-- transaction that inserts its task, so each tick creates its task once.

CREATE TABLE stint_schedules (
  id               TEXT    NOT NULL PRIMARY KEY,
  definition_id    TEXT    NOT NULL,
  cron             TEXT    NOT NULL,
  timezone         TEXT    NOT NULL,
  input            TEXT    NOT NULL,
  name             TEXT,
  enabled          INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  overlap          TEXT    NOT NULL CHECK (overlap IN ('allow', 'skip')),
  backfill_seconds INTEGER NOT NULL DEFAULT 0 CHECK (backfill_seconds >= 0),
  source           TEXT    NOT NULL CHECK (source IN ('config', 'api')),
  -- NULL while disabled (or when the cron never runs again).
  next_run_at      INTEGER,
  last_run_at      INTEGER,
  -- No foreign key: the schedule outlives a deleted task (overlap then sees none running).
  last_task_id     TEXT,
  created_on       INTEGER NOT NULL,
  saved_on         INTEGER NOT NULL
) STRICT;

-- The ticker's "what is due next": only enabled schedules have a next_run_at.
CREATE INDEX stint_schedules_due ON stint_schedules (next_run_at, definition_id) WHERE next_run_at IS NOT NULL;

-- Schedules (docs/schedules.md): a definition triggered on a cron expression. The row holds
-- the declaration and the tick state; a tick advances next_run_at by compare-and-set in the
-- transaction that inserts its task, so each tick creates its task once across processes.

CREATE TABLE schedules (
  id               text COLLATE "C" NOT NULL PRIMARY KEY,
  definition_id    text COLLATE "C" NOT NULL,
  cron             text COLLATE "C" NOT NULL,
  timezone         text COLLATE "C" NOT NULL,
  input            jsonb            NOT NULL,
  name             text COLLATE "C",
  enabled          boolean          NOT NULL,
  overlap          text COLLATE "C" NOT NULL CHECK (overlap IN ('allow', 'skip')),
  backfill_seconds integer          NOT NULL DEFAULT 0 CHECK (backfill_seconds >= 0),
  source           text COLLATE "C" NOT NULL CHECK (source IN ('config', 'api')),
  -- NULL while disabled (or when the cron never runs again).
  next_run_at      timestamptz,
  last_run_at      timestamptz,
  -- No foreign key: the schedule outlives a deleted task (overlap then sees none running).
  last_task_id     text COLLATE "C",
  created_on       timestamptz      NOT NULL,
  saved_on         timestamptz      NOT NULL
);

-- The ticker's "what is due next": only enabled schedules have a next_run_at.
CREATE INDEX schedules_due_idx ON schedules (next_run_at, definition_id) WHERE next_run_at IS NOT NULL;

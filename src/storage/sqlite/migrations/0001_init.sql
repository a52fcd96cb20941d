-- Tasks, their log records and log items. Times are integer epoch ms; JSON is TEXT.
-- Row semantics: docs/storage.md "The task row".

CREATE TABLE stint_tasks (
  id               TEXT    NOT NULL PRIMARY KEY,
  name             TEXT    NOT NULL,
  definition_id    TEXT    NOT NULL,
  -- No foreign key: a child outlives a deleted parent.
  parent_id        TEXT,
  execution_name   TEXT    NOT NULL DEFAULT '',
  iterations       INTEGER NOT NULL DEFAULT 0,
  max_iterations   INTEGER NOT NULL,
  input            TEXT    NOT NULL,
  output           TEXT,
  status           TEXT    NOT NULL
                   CHECK (status IN ('pending', 'running', 'success', 'failed', 'aborted')),
  started_on       INTEGER,
  finished_on      INTEGER,
  event_response   TEXT,
  created_on       INTEGER NOT NULL,
  saved_on         INTEGER NOT NULL,
  created_by       TEXT    NOT NULL,
  -- Lists filter and sort on the identity's id (docs/storage.md "Lists").
  created_by_id    TEXT    GENERATED ALWAYS AS (json_extract(created_by, '$.id')) VIRTUAL,
  progress         TEXT,
  run_at           INTEGER NOT NULL,
  attempt          INTEGER NOT NULL DEFAULT 0,
  lease_owner      TEXT,
  lease_token      INTEGER NOT NULL DEFAULT 0,
  lease_expires_at INTEGER,
  due_at           INTEGER,
  hook_pending     INTEGER NOT NULL DEFAULT 0 CHECK (hook_pending IN (0, 1))
) STRICT;

-- The claim index: only rows a worker has something to do with, oldest due first;
-- definition_id rides along so other definitions' rows are skipped inside the index.
CREATE INDEX stint_tasks_due ON stint_tasks (due_at, id, definition_id) WHERE due_at IS NOT NULL;
-- Default list order (createdOn_DESC) and its keyset cursor.
CREATE INDEX stint_tasks_created ON stint_tasks (created_on DESC, id DESC);
CREATE INDEX stint_tasks_parent ON stint_tasks (parent_id);
-- The common filters, each paged in the default order.
CREATE INDEX stint_tasks_definition ON stint_tasks (definition_id, created_on DESC, id DESC);
CREATE INDEX stint_tasks_status ON stint_tasks (status, created_on DESC, id DESC);

CREATE TABLE stint_logs (
  id             TEXT    NOT NULL PRIMARY KEY,
  task_id        TEXT    NOT NULL REFERENCES stint_tasks (id) ON DELETE CASCADE,
  iteration      INTEGER NOT NULL,
  execution_name TEXT    NOT NULL,
  created_on     INTEGER NOT NULL,
  created_by     TEXT    NOT NULL,
  -- One record per iteration; logAppend finds or creates it by this key.
  UNIQUE (task_id, iteration)
) STRICT;

CREATE INDEX stint_logs_created ON stint_logs (created_on DESC, id DESC);

CREATE TABLE stint_log_items (
  log_id     TEXT    NOT NULL REFERENCES stint_logs (id) ON DELETE CASCADE,
  -- Append order inside the record, 1-based.
  seq        INTEGER NOT NULL,
  type       TEXT    NOT NULL CHECK (type IN ('info', 'error')),
  message    TEXT    NOT NULL,
  created_on INTEGER NOT NULL,
  data       TEXT,
  error      TEXT,
  attempt    INTEGER,
  PRIMARY KEY (log_id, seq)
) STRICT, WITHOUT ROWID;

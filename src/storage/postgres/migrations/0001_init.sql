-- Tasks, their log records and log items.
-- Runs with search_path set to the adapter's schema (names stay unqualified here).
-- Times are timestamptz: ms precision round-trips, and they read as times in psql.
-- JSON is jsonb. Text is COLLATE "C" (byte order, as SQLite compares), so both adapters
-- sort and page lists alike whatever the database's locale.
-- Row semantics: docs/storage.md "The task row".

CREATE TABLE tasks (
  id               text COLLATE "C" NOT NULL PRIMARY KEY,
  name             text COLLATE "C" NOT NULL,
  definition_id    text COLLATE "C" NOT NULL,
  -- No foreign key: a child outlives a deleted parent.
  parent_id        text COLLATE "C",
  execution_name   text COLLATE "C" NOT NULL DEFAULT '',
  iterations       integer          NOT NULL DEFAULT 0,
  max_iterations   integer          NOT NULL,
  input            jsonb            NOT NULL,
  output           jsonb,
  status           text COLLATE "C" NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'success', 'failed', 'aborted')),
  started_on       timestamptz,
  finished_on      timestamptz,
  event_response   jsonb,
  created_on       timestamptz      NOT NULL,
  saved_on         timestamptz      NOT NULL,
  created_by       jsonb            NOT NULL,
  progress         jsonb,
  run_at           timestamptz      NOT NULL,
  attempt          integer          NOT NULL DEFAULT 0,
  lease_owner      text COLLATE "C",
  lease_token      integer          NOT NULL DEFAULT 0,
  lease_expires_at timestamptz,
  due_at           timestamptz,
  hook_pending     boolean          NOT NULL DEFAULT false
);

-- The claim: only rows a worker has something to do with, in claim order (due_at, id);
-- definition_id rides along so other workers' definitions are skipped inside the index.
CREATE INDEX tasks_claim_idx ON tasks (due_at, id, definition_id) WHERE due_at IS NOT NULL;
-- Default list order (createdOn_DESC) and its keyset cursor.
CREATE INDEX tasks_created_idx ON tasks (created_on DESC, id DESC);
-- Child tasks of a parent, newest first (listChildTasks).
CREATE INDEX tasks_parent_idx ON tasks (parent_id, created_on DESC, id DESC) WHERE parent_id IS NOT NULL;
-- The common filters, each paged in the default order.
CREATE INDEX tasks_definition_idx ON tasks (definition_id, created_on DESC, id DESC);
CREATE INDEX tasks_status_idx ON tasks (status, created_on DESC, id DESC);

CREATE TABLE task_logs (
  id             text COLLATE "C" NOT NULL PRIMARY KEY,
  task_id        text COLLATE "C" NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  iteration      integer          NOT NULL,
  execution_name text COLLATE "C" NOT NULL,
  created_on     timestamptz      NOT NULL,
  created_by     jsonb            NOT NULL,
  -- One record per iteration; logAppend finds or creates it by this key.
  CONSTRAINT task_logs_task_iteration_key UNIQUE (task_id, iteration)
);

CREATE INDEX task_logs_created_idx ON task_logs (created_on DESC, id DESC);

CREATE TABLE task_log_items (
  -- Append order (global): concurrent appends take distinct values and never collide.
  seq        bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  log_id     text COLLATE "C" NOT NULL REFERENCES task_logs (id) ON DELETE CASCADE,
  type       text COLLATE "C" NOT NULL CHECK (type IN ('info', 'error')),
  message    text             NOT NULL,
  created_on timestamptz      NOT NULL,
  -- SQL NULL: the item had no such field; JSON null: it had one, set to null.
  data       jsonb,
  error      jsonb,
  attempt    integer
);

CREATE INDEX task_log_items_log_idx ON task_log_items (log_id, seq);

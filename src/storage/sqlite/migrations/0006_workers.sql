-- The worker registry (docs/workers.md): one row per running worker, written by the
-- heartbeat it already sends (in the lease renewal's transaction, claims.ts), so a worker
-- costs no transaction of its own. A worker that stops cleanly deletes its row; one that
-- dies stops beating, is shown "gone" once its lease has passed, and its row is deleted
-- by any other worker's beat an hour (or ten leases, if longer) after its last.
-- Times are epoch milliseconds, as in stint_tasks.
CREATE TABLE stint_workers (
  worker_id     TEXT    NOT NULL PRIMARY KEY,
  host          TEXT    NOT NULL,
  pid           INTEGER NOT NULL,
  version       TEXT    NOT NULL,
  started_at    INTEGER NOT NULL,
  concurrency   INTEGER NOT NULL CHECK (concurrency > 0),
  lease_ms      INTEGER NOT NULL CHECK (lease_ms > 0),
  heartbeat_ms  INTEGER NOT NULL CHECK (heartbeat_ms > 0),
  last_beat_at  INTEGER NOT NULL,
  -- The ids of the tasks it held at its last beat, as a JSON array.
  tasks         TEXT    NOT NULL DEFAULT '[]'
) STRICT;

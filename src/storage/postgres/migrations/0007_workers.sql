-- The worker registry (docs/workers.md): one row per running worker, written by the
-- heartbeat it already sends (folded into the lease renewal, claim.ts RENEW_BEAT), so a
-- worker costs no round trip of its own. A worker that stops cleanly deletes its row;
-- one that dies stops beating, is shown "gone" once its lease has passed, and its row is
-- deleted by any other worker's beat an hour (or ten leases, if longer) after its last.
--
-- UNLOGGED like worker_slots: the registry is rewritten every beat and needs no WAL (a
-- beat costs no fsync). After a server crash it is empty until each worker's next beat.
CREATE UNLOGGED TABLE workers (
  worker_id     text COLLATE "C" NOT NULL PRIMARY KEY,
  host          text             NOT NULL,
  pid           integer          NOT NULL,
  version       text             NOT NULL,
  started_at    timestamptz      NOT NULL,
  concurrency   integer          NOT NULL CHECK (concurrency > 0),
  lease_ms      bigint           NOT NULL CHECK (lease_ms > 0),
  heartbeat_ms  bigint           NOT NULL CHECK (heartbeat_ms > 0),
  last_beat_at  timestamptz      NOT NULL,
  -- The ids of the tasks it held at its last beat.
  tasks         text[] COLLATE "C" NOT NULL DEFAULT '{}'
);

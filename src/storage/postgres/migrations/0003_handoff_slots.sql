-- Handoff: an idle worker offers a slot, and a trigger of a task due now that finds one
-- stores the task already claimed by that worker and sends it the task in its NOTIFY, so
-- the worker starts run() without a claim round trip (docs/storage.md "Handoff").
--
-- One row per idle worker: written by that worker's claims (offered while it has run
-- slots free, deleted when it has none), taken from by triggers. A worker that dies
-- leaves its row until `expires_at` (at most 10 s); a task handed to it in that window
-- is taken over when its lease expires, as after a crash just after a claim.
--
-- UNLOGGED: offers are ephemeral (every claim renews them), so they need no WAL. A
-- transaction that writes only this table commits without waiting for a WAL flush: an
-- idle worker renewing its offer costs no fsync, and holds the row (which triggers skip
-- while it is locked) for microseconds, not for a flush. After a server crash the table
-- is empty and the workers offer again with their next claim; tasks handed out before
-- the crash are then taken over when their lease expires.
CREATE UNLOGGED TABLE worker_slots (
  worker_id      text COLLATE "C" NOT NULL PRIMARY KEY,
  -- The definitions the worker runs: a trigger only takes a slot that can run its task.
  definition_ids text[] COLLATE "C" NOT NULL,
  -- How many more tasks triggers may hand over before the worker's next claim.
  free           integer          NOT NULL CHECK (free >= 0),
  -- The lease a handed task starts with (the worker's leaseMs).
  lease_ms       bigint           NOT NULL CHECK (lease_ms > 0),
  expires_at     timestamptz      NOT NULL,
  -- Tasks handed over since the worker's last claim: that claim returns the ones whose
  -- notification may not have arrived (a LISTEN connection can die unnoticed).
  handed         text[] COLLATE "C" NOT NULL DEFAULT '{}'
);

-- Retention (docs/run-history.md "Retention and self-cleanup").
--
-- settings: one row (id = 1) of values changed at run time and read by every process.
-- retention_days NULL means "never set": the config's `retention.days` applies.
CREATE TABLE settings (
  id             smallint    NOT NULL PRIMARY KEY CHECK (id = 1),
  retention_days integer     CHECK (retention_days BETWEEN 0 AND 3650),
  saved_on       timestamptz NOT NULL
);

-- Named leases for jobs at most one process may run at a time (the retention sweep):
-- taken or renewed by compare-and-set (free, expired, or already the holder's), so a
-- holder that dies stops renewing and another takes over once expires_at has passed.
CREATE TABLE leases (
  name       text COLLATE "C" NOT NULL PRIMARY KEY,
  holder     text COLLATE "C" NOT NULL,
  expires_at timestamptz      NOT NULL
);

-- No index for the sweep: it walks tasks_status_idx (status, created_on) for the
-- finished statuses up to the cutoff (a task finishes after it was created, so
-- created_on < cutoff bounds the walk), and one more index every finish must update
-- would cost the hot path more than the sweep gains.

-- Retention (docs/run-history.md "Retention and self-cleanup").
--
-- stint_settings: one row (id = 1) of values changed at run time and read by every
-- process. retention_days NULL means "never set": the config's `retention.days` applies.
CREATE TABLE stint_settings (
  id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  retention_days INTEGER CHECK (retention_days BETWEEN 0 AND 3650),
  saved_on       INTEGER NOT NULL
) STRICT;

-- Named leases for jobs at most one process may run at a time (the retention sweep):
-- taken or renewed by compare-and-set (free, expired, or already the holder's), so a
-- holder that dies stops renewing and another takes over once expires_at has passed.
CREATE TABLE stint_leases (
  name       TEXT    NOT NULL PRIMARY KEY,
  holder     TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

-- No index for the sweep: it walks stint_tasks_status (status, created_on) for the
-- finished statuses up to the cutoff; one more index every finish must update would
-- cost the hot path more than the sweep gains.

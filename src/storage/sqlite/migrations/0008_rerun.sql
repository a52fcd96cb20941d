-- Re-run (docs/run-history.md "Re-run").
--
-- triggered_input: the input as first triggered, kept once a finish or an update first
-- changes `input` (the checkpoint). NULL until then, and for every task whose input never
-- changes: reads take `input` in its place, so a task pays for the copy only when it has
-- two different inputs to keep.
ALTER TABLE stint_tasks ADD COLUMN triggered_input TEXT;
-- rerun_of: the id of the task this one re-runs (no foreign key: the original may be
-- deleted and its re-runs stay).
ALTER TABLE stint_tasks ADD COLUMN rerun_of TEXT;

-- A list filter (`rerunOf`): partial, so the tasks that are no re-run cost no entry.
CREATE INDEX stint_tasks_rerun_of ON stint_tasks (rerun_of, created_on DESC, id DESC) WHERE rerun_of IS NOT NULL;

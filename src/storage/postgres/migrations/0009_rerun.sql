-- Re-run (docs/run-history.md "Re-run").
--
-- triggered_input: the input as first triggered, kept once a finish or an update first
-- changes `input` (the checkpoint). NULL until then, and for every task whose input never
-- changes: reads take `input` in its place, so a task pays for the copy only when it has
-- two different inputs to keep. Adding nullable columns without a default rewrites nothing.
ALTER TABLE tasks ADD COLUMN triggered_input jsonb;
-- rerun_of: the id of the task this one re-runs (no foreign key: the original may be
-- deleted and its re-runs stay). COLLATE "C" like every other text column (0001_init.sql).
ALTER TABLE tasks ADD COLUMN rerun_of text COLLATE "C";

-- A list filter (`rerunOf`): partial, so the tasks that are no re-run cost no entry.
CREATE INDEX tasks_rerun_of_idx ON tasks (rerun_of, created_on DESC, id DESC) WHERE rerun_of IS NOT NULL;

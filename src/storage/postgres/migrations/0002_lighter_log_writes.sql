-- Lighter writes to the log tables, which every finished iteration appends to.
--
-- The foreign keys go: PostgreSQL checks each inserted row with a trigger that runs one
-- query per row, and in a 500-task finish those checks were over half of the server's
-- work (a CPU profile of the drain benchmark: 26 % of all samples were in
-- AfterTriggerEndQuery). The adapter keeps what they guaranteed itself:
-- - a record is only created for a task the same statement has locked (FOR KEY SHARE,
--   the lock the check took, or the finish's own row lock), so a task deleted meanwhile
--   gets none and the delete waits for an append in flight;
-- - items are only inserted for records the same statement found or created;
-- - deleting a task deletes its records and items (tasks.ts), as ON DELETE CASCADE did.
ALTER TABLE task_log_items DROP CONSTRAINT task_log_items_log_id_fkey;
ALTER TABLE task_logs DROP CONSTRAINT task_logs_task_id_fkey;

-- Items are only ever read through their record (task_log_items_log_idx, in seq order);
-- the primary key index on seq was one more index entry per item that nothing read.
-- seq stays an identity column: unique by construction, and the order of appends.
ALTER TABLE task_log_items DROP CONSTRAINT task_log_items_pkey;

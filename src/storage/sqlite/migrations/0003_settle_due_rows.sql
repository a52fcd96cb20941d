-- A settled task (terminal, with no hook owed) has no due time. Before this version, a
-- lease hand-back that arrived after a finish had committed could leave one, and such a
-- row was claimed again as a hook every lease period, for ever. Hand-backs and claims now
-- leave settled rows alone; this clears what older versions left.
UPDATE stint_tasks
SET due_at = NULL, lease_expires_at = NULL, lease_owner = NULL
WHERE due_at IS NOT NULL AND status IN ('success', 'failed', 'aborted') AND hook_pending = 0;

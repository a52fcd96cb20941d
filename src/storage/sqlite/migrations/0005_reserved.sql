-- Placeholder: this number belongs to another branch's migration (issue 20, flow control
-- and schedules), which replaces this file when both land. It changes nothing.
SELECT 1;

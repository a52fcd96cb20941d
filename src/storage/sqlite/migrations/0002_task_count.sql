-- The number of tasks, kept by triggers, so that an unfiltered list's totalCount is read
-- instead of counted: COUNT(*) walks a whole index, ~18 ms at 1,000,000 tasks (the
-- benchmark's list page, docs/benchmarks.md), for the list every dashboard opens on.
-- SQLite runs one writer at a time, so this one row is no point of contention (PostgreSQL
-- estimates instead: a counter row there would serialize every trigger).

CREATE TABLE stint_task_count (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  n  INTEGER NOT NULL CHECK (n >= 0)
) STRICT;

INSERT INTO stint_task_count (id, n) SELECT 1, COUNT(*) FROM stint_tasks;

CREATE TRIGGER stint_tasks_count_insert AFTER INSERT ON stint_tasks
BEGIN
  UPDATE stint_task_count SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER stint_tasks_count_delete AFTER DELETE ON stint_tasks
BEGIN
  UPDATE stint_task_count SET n = n - 1 WHERE id = 1;
END;

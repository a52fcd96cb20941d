-- A parent waiting for its children (`continue(input, { waitForChildren: true })`,
-- docs/run-history.md): the lease token of the wait. The parent waits while this equals
-- its lease_token and it is still running unclaimed; any claim (a timeout's) or abort
-- moves the token on, so a stale wait is never woken. NULL: not waiting. Nullable, no
-- default: adding it rewrites nothing.
ALTER TABLE tasks ADD COLUMN children_wait_token integer;

-- "Does this parent still have an unfinished child?": asked at every finish of a child
-- whose parent waits. Only unfinished children are in it, so the answer is one probe,
-- however many finished children the parent has.
CREATE INDEX tasks_unfinished_children_idx ON tasks (parent_id)
  WHERE parent_id IS NOT NULL AND status IN ('pending', 'running');

/**
 * The task record as user code sees it: Webiny's shape (WEBINY-COMPAT "Task record").
 * Dates are ISO strings and absent fields are `undefined`, as Webiny's stored records
 * are and as the GraphQL API returns them. Stint keeps `Date`s and `null`s inside (the
 * stores and the runner compare times); this is the one place they are turned outward,
 * for run params, hooks and TaskService results.
 */
import type { Identity, Task, TaskInput, TaskOutput, TaskProgress, TaskStatus } from "./task.js";

/** A task as user code sees it (run params, hooks, TaskService results): Webiny's shape, dates as ISO strings, absent fields `undefined`. */
export interface TaskRecord<I = TaskInput, O = TaskOutput> {
  id: string;
  name: string;
  definitionId: string;
  parentId?: string;
  /** The worker identity that ran (or runs) the task's latest iteration; "" before the first. */
  executionName: string;
  /** Iterations started; a re-run of the same iteration after a crash does not count. */
  iterations: number;
  input: I;
  output?: O;
  taskStatus: TaskStatus;
  /** ISO 8601. */
  startedOn?: string;
  /** ISO 8601. */
  finishedOn?: string;
  eventResponse?: Record<string, unknown>;
  /** ISO 8601. */
  createdOn: string;
  /** ISO 8601. */
  savedOn: string;
  createdBy: Identity;
  /** Stint: what `controller.progress.set()` stored last. */
  progress?: TaskProgress;
  /** Stint: the limit copied from the definition at trigger time. */
  maxIterations: number;
  /** Stint: when the next iteration may start (ISO 8601). */
  runAt: string;
  /** Stint: the attempt of the current iteration (1 unless a worker died mid-iteration). */
  attempt: number;
  /** Stint (flow control): higher is claimed first among due tasks; default 0. */
  priority: number;
  /** Stint (flow control): the trigger's idempotency key, if any (released once a later trigger's TTL passed it over). */
  idempotencyKey?: string;
  /** Stint (flow control): the group its definition's concurrency limit counts it in. */
  concurrencyKey?: string;
  /** Stint (re-run): the input as first triggered; equal to `input` until a continue or `updateInput()` changed it. */
  triggeredInput: I;
  /** Stint (re-run): the id of the task this one re-runs (`stint.tasks.rerun`). */
  rerunOf?: string;
}

/** The stored task in Webiny's outward shape. Values are shared, not copied. */
export function toTaskRecord<I = TaskInput, O = TaskOutput>(task: Task<I, O>): TaskRecord<I, O> {
  const record: TaskRecord<I, O> = {
    id: task.id,
    name: task.name,
    definitionId: task.definitionId,
    parentId: task.parentId ?? undefined,
    executionName: task.executionName,
    iterations: task.iterations,
    input: task.input,
    output: task.output ?? undefined,
    taskStatus: task.taskStatus,
    startedOn: task.startedOn ? task.startedOn.toISOString() : undefined,
    finishedOn: task.finishedOn ? task.finishedOn.toISOString() : undefined,
    eventResponse: task.eventResponse ?? undefined,
    createdOn: task.createdOn.toISOString(),
    savedOn: task.savedOn.toISOString(),
    createdBy: task.createdBy,
    progress: task.progress ?? undefined,
    maxIterations: task.maxIterations,
    runAt: task.runAt.toISOString(),
    attempt: task.attempt,
    priority: task.priority,
    idempotencyKey: task.idempotencyKey ?? undefined,
    concurrencyKey: task.concurrencyKey ?? undefined,
    triggeredInput: task.triggeredInput,
    rerunOf: task.rerunOf ?? undefined,
  };
  return record;
}

/**
 * The task record: one stored run of a definition. Field names are Webiny's
 * (WEBINY-COMPAT "Task record") so GraphQL clients and ported code see the same shape.
 */

/** A task's status: `pending` (waiting to run), `running`, and the terminal `success`, `failed`, `aborted`. */
export const TaskStatus = {
  Pending: "pending",
  Running: "running",
  Success: "success",
  Failed: "failed",
  Aborted: "aborted",
} as const;
/** One of the {@link TaskStatus} values. */
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

/** Every status, in lifecycle order. */
export const TASK_STATUSES: readonly TaskStatus[] = Object.values(TaskStatus);
/** The statuses a task never leaves. */
export const TERMINAL_STATUSES: readonly TaskStatus[] = [
  TaskStatus.Success,
  TaskStatus.Failed,
  TaskStatus.Aborted,
];

/** True for `success`, `failed` and `aborted`: the task is finished. */
export function isTerminalStatus(status: TaskStatus): boolean {
  return status === "success" || status === "failed" || status === "aborted";
}

// `any` values, not `unknown`: users' own `interface`s (which have no index signature)
// must pass where a task input or output is expected.
/** A task's input: a JSON object. */
export type TaskInput = Record<string, any>;
/** A task's output: a JSON object. */
export type TaskOutput = Record<string, any>;

/** Who triggered a task (`createdBy`): an API key's name, or the system. */
export interface Identity {
  id: string;
  displayName: string;
  type: string | null;
}

/** Stint addition: what `controller.progress.set()` stored last. */
export interface TaskProgress {
  done: number;
  total?: number;
  message?: string;
}

/** A stored task: one run of a definition, with its input, output, status and timestamps (Webiny's field names). */
export interface Task<I = TaskInput, O = TaskOutput> {
  id: string;
  name: string;
  definitionId: string;
  parentId: string | null;
  /** The worker identity that ran (or runs) the task's latest iteration; "" before the first. */
  executionName: string;
  /** Iterations started; a re-run of the same iteration after a crash does not count. */
  iterations: number;
  input: I;
  output: O | null;
  taskStatus: TaskStatus;
  startedOn: Date | null;
  finishedOn: Date | null;
  eventResponse: Record<string, unknown> | null;
  createdOn: Date;
  savedOn: Date;
  createdBy: Identity;
  progress: TaskProgress | null;
  /** Stint: the limit copied from the definition at trigger time. */
  maxIterations: number;
  /** Stint: when the next iteration may start (the delay / the continue wait). */
  runAt: Date;
  /** Stint: the attempt of the current iteration (1 unless a worker died mid-iteration). */
  attempt: number;
  /** Stint (flow control): higher is claimed first among due tasks; default 0. */
  priority: number;
  /** Stint (flow control): the trigger's idempotency key; null without one, or once a later trigger released it (TTL). */
  idempotencyKey: string | null;
  /** Stint (flow control): the group its definition's concurrency limit counts it in; null without a limit. */
  concurrencyKey: string | null;
  /**
   * Stint (re-run): the input as first triggered. The same object as `input` until a
   * continue or `updateInput()` first changed the stored input (docs/run-history.md).
   */
  triggeredInput: I;
  /** Stint (re-run): the id of the task this one re-runs; null for a task triggered anew. */
  rerunOf: string | null;
}

/** The identity of tasks triggered by Stint itself or without an API key. */
export const SYSTEM_IDENTITY: Identity = Object.freeze({
  id: "stint",
  displayName: "Stint",
  type: "system",
}) as Identity;

/**
 * What an iteration returns: one of four outcomes, as a discriminated union. The
 * controller's `response` builds them; the runner turns them into a stored transition.
 */
import type { TaskInput, TaskOutput } from "../domain/task.js";

/** The error a failed task stores (`eventResponse.error`): a message, optionally a code and data. */
export interface TaskResponseError {
  message: string;
  code?: string;
  data?: unknown;
}

/** The outcome `done`: the task succeeded with `output`. */
export interface ResponseDone<O = TaskOutput> {
  readonly status: "done";
  readonly message: string;
  readonly output: O | undefined;
}
/** The outcome `continue`: a checkpoint, the next iteration runs with the merged input. */
export interface ResponseContinue<I = TaskInput> {
  readonly status: "continue";
  readonly input: Partial<I>;
  /**
   * Milliseconds to wait before the next iteration (0 = none), already clamped. With
   * `waitForChildren`: the longest wait for the children (0 = no timeout).
   */
  readonly waitMs: number;
  /** The next iteration waits until every child of the task has finished (or `waitMs` passes). */
  readonly waitForChildren?: true;
}
/** The outcome `error`: the task failed (or is retried). */
export interface ResponseError {
  readonly status: "error";
  readonly error: TaskResponseError;
}
/** The outcome `aborted`. */
export interface ResponseAborted {
  readonly status: "aborted";
}

/** What one iteration returns: one of the four outcomes. */
export type TaskResponse<O = TaskOutput, I = TaskInput> =
  | ResponseDone<O>
  | ResponseContinue<I>
  | ResponseError
  | ResponseAborted;

/**
 * When the next iteration of a `continue` runs: after `seconds`, at `date`, or once every
 * child of the task has finished (`waitForChildren`), at the latest after `seconds` when
 * given (docs/run-history.md "Waiting for children").
 */
export type ContinueOptions =
  | { seconds: number }
  | { date: Date | string | number }
  | { waitForChildren: true; seconds?: number };

/**
 * Webiny v6's plain `TaskDefinition.Result` objects, which `run()` may return instead of
 * calling `controller.response`: the runner stores them alike (`readResult`). `wait` is in
 * seconds, as Webiny's; a Date is taken as the time to wait until.
 */
export interface ResultDone<O = TaskOutput> {
  status: "done";
  message?: string;
  output?: O;
}
/** A plain `{ status: "continue", input, wait? }` result: a checkpoint, the next iteration after `wait` seconds (or at a Date). */
export interface ResultContinue<I = TaskInput> {
  status: "continue";
  input: Partial<I>;
  wait?: number | Date;
  message?: string;
}
/** A plain `{ status: "error", error? }` result: the task fails. */
export interface ResultError {
  status: "error";
  error?: TaskResponseError | Error | string;
  message?: string;
}
/** A plain `{ status: "aborted" }` result. */
export interface ResultAborted {
  status: "aborted";
  message?: string;
}
/** A plain Webiny v6 result object that `run()` may return instead of a `controller.response` value. */
export type TaskResult<O = TaskOutput, I = TaskInput> = ResultDone<O> | ResultContinue<I> | ResultError | ResultAborted;

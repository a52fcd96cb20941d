/**
 * What an iteration returns: one of four outcomes, as a discriminated union. The
 * controller's `response` builds them; the runner turns them into a stored transition.
 */
import type { TaskInput, TaskOutput } from "../domain/task.js";

export interface TaskResponseError {
  message: string;
  code?: string;
  data?: unknown;
}

export interface ResponseDone<O = TaskOutput> {
  readonly status: "done";
  readonly message: string;
  readonly output: O | undefined;
}
export interface ResponseContinue<I = TaskInput> {
  readonly status: "continue";
  readonly input: Partial<I>;
  /** Milliseconds to wait before the next iteration (0 = none), already clamped. */
  readonly waitMs: number;
}
export interface ResponseError {
  readonly status: "error";
  readonly error: TaskResponseError;
}
export interface ResponseAborted {
  readonly status: "aborted";
}

export type TaskResponse<O = TaskOutput, I = TaskInput> =
  | ResponseDone<O>
  | ResponseContinue<I>
  | ResponseError
  | ResponseAborted;

export type ContinueOptions = { seconds: number } | { date: Date | string | number };

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
export interface ResultContinue<I = TaskInput> {
  status: "continue";
  input: Partial<I>;
  wait?: number | Date;
  message?: string;
}
export interface ResultError {
  status: "error";
  error?: TaskResponseError | Error | string;
  message?: string;
}
export interface ResultAborted {
  status: "aborted";
  message?: string;
}
export type TaskResult<O = TaskOutput, I = TaskInput> = ResultDone<O> | ResultContinue<I> | ResultError | ResultAborted;

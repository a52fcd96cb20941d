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

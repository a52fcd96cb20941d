/**
 * Turns whatever `run()` resolved to into a `TaskResponse` the runner can store. Two
 * shapes are honoured alike: what `controller.response.*` builds, and Webiny v6's plain
 * `TaskDefinition.Result` objects (`{ status: "done", message?, output? }`, `{ status:
 * "continue", input, wait? }` with `wait` in seconds, `{ status: "error", error }`,
 * `{ status: "aborted" }`). Anything else (undefined, a string, an unknown status, a wait
 * that is neither seconds nor a Date, an output or input JSON cannot hold) becomes an
 * error response naming what was returned: the iteration fails instead of leaving the
 * task `running` (deliberate, like `response.error()`, so never retried).
 */
import type { TaskInput, TaskOutput } from "../domain/task.js";
import { ErrorCode, MAX_DELAY_SECONDS } from "../domain/errors.js";
import { DEFAULT_DONE_MESSAGE } from "./response.js";
import { shapeError } from "./error-shape.js";
import { nameValue } from "./name-value.js";
import { findNonJson } from "./non-json.js";
import type { ResponseError, TaskResponse } from "./types.js";

const MAX_WAIT_MS = MAX_DELAY_SECONDS * 1000;
/** Webiny: a wait under one second is no wait at all. */
const MIN_WAIT_MS = 1000;

const RESULT_SHAPES =
  'controller.response.done/continue/error/aborted() or a { status: "done" | "continue" | "error" | "aborted" } object';

export function readResult(value: unknown, now: number): TaskResponse {
  if (value === null || typeof value !== "object") return invalid(`run() must return ${RESULT_SHAPES}; it returned ${nameValue(value)}.`);
  const result = value as Record<string, unknown>;
  let status: unknown;
  try {
    status = result.status;
  } catch {
    status = undefined;
  }
  switch (status) {
    case "done":
      return readDone(result);
    case "continue":
      return readContinue(result, now);
    case "error":
      return readError(result);
    case "aborted":
      return result as unknown as TaskResponse;
    default:
      return invalid(
        `run() must return ${RESULT_SHAPES}; it returned ${nameValue(value)}${
          status === undefined ? " without a status" : ` with status ${nameValue(status)}`
        }.`,
      );
  }
}

function readDone(result: Record<string, unknown>): TaskResponse {
  const { message, output } = result;
  if (message !== undefined && message !== null && typeof message !== "string") {
    return invalid(`A done result's message must be a string; it is ${nameValue(message)}.`);
  }
  if (output !== undefined && output !== null && (typeof output !== "object" || output instanceof Date)) {
    return invalid(`A done result's output must be an object; it is ${nameValue(output)}.`);
  }
  const problem = findNonJson(output, "output");
  if (problem) return invalid(`A done result's output cannot be stored as JSON: ${problem}.`);
  const stored = isEmptyObject(output) ? undefined : (output as TaskOutput);
  // The controller's own responses already have this shape: no copy on the hot path.
  if (typeof message === "string" && message !== "" && stored === output) return result as unknown as TaskResponse;
  return { status: "done", message: typeof message === "string" && message !== "" ? message : DEFAULT_DONE_MESSAGE, output: stored };
}

function readContinue(result: Record<string, unknown>, now: number): TaskResponse {
  const input = result.input ?? {};
  if (typeof input !== "object" || Array.isArray(input) || input instanceof Date) {
    return invalid(`A continue result's input must be an object; it is ${nameValue(input)}.`);
  }
  const problem = findNonJson(input, "input");
  if (problem) return invalid(`A continue result's input cannot be stored as JSON: ${problem}.`);
  const { waitForChildren } = result;
  if (waitForChildren !== undefined && waitForChildren !== null && typeof waitForChildren !== "boolean") {
    return invalid(`A continue's waitForChildren must be true or false; it is ${nameValue(waitForChildren)}.`);
  }

  let waitMs: number;
  const { wait } = result;
  if (wait !== undefined && wait !== null) {
    // Webiny's `wait`: seconds. A Date is taken as the time to wait until.
    if (typeof wait === "number" && !Number.isNaN(wait)) waitMs = wait * 1000;
    else if (wait instanceof Date && !Number.isNaN(wait.getTime())) waitMs = wait.getTime() - now;
    else return invalid(`A continue result's wait must be a number of seconds or a Date; it is ${nameValue(wait)}.`);
  } else if (typeof result.waitMs === "number" && !Number.isNaN(result.waitMs)) {
    waitMs = result.waitMs; // controller.response.continue(): already clamped
  } else if (result.waitMs !== undefined) {
    return invalid(`A continue result's waitMs must be a number of milliseconds; it is ${nameValue(result.waitMs)}.`);
  } else {
    waitMs = 0;
  }
  waitMs = waitMs < MIN_WAIT_MS ? 0 : Math.round(Math.min(waitMs, MAX_WAIT_MS));
  if (input === result.input && waitMs === result.waitMs) return result as unknown as TaskResponse;
  // A wait for the children (controller.response.continue's option) survives the copy.
  if (result.waitForChildren === true) return { status: "continue", input: input as Partial<TaskInput>, waitMs, waitForChildren: true };
  return { status: "continue", input: input as Partial<TaskInput>, waitMs };
}

function readError(result: Record<string, unknown>): TaskResponse {
  const { error, message } = result;
  // Webiny 6.x: `{ status: "error", error }`; earlier 6.0 builds: `{ status: "error", message, error? }`.
  let shaped = error !== undefined && error !== null ? shapeError(error) : undefined;
  if (!shaped || (shaped.message === "Unknown error." && typeof message === "string" && message !== "")) {
    if (typeof message === "string" && message !== "") shaped = { ...shaped, message };
  }
  if (!shaped) return invalid("An error result must carry an error (or a message); it has neither.");
  if (findNonJson(shaped.data, "error.data")) {
    // The error still fails the task; only what cannot be stored is left out.
    const { data: _data, ...rest } = shaped;
    shaped = rest;
  }
  return { status: "error", error: shaped };
}

function invalid(message: string): ResponseError {
  return { status: "error", error: { message, code: ErrorCode.RunError } };
}

function isEmptyObject(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === "object" && !Array.isArray(value) && Object.keys(value as object).length === 0)
  );
}

/**
 * The `controller.response` a task's `run()` builds its outcome with. Each call only
 * describes the outcome; the runner stores it. The clock is injected so that waits given
 * as a date are computed against the same time the worker schedules with.
 */
import type { TaskController } from "../definition/types.js";
import type { TaskInput, TaskOutput } from "../domain/task.js";
import { MAX_DELAY_SECONDS } from "../domain/errors.js";
import { shapeError } from "./error-shape.js";
import type { ContinueOptions, ResponseAborted, ResponseContinue, ResponseDone, ResponseError } from "./types.js";

export const DEFAULT_DONE_MESSAGE = "Task done.";

const MAX_WAIT_MS = MAX_DELAY_SECONDS * 1000;
/** Webiny: a wait under one second is no wait at all. */
const MIN_WAIT_MS = 1000;

export interface CreateResponseOptions {
  /** Epoch milliseconds; defaults to `Date.now`. A `Clock` fits here as is. */
  now?: () => number;
}

export function createResponse<I = TaskInput, O = TaskOutput>(
  options: CreateResponseOptions = {},
): TaskController<I, O>["response"] {
  const now = options.now ?? Date.now;

  function done(output?: O): ResponseDone<O>;
  function done(message: string | undefined, output?: O): ResponseDone<O>;
  function done(first?: string | O, second?: O): ResponseDone<O> {
    // Webiny: an object alone is the output; otherwise the first argument is the message,
    // so done(undefined, output) stores the output.
    const hasMessage = typeof first === "string" || ((first === undefined || first === null) && second !== undefined);
    const message = typeof first === "string" && first !== "" ? first : DEFAULT_DONE_MESSAGE;
    const output = hasMessage ? second : (first as O | undefined);
    return { status: "done", message, output: storedOutput(output) };
  }

  return {
    done,
    continue(input: Partial<I>, continueOptions?: ContinueOptions): ResponseContinue<I> {
      const waitMs = waitMsFor(continueOptions, now);
      const waitForChildren = (continueOptions as { waitForChildren?: unknown } | undefined)?.waitForChildren;
      if (waitForChildren === true) return { status: "continue", input: input ?? {}, waitMs, waitForChildren: true };
      // Not a boolean: kept as given, so that the runner refuses it by name (readResult).
      if (waitForChildren !== undefined && waitForChildren !== false) {
        return { status: "continue", input: input ?? {}, waitMs, waitForChildren } as unknown as ResponseContinue<I>;
      }
      return { status: "continue", input: input ?? {}, waitMs };
    },
    error(error: unknown): ResponseError {
      return { status: "error", error: shapeError(error) };
    },
    aborted(): ResponseAborted {
      return { status: "aborted" };
    },
  };
}

/** Webiny stores an empty output object as no output at all. */
function storedOutput<O>(output: O | undefined): O | undefined {
  if (output === undefined || output === null) return undefined;
  if (typeof output === "object" && !Array.isArray(output) && Object.keys(output).length === 0) return undefined;
  return output;
}

/** Milliseconds until the next iteration: 0 under a second, clamped to 355 days. */
export function waitMsFor(options: ContinueOptions | undefined, now: () => number): number {
  if (!options || typeof options !== "object") return 0;
  let ms: number;
  if ("seconds" in options && options.seconds !== undefined) {
    ms = Number(options.seconds) * 1000;
  } else if ("date" in options) {
    ms = toEpochMs(options.date) - now();
  } else {
    return 0;
  }
  if (Number.isNaN(ms) || ms < MIN_WAIT_MS) return 0;
  return Math.round(Math.min(ms, MAX_WAIT_MS));
}

function toEpochMs(date: Date | string | number): number {
  if (date instanceof Date) return date.getTime();
  if (typeof date === "number") return date;
  if (typeof date === "string") return Date.parse(date);
  return Number.NaN;
}

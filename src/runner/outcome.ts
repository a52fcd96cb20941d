/**
 * Turns what an iteration produced (a response, a thrown value, a timeout, the max
 * iterations rule) into the values to store and the hooks to run afterwards.
 */
import type { Task, TaskInput, TaskOutput, TaskStatus } from "../domain/task.js";
import type { LogItem } from "../domain/log.js";
import type { TaskResponse, TaskResponseError } from "../response/types.js";
import { Errors, MAX_DELAY_SECONDS, type StintError } from "../domain/errors.js";
import type { ResolvedRetryPolicy } from "../definition/types.js";
import { limitOutputSize } from "../response/output-limit.js";
import { shapeThrown, stackOf, withStack } from "../response/error-shape.js";
import { readResult } from "../response/read-result.js";

export type HookName = "onDone" | "onError" | "onAbort" | "onMaxIterations";

export interface IterationOutcome {
  status: TaskStatus;
  input?: TaskInput;
  output?: TaskOutput | null;
  /** Clock time of the next iteration (continue only). */
  runAt?: number;
  /**
   * Continue only: the next iteration waits for every child to finish; `runAt` is then
   * the timeout (undefined: none).
   */
  waitForChildren?: true;
  iterations?: number;
  /** A retry: the same iteration runs again (as a new attempt) at this clock time. */
  retryAt?: number;
  /** Items the runner adds for the outcome (after the task's own). */
  logItems: Omit<LogItem, "createdOn" | "attempt">[];
  /** Hooks to call, in order, once the outcome is stored. */
  hooks: HookName[];
}

/**
 * `result` is whatever run() resolved to: a response, a plain Webiny v6 result, or
 * anything else (read by `readResult`, which turns what cannot be stored into an error).
 */
export function outcomeFromResponse(task: Task, result: unknown, now: number): IterationOutcome {
  const response: TaskResponse = readResult(result, now);
  switch (response.status) {
    case "done": {
      // No output: the stored one stays (one set earlier with state.updateOutput()), as
      // Webiny's database response skips an empty output.
      const output = isEmptyOutput(response.output) ? undefined : limitOutputSize(response.output as TaskOutput);
      return {
        status: "success",
        output,
        logItems: [{ type: "info", message: response.message }],
        hooks: ["onDone"],
      };
    }
    case "continue":
      if (response.waitForChildren) {
        const outcome: IterationOutcome = {
          status: "running",
          input: { ...task.input, ...(response.input as TaskInput) },
          waitForChildren: true,
          logItems: [{ type: "info", message: "Task continuing once its children have finished.", data: response.input }],
          hooks: [],
        };
        if (response.waitMs > 0) outcome.runAt = now + response.waitMs;
        return outcome;
      }
      return {
        status: "running",
        input: { ...task.input, ...(response.input as TaskInput) },
        runAt: now + response.waitMs,
        logItems: [{ type: "info", message: "Task continuing.", data: response.input }],
        hooks: [],
      };
    case "error":
      return failed(response.error);
    case "aborted": {
      // A plain v6 result may say why (`{ status: "aborted", message }`).
      const message = (response as { message?: unknown }).message;
      return {
        status: "aborted",
        logItems: [{ type: "info", message: typeof message === "string" && message !== "" ? message : "Task aborted." }],
        hooks: ["onAbort"],
      };
    }
    default:
      return failed({
        message: "run() must return one of controller.response.done/continue/error/aborted.",
        code: "TASK_RUN_ERROR",
      });
  }
}

/** A throw (or a rejection) of run(): the log item keeps the stack, the output does not. */
export function outcomeFromThrown(thrown: unknown): IterationOutcome {
  return failed(shapeThrown(thrown, "run()"), stackOf(thrown));
}

export function outcomeFromError(error: StintError): IterationOutcome {
  return failed({ message: error.message, code: error.code, ...(error.data ? { data: error.data } : {}) });
}

/** The task already started `maxIterations` iterations: fail without running another. */
export function outcomeMaxIterations(task: Task): IterationOutcome {
  const error = Errors.maxIterations();
  return {
    ...failed({ message: error.message, code: error.code }),
    iterations: task.maxIterations,
    hooks: ["onMaxIterations", "onError"],
  };
}

function failed(error: TaskResponseError, stack?: string): IterationOutcome {
  return {
    status: "failed",
    output: limitOutputSize({ error } as TaskOutput),
    logItems: [{ type: "error", message: error.message, error: withStack(error, stack) }],
    hooks: ["onError"],
  };
}

function isEmptyOutput(output: unknown): boolean {
  return (
    output === undefined ||
    output === null ||
    (typeof output === "object" && !Array.isArray(output) && Object.keys(output as object).length === 0)
  );
}

/**
 * Turns a failure (a throw or a timeout) into a retry when the definition's policy has
 * attempts left: the iteration runs again from the stored checkpoint, the error stays in
 * its log. Error responses (`response.error()`) are deliberate and never retried.
 */
export function withRetry(
  failure: IterationOutcome,
  policy: ResolvedRetryPolicy | null,
  attempt: number,
  now: number,
  random: () => number = Math.random,
): IterationOutcome {
  if (!policy || attempt >= policy.attempts) return failure;
  // At most the longest delay Stint stores (355 days), as for a trigger's delay and a
  // continue's wait: a policy's own maximum may be larger (or Infinity).
  const base = Math.min(policy.maxDelaySeconds, MAX_DELAY_SECONDS, policy.initialDelaySeconds * policy.factor ** (attempt - 1));
  const delayMs = Math.round(base * 1000 * (policy.jitter ? 0.5 + random() / 2 : 1));
  return {
    status: "running",
    retryAt: now + delayMs,
    logItems: [
      ...failure.logItems,
      { type: "info", message: `Retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${policy.attempts}).` },
    ],
    hooks: [],
  };
}

/** The hooks a stored terminal task still owes (a worker that died before running them). */
export function hooksForTerminal(task: Task): HookName[] {
  switch (task.taskStatus) {
    case "success":
      return ["onDone"];
    case "aborted":
      return ["onAbort"];
    case "failed": {
      const code = (task.output as { error?: { code?: string } } | null)?.error?.code;
      return code === "TASK_MAX_ITERATIONS" ? ["onMaxIterations", "onError"] : ["onError"];
    }
    default:
      return [];
  }
}

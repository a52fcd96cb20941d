/**
 * Turns what an iteration produced (a response, a thrown value, a timeout, the max
 * iterations rule) into the values to store and the hooks to run afterwards.
 */
import type { Task, TaskInput, TaskOutput, TaskStatus } from "../domain/task.js";
import type { LogItem } from "../domain/log.js";
import type { TaskResponse, TaskResponseError } from "../response/types.js";
import { Errors, type StintError } from "../domain/errors.js";
import { limitOutputSize } from "../response/output-limit.js";
import { shapeError } from "../response/error-shape.js";

export type HookName = "onDone" | "onError" | "onAbort" | "onMaxIterations";

export interface IterationOutcome {
  status: TaskStatus;
  input?: TaskInput;
  output?: TaskOutput | null;
  /** Clock time of the next iteration (continue only). */
  runAt?: number;
  iterations?: number;
  /** Items the runner adds for the outcome (after the task's own). */
  logItems: Omit<LogItem, "createdOn" | "attempt">[];
  /** Hooks to call, in order, once the outcome is stored. */
  hooks: HookName[];
}

export function outcomeFromResponse(task: Task, response: TaskResponse, now: number): IterationOutcome {
  switch (response.status) {
    case "done": {
      const output = isEmptyOutput(response.output) ? null : limitOutputSize(response.output as TaskOutput);
      return {
        status: "success",
        output,
        logItems: [{ type: "info", message: response.message }],
        hooks: ["onDone"],
      };
    }
    case "continue":
      return {
        status: "running",
        input: { ...task.input, ...(response.input as TaskInput) },
        runAt: now + response.waitMs,
        logItems: [{ type: "info", message: "Task continuing.", data: response.input }],
        hooks: [],
      };
    case "error":
      return failed(response.error);
    case "aborted":
      return { status: "aborted", logItems: [{ type: "info", message: "Task aborted." }], hooks: ["onAbort"] };
    default:
      return failed({
        message: "run() must return one of controller.response.done/continue/error/aborted.",
        code: "TASK_RUN_ERROR",
      });
  }
}

export function outcomeFromThrown(thrown: unknown): IterationOutcome {
  return failed(shapeError(thrown));
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

function failed(error: TaskResponseError): IterationOutcome {
  return {
    status: "failed",
    output: limitOutputSize({ error } as TaskOutput),
    logItems: [{ type: "error", message: error.message, error }],
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

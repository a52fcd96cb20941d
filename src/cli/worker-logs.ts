/** Turns a worker's (and the Stint instance's) typed events into log records. */
import type { Worker } from "../worker/worker.js";
import type { Stint } from "../stint.js";
import type { Logger } from "./logger.js";
import type { Task } from "../domain/task.js";

export function logWorkerEvents(worker: Worker, logger: Logger): void {
  const { events } = worker;
  events.on("worker:start", ({ workerId }) => logger.info({ workerId }, "worker started"));
  events.on("worker:stop", ({ workerId }) => logger.info({ workerId }, "worker stopped"));
  events.on("worker:error", ({ error, during }) => logger.error({ during, err: errorInfo(error) }, "worker error"));
  events.on("task:start", ({ task, iteration, attempt }) => logger.info({ ...taskFields(task), iteration, attempt }, "iteration started"));
  events.on("task:iteration", ({ task, status, applied, durationMs }) =>
    logger.info({ ...taskFields(task), status, durationMs, ...(applied ? {} : { applied }) }, "iteration ended"),
  );
  events.on("task:done", ({ task }) => logger.info({ ...taskFields(task), iterations: task.iterations }, "task succeeded"));
  events.on("task:failed", ({ task, error }) =>
    logger.warn({ ...taskFields(task), iterations: task.iterations, err: failureInfo(task.output, error) }, "task failed"),
  );
  events.on("task:aborted", ({ task }) => logger.warn(taskFields(task), "task aborted"));
  events.on("task:timeout", ({ task }) => logger.warn(taskFields(task), "iteration timed out"));
  events.on("hook:error", ({ task, hook, error }) => logger.error({ ...taskFields(task), hook, err: errorInfo(error) }, "hook failed"));
}

/** Hooks run outside workers (onAbort, run by an abort through the API or the CLI). */
export function logStintEvents(stint: Stint, logger: Logger): void {
  stint.events.on("hook:error", ({ task, hook, error }) => logger.error({ ...taskFields(task), hook, err: errorInfo(error) }, "hook failed"));
}

/**
 * The fields every task's log line carries (docs/logs.md): the task, its definition, and
 * the iteration and attempt it is at (as stored: for an ended iteration, the one that ran;
 * a continue's next one starts with its own "iteration started" line).
 */
export function taskFields(task: Task): { taskId: string; definitionId: string; iteration: number; attempt: number } {
  return { taskId: task.id, definitionId: task.definitionId, iteration: task.iterations, attempt: task.attempt };
}

interface ErrorInfo {
  message: string;
  code?: string;
  stack?: string;
}

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { message: error.message, ...(typeof code === "string" ? { code } : {}), ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { message: String(error) };
}

/**
 * A failed task's error: the logged one (with the stack of what run() threw) when the
 * worker has it, else the stored output's (`{ error: { message, code } }`).
 */
function failureInfo(output: unknown, logged: unknown): ErrorInfo | undefined {
  const source = (logged ?? (output as { error?: unknown } | null)?.error) as { message?: unknown; code?: unknown; stack?: unknown } | undefined;
  if (!source || typeof source !== "object") return undefined;
  return {
    message: String(source.message),
    ...(typeof source.code === "string" ? { code: source.code } : {}),
    ...(typeof source.stack === "string" ? { stack: source.stack } : {}),
  };
}

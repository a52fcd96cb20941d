/** Turns a worker's (and the Stint instance's) typed events into log records. */
import type { Worker } from "../worker/worker.js";
import type { Stint } from "../stint.js";
import type { Logger } from "./logger.js";

export function logWorkerEvents(worker: Worker, logger: Logger): void {
  const { events } = worker;
  events.on("worker:start", ({ workerId }) => logger.info({ workerId }, "worker started"));
  events.on("worker:stop", ({ workerId }) => logger.info({ workerId }, "worker stopped"));
  events.on("worker:error", ({ error, during }) => logger.error({ during, err: errorInfo(error) }, "worker error"));
  events.on("task:start", ({ task, iteration, attempt }) =>
    logger.info({ id: task.id, definition: task.definitionId, iteration, ...(attempt > 1 ? { attempt } : {}) }, "iteration started"),
  );
  events.on("task:iteration", ({ task, status, applied, durationMs }) =>
    logger.info({ id: task.id, definition: task.definitionId, status, durationMs, ...(applied ? {} : { applied }) }, "iteration ended"),
  );
  events.on("task:done", ({ task }) => logger.info({ id: task.id, definition: task.definitionId, iterations: task.iterations }, "task succeeded"));
  events.on("task:failed", ({ task }) => logger.warn({ id: task.id, definition: task.definitionId, iterations: task.iterations }, "task failed"));
  events.on("task:aborted", ({ task }) => logger.warn({ id: task.id, definition: task.definitionId }, "task aborted"));
  events.on("task:timeout", ({ task }) => logger.warn({ id: task.id, definition: task.definitionId }, "iteration timed out"));
  events.on("hook:error", ({ task, hook, error }) => logger.error({ id: task.id, hook, err: errorInfo(error) }, "hook failed"));
}

/** Hooks run outside workers (onAbort, run by an abort through the API or the CLI). */
export function logStintEvents(stint: Stint, logger: Logger): void {
  stint.events.on("hook:error", ({ task, hook, error }) => logger.error({ id: task.id, hook, err: errorInfo(error) }, "hook failed"));
}

function errorInfo(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? { message: error.message, code } : { message: error.message };
  }
  return { message: String(error) };
}

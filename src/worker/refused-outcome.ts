/**
 * When the store refuses what an iteration produced (STORAGE_VALUE_REFUSED: a value in its
 * output, checkpoint, progress or log items), handing the attempt back would only produce
 * the same refusal again, forever. The task fails instead, with TASK_OUTCOME_REFUSED as
 * its error, as any failure is stored: output `{ error }`, one error log item, onError.
 * Nothing of what the iteration produced goes with it (any of it may be the refused value).
 */
import { Errors } from "../domain/errors.js";
import type { LogItem } from "../domain/log.js";
import type { Task } from "../domain/task.js";
import type { AnyTaskDefinition } from "../definition/types.js";
import { outcomeFromError } from "../runner/outcome.js";
import type { IterationResult } from "../runner/run-iteration.js";

export function refusedResult(refusal: unknown, task: Task, definition: AnyTaskDefinition, now: number): IterationResult {
  const reason = (refusal as { data?: { reason?: unknown } } | null)?.data?.reason;
  const outcome = outcomeFromError(Errors.outcomeRefused(typeof reason === "string" ? reason : "a value it cannot store"));
  const logItems: LogItem[] = definition.databaseLogs
    ? outcome.logItems.map((item) => ({ ...item, createdOn: new Date(now), attempt: task.attempt }))
    : [];
  return { outcome, logItems, progress: undefined, timedOut: false };
}

/**
 * Feeds a StintMetrics' counters and histograms from one worker's events. Listening is
 * all it does: the worker loop carries no metrics code, and a worker nobody observes
 * builds no event payloads (it emits per-task events only to listeners).
 */
import type { Counter } from "prom-client";
import type { TaskStatus } from "../domain/task.js";
import type { WorkerEventMap, WorkerEvents } from "../worker/events.js";
import type { TalliedCounter, TalliedHistogram } from "./tallies.js";

/** What `stint_worker_slots` reads from a worker. */
export interface ObservedWorker {
  readonly activeCount: number;
  readonly queuedCount: number;
  readonly options: { readonly concurrency: number };
}

/** The metrics a worker's events feed. */
export interface WorkerMetricSinks {
  iterations: TalliedCounter<"definition", "outcome">;
  iterationSeconds: TalliedHistogram;
  triggerToStart: TalliedHistogram;
  takeovers: Counter;
  hookFailures: Counter<"hook">;
}

/** The `outcome` label of an ended iteration. */
export function iterationOutcome(status: TaskStatus, applied: boolean): string {
  if (!applied) return "discarded";
  switch (status) {
    case "success":
      return "done";
    case "running":
      return "continue";
    case "failed":
      return "error";
    default:
      return status;
  }
}

export function observeWorkerEvents(events: WorkerEvents, sinks: WorkerMetricSinks, hasRetryPolicy: (definitionId: string) => boolean): () => void {
  const onStart = ({ task, iteration, attempt }: WorkerEventMap["task:start"][0]) => {
    if (iteration === 1 && attempt === 1) {
      const started = task.startedOn?.getTime() ?? Date.now();
      sinks.triggerToStart.observe(task.definitionId, Math.max(0, started - task.createdOn.getTime()) / 1000);
    }
    // A second attempt of a definition without retries is always a re-run after a lost
    // lease; with a retry policy it may be a retry, which is not counted.
    if (attempt > 1 && !hasRetryPolicy(task.definitionId)) sinks.takeovers.inc();
  };
  const onIteration = ({ task, status, applied, durationMs }: WorkerEventMap["task:iteration"][0]) => {
    sinks.iterations.inc(task.definitionId, iterationOutcome(status, applied));
    sinks.iterationSeconds.observe(task.definitionId, durationMs / 1000);
  };
  const onHookError = ({ hook }: WorkerEventMap["hook:error"][0]) => sinks.hookFailures.inc({ hook });
  events.on("task:start", onStart);
  events.on("task:iteration", onIteration);
  events.on("hook:error", onHookError);
  return () => {
    events.off("task:start", onStart);
    events.off("task:iteration", onIteration);
    events.off("hook:error", onHookError);
  };
}

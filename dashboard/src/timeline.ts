/**
 * The iteration timeline, read from the logs (one per iteration): when each iteration's
 * first and last items were written, and how it ended. An iteration that is not the
 * last one continued; the last one ended as the task did (or is still running).
 */
import type { TaskLog, TaskStatus } from "./types";

export type Outcome = "continue" | "done" | "error" | "aborted" | "running" | "unknown";

export interface IterationSpan {
  iteration: number;
  start: number | undefined;
  end: number | undefined;
  outcome: Outcome;
  /** The last item's message (e.g. "Task continuing.", an error message). */
  message: string;
  errors: number;
  items: number;
}

function time(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

const FINAL: Partial<Record<TaskStatus, Outcome>> = { success: "done", failed: "error", aborted: "aborted", running: "running", pending: "continue" };

export function iterationSpans(logs: TaskLog[], status: TaskStatus): IterationSpan[] {
  const sorted = [...logs].sort((a, b) => (a.iteration ?? 0) - (b.iteration ?? 0));
  return sorted.map((log, index) => {
    const items = log.items ?? [];
    const times = items.map((item) => time(item.createdOn)).filter((t): t is number => t !== undefined);
    const last = items[items.length - 1];
    const isLast = index === sorted.length - 1;
    let outcome: Outcome = isLast ? (FINAL[status] ?? "unknown") : "continue";
    if (!isLast && last?.type === "error") outcome = "error"; // an attempt that failed and was retried
    return {
      iteration: log.iteration ?? index + 1,
      start: times.length ? Math.min(...times) : time(log.createdOn),
      end: times.length ? Math.max(...times) : time(log.createdOn),
      outcome,
      message: last?.message ?? "",
      errors: items.filter((item) => item.type === "error").length,
      items: items.length,
    };
  });
}

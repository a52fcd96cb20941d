/**
 * The iteration timeline, read from the logs (one per iteration). The logs record when
 * items were written, not when an iteration began, so an iteration is taken to run from
 * the end of the one before (the task's start for the first) to its last item: exact
 * for back-to-back iterations, and including the wait when `continue` asked for one.
 * An iteration that is not the last one continued; the last one ended as the task did.
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

export function iterationSpans(
  logs: TaskLog[],
  task: { taskStatus: TaskStatus; startedOn: string | null; iterations: number | null },
  now = Date.now(),
): IterationSpan[] {
  const status = task.taskStatus;
  const sorted = [...logs].sort((a, b) => (a.iteration ?? 0) - (b.iteration ?? 0));
  let previousEnd = time(task.startedOn);
  const spans = sorted.map((log, index) => {
    const items = log.items ?? [];
    const times = items.map((item) => time(item.createdOn)).filter((t): t is number => t !== undefined);
    const last = items[items.length - 1];
    const isLast = index === sorted.length - 1;
    // A running task's newest log may belong to an iteration that already continued.
    const finishedEarlier = status === "running" && (log.iteration ?? 0) < (task.iterations ?? 0);
    let outcome: Outcome = isLast && !finishedEarlier ? (FINAL[status] ?? "unknown") : "continue";
    if (!isLast && last?.type === "error") outcome = "error"; // an attempt that failed and was retried
    const first = times.length ? Math.min(...times) : time(log.createdOn);
    const end = times.length ? Math.max(...times) : time(log.createdOn);
    const start = previousEnd !== undefined && first !== undefined ? Math.min(previousEnd, first) : first;
    previousEnd = end ?? previousEnd;
    return {
      iteration: log.iteration ?? index + 1,
      start,
      end,
      outcome,
      message: last?.message ?? "",
      errors: items.filter((item) => item.type === "error").length,
      items: items.length,
    };
  });
  // The iteration running now has written no log yet: it runs from the last one's end.
  const lastLogged = spans.length ? spans[spans.length - 1].iteration : 0;
  if (status === "running" && (task.iterations ?? 0) > lastLogged) {
    spans.push({ iteration: task.iterations ?? lastLogged + 1, start: previousEnd, end: now, outcome: "running", message: "", errors: 0, items: 0 });
  }
  return spans;
}

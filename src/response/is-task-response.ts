/**
 * `run()` is user code: plain JavaScript may return anything. The runner checks the value
 * with this guard and fails the task with a clear error instead of storing garbage.
 */
import type { TaskResponse } from "./types.js";

const STATUSES: ReadonlySet<unknown> = new Set(["done", "continue", "error", "aborted"]);

export function isTaskResponse(value: unknown): value is TaskResponse {
  return (
    value !== null &&
    typeof value === "object" &&
    STATUSES.has((value as { status?: unknown }).status)
  );
}

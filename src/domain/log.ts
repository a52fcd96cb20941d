/**
 * Log records: one per iteration of a task, holding its items in the order written.
 * Items are only ever appended (DESIGN rule 5); each carries the attempt that wrote it.
 */
import type { Identity } from "./task.js";

/** The kind of a log item. */
export type LogItemType = "info" | "error";

/** One log line of an iteration, with its data or error. */
export interface LogItem {
  message: string;
  createdOn: Date;
  type: LogItemType;
  data?: unknown;
  error?: unknown;
  /** Stint: the attempt of the iteration that wrote the item (1 unless a worker died). */
  attempt?: number;
}

/** The log of one iteration of a task: its items in the order written. */
export interface TaskLog {
  id: string;
  taskId: string;
  iteration: number;
  executionName: string;
  items: LogItem[];
  createdOn: Date;
  createdBy: Identity;
}

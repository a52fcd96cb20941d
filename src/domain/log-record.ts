/**
 * The log record as user code sees it (TaskService `listLogs`): Webiny's shape (WEBINY-COMPAT
 * "Log record"): `task` is the task's id, dates are ISO strings, absent fields undefined.
 * Inside Stint logs stay `TaskLog`s (Dates, `taskId`); this is where they are turned outward.
 */
import type { LogItemType, TaskLog } from "./log.js";
import type { Identity } from "./task.js";

/** One item of a log record, as `listLogs` returns it (`createdOn` an ISO string). */
export interface LogItemRecord {
  message: string;
  /** ISO 8601. */
  createdOn: string;
  type: LogItemType;
  data?: unknown;
  error?: unknown;
  /** Stint: the attempt of the iteration that wrote the item (1 unless a worker died). */
  attempt?: number;
}

/** A task's log of one iteration, as `listLogs` returns it: Webiny's log record. */
export interface TaskLogRecord {
  id: string;
  /** The task's id (Webiny's field name). */
  task: string;
  iteration: number;
  executionName: string;
  items: LogItemRecord[];
  /** ISO 8601. */
  createdOn: string;
  createdBy: Identity;
}

/** The stored log in Webiny's outward shape. Item values are shared, not copied. */
export function toTaskLogRecord(log: TaskLog): TaskLogRecord {
  return {
    id: log.id,
    task: log.taskId,
    iteration: log.iteration,
    executionName: log.executionName,
    items: log.items.map((item) => {
      const record: LogItemRecord = { message: item.message, createdOn: item.createdOn.toISOString(), type: item.type };
      if (item.data !== undefined) record.data = item.data;
      if (item.error !== undefined) record.error = item.error;
      if (item.attempt !== undefined) record.attempt = item.attempt;
      return record;
    }),
    createdOn: log.createdOn.toISOString(),
    createdBy: log.createdBy,
  };
}

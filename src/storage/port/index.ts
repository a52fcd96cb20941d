export type { AbortWatch, AbortWatchOptions, MigrateResult, StorageAdapter } from "./storage.js";
export type * from "./types.js";
export type { TaskStatsParams, TaskStatsRow, WorkerBeat, WorkerListParams, WorkerRecord, WorkerUnregisterParams } from "./observability.js";
export { WORKER_FORGET_AFTER_LEASES, WORKER_FORGET_AFTER_MS, workerForgetAt } from "./observability.js";
export type * from "./schedules.js";
export type * from "./retention.js";
export {
  LOG_ITEM_FIELDS,
  LOG_LIST_FIELDS,
  MATCH_FILTERS,
  ORDERED_FILTERS,
  sortableFields,
  TASK_LIST_FIELDS,
  TEXT_FILTERS,
  valueKind,
  type FieldKind,
  type ListField,
} from "./list-fields.js";

export type { AbortWatch, AbortWatchOptions, MigrateResult, StorageAdapter } from "./storage.js";
export type * from "./types.js";
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

/**
 * The fields lists filter and sort on: one table for tasks, one for logs, one for a log's
 * items. Everything else reads them: the service's parsing (which `where` keys and
 * sorters exist and what values they take: service/parse-list-params.ts), the GraphQL
 * inputs (the where inputs and sorter enums: graphql/list-inputs.ts) and both adapters'
 * SQL (the column and how a value is bound: {sqlite,postgres}/list-sql.ts).
 *
 * Adding a list field (as `priority`, `idempotencyKey`, `concurrencyKey` were) is ONE
 * entry in a table below plus its column in both stores (a migration each; a PostgreSQL
 * column that is an expression, like `createdBy`, also gets it in postgres/tasks.ts).
 * The service then accepts its filters and sorters, the GraphQL schema gains them (update
 * tests/graphql/schema.snapshot.graphql and docs), both adapters filter and sort on it,
 * and src/testing/contract/list-fields.contract.ts checks each of its operators and
 * sorts on both stores. A field's name has no underscore: the parser splits a `where`
 * key (`field_op`) at the first one. The order of the entries is the order of the
 * GraphQL inputs and enums (the schema snapshot checks it) and of the fields named in
 * error messages.
 */
import type { LogItemType } from "../../domain/log.js";
import { TASK_STATUSES } from "../../domain/task.js";

/**
 * What a list field holds, which decides how it is compared and bound:
 * - `id`: an entry or identity id; text in both stores, `ID` in GraphQL;
 * - `text`: text (`String`); matching ignores the case of A-Z only;
 * - `number`: a finite number (`Number`);
 * - `date`: a point in time (`DateTime`; epoch ms in SQLite, timestamptz in PostgreSQL).
 */
export type FieldKind = "id" | "text" | "number" | "date";

/** What a filter value of a field of this kind is: an id is text. */
export function valueKind(kind: FieldKind): "text" | "number" | "date" {
  return kind === "id" ? "text" : kind;
}

/** A filter operator as the port names it; GraphQL writes `field_<op>` (and `eq` as the bare field). */
export type FilterOp =
  | "eq" | "not" | "in" | "not_in"
  | "contains" | "not_contains" | "startsWith" | "not_startsWith"
  | "lt" | "lte" | "gt" | "gte" | "between" | "not_between";

/** The filters of a text or id field: equality, membership and text matching (Webiny's text filters). */
export const TEXT_FILTERS: readonly FilterOp[] = [
  "eq", "not", "in", "not_in", "contains", "not_contains", "startsWith", "not_startsWith",
];

/** The filters of a number or date field: equality, membership, comparison and ranges (Webiny's number and date filters). */
export const ORDERED_FILTERS: readonly FilterOp[] = [
  "eq", "not", "in", "not_in", "lt", "lte", "gt", "gte", "between", "not_between",
];

/** The operators that match a pattern in text: their values are bounded and matched literally. */
export const MATCH_FILTERS: readonly FilterOp[] = ["contains", "not_contains", "startsWith", "not_startsWith"];

/** One field of a list, as every layer sees it. */
export interface ListField {
  kind: FieldKind;
  /** The column in both stores' tables, and the key of its value in a selected row (the cursor reads it there). */
  column: string;
  /** Whether the column may be NULL: NULL sorts first ascending, last descending, and the keyset allows for it. */
  nullable: boolean;
  /** Whether lists sort on it (`field_ASC`, `field_DESC`). */
  sortable: boolean;
  /** The operators its `where` filter takes (TEXT_FILTERS or ORDERED_FILTERS, as its kind). */
  filters: readonly FilterOp[];
  /** The only values it holds: an equality or membership filter on any other is refused, not answered with nothing. */
  values?: readonly string[];
}

/** The task list's fields (Webiny's `WebinyBackgroundTaskListWhereInput` and sorter, in that order). */
export const TASK_LIST_FIELDS = {
  id: { kind: "id", column: "id", nullable: false, sortable: true, filters: TEXT_FILTERS },
  name: { kind: "text", column: "name", nullable: false, sortable: true, filters: TEXT_FILTERS },
  definitionId: { kind: "text", column: "definition_id", nullable: false, sortable: true, filters: TEXT_FILTERS },
  parentId: { kind: "text", column: "parent_id", nullable: true, sortable: true, filters: TEXT_FILTERS },
  executionName: { kind: "text", column: "execution_name", nullable: false, sortable: true, filters: TEXT_FILTERS },
  taskStatus: { kind: "text", column: "status", nullable: false, sortable: true, filters: TEXT_FILTERS, values: TASK_STATUSES },
  iterations: { kind: "number", column: "iterations", nullable: false, sortable: true, filters: ORDERED_FILTERS },
  startedOn: { kind: "date", column: "started_on", nullable: true, sortable: true, filters: ORDERED_FILTERS },
  finishedOn: { kind: "date", column: "finished_on", nullable: true, sortable: true, filters: ORDERED_FILTERS },
  createdOn: { kind: "date", column: "created_on", nullable: false, sortable: true, filters: ORDERED_FILTERS },
  savedOn: { kind: "date", column: "saved_on", nullable: false, sortable: true, filters: ORDERED_FILTERS },
  // The creator identity's id: filterable, but an identity has no natural order. SQLite
  // has it as a generated column; PostgreSQL reads `created_by->>'id'` (postgres/tasks.ts),
  // NULL for an identity without an id.
  createdBy: { kind: "id", column: "created_by_id", nullable: true, sortable: false, filters: TEXT_FILTERS },
  // Flow control (docs/flow-control.md; 0004/0005_flow_control.sql).
  priority: { kind: "number", column: "priority", nullable: false, sortable: true, filters: ORDERED_FILTERS },
  idempotencyKey: { kind: "text", column: "idempotency_key", nullable: true, sortable: true, filters: TEXT_FILTERS },
  concurrencyKey: { kind: "text", column: "concurrency_key", nullable: true, sortable: true, filters: TEXT_FILTERS },
  // Re-run (docs/run-history.md; 0008/0009_rerun.sql): the re-runs of a task.
  rerunOf: { kind: "id", column: "rerun_of", nullable: true, sortable: true, filters: TEXT_FILTERS },
} satisfies Record<string, ListField>;

/** The log list's fields (Webiny's `WebinyBackgroundTaskLogListWhereInput` and sorter, in that order). */
export const LOG_LIST_FIELDS = {
  id: { kind: "id", column: "id", nullable: false, sortable: true, filters: TEXT_FILTERS },
  // The task's id.
  task: { kind: "text", column: "task_id", nullable: false, sortable: true, filters: TEXT_FILTERS },
  iteration: { kind: "number", column: "iteration", nullable: false, sortable: true, filters: ORDERED_FILTERS },
  executionName: { kind: "text", column: "execution_name", nullable: false, sortable: true, filters: TEXT_FILTERS },
  createdOn: { kind: "date", column: "created_on", nullable: false, sortable: true, filters: ORDERED_FILTERS },
} satisfies Record<string, ListField>;

const LOG_ITEM_TYPES = ["info", "error"] as const satisfies readonly LogItemType[];

/**
 * The fields of a log's items that Webiny's `items` filter of the log list reaches
 * (`WebinyTaskLog_ItemsWhereInput`, in that order). Lists do not sort on them.
 */
export const LOG_ITEM_FIELDS = {
  message: { kind: "text", column: "message", nullable: false, sortable: false, filters: TEXT_FILTERS },
  createdOn: { kind: "date", column: "created_on", nullable: false, sortable: false, filters: ORDERED_FILTERS },
  type: { kind: "text", column: "type", nullable: false, sortable: false, filters: TEXT_FILTERS, values: LOG_ITEM_TYPES },
} satisfies Record<string, ListField>;

/** A field of the task list. */
export type TaskListField = keyof typeof TASK_LIST_FIELDS;
/** A field of the log list. */
export type LogListField = keyof typeof LOG_LIST_FIELDS;
/** A field of a log's items that Webiny's `items` filter reaches. */
export type LogItemField = keyof typeof LOG_ITEM_FIELDS;

/** The fields a list sorts on, in table order. */
export function sortableFields<F extends string>(fields: Readonly<Record<F, ListField>>): F[] {
  return (Object.keys(fields) as F[]).filter((field) => fields[field].sortable);
}

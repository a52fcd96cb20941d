/**
 * Webiny-style list arguments (`where`, `sort`, `limit`, `after`, `search`) arrive
 * untrusted from GraphQL, the CLI and user code. They are checked and typed here, once,
 * so every storage adapter receives the same clean `ListParams` and never has to decide
 * what `createdOn_gt: "yesterday"` means. Anything not understood is refused, never
 * ignored: a silently dropped filter would return (and let a client delete) the wrong tasks.
 * Which fields exist, their kinds, operators and sorters: the port's table
 * (storage/port/list-fields.ts).
 */
import { Errors } from "../domain/errors.js";
import {
  LOG_ITEM_FIELDS,
  LOG_LIST_FIELDS,
  MATCH_FILTERS,
  sortableFields,
  TASK_LIST_FIELDS,
  valueKind,
  type FieldKind,
  type ListField,
} from "../storage/port/list-fields.js";
import type { Filter, FilterOp, ListParams, LogListParams, Sort, TaskListParams } from "../storage/port/types.js";
import type { ListLogsParams, ListTasksParams } from "./types.js";

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1000;
export const MAX_CURSOR_LENGTH = 1000;
export const MAX_SEARCH_LENGTH = 200;
/** Bounds `x_in` lists so one query cannot carry an unbounded number of parameters. */
export const MAX_IN_VALUES = 1000;
/**
 * Longest value of a `_contains` / `_startsWith` filter (and their negations). A pattern
 * this long already matches almost nothing; longer ones only cost the store work (SQLite
 * refuses a LIKE pattern over 50,000 bytes with an internal error).
 */
export const MAX_MATCH_LENGTH = 1000;

/** A list's fields (storage/port/list-fields.ts) as the parser reads them. */
interface ListSchema<F extends string> {
  fields: Readonly<Record<F, ListField>>;
  sortFields: readonly F[];
  /** How its `where` keys are named in errors: "" for a list's own, "items." for the items filter. */
  keyPrefix: string;
}

function schemaOf<F extends string>(fields: Readonly<Record<F, ListField>>, keyPrefix = ""): ListSchema<F> {
  return { fields, sortFields: sortableFields(fields), keyPrefix };
}

const TASK_SCHEMA = schemaOf(TASK_LIST_FIELDS);
const LOG_SCHEMA = schemaOf(LOG_LIST_FIELDS);
const LOG_ITEM_SCHEMA = schemaOf(LOG_ITEM_FIELDS, "items.");

export function parseTaskListParams(params: ListTasksParams | null | undefined = {}): TaskListParams {
  return parseListParams(params, TASK_SCHEMA);
}

/**
 * A log list may also take Webiny's `items` filter: `where: { items: { message_contains:
 * "x", type: "error" } }`. Each of its filters is about the log's items, as Webiny's CMS
 * filters a list field: a positive filter holds when some item matches, a negated one
 * (`_not`, `_not_in`, `_not_contains`, ...) when no item matches its positive form.
 */
export function parseLogListParams(params: ListLogsParams | null | undefined = {}): LogListParams {
  if (!isPlainObject(params) || !isPlainObject(params.where) || !Object.hasOwn(params.where, "items")) {
    return parseListParams(params, LOG_SCHEMA);
  }
  const { items, ...where } = params.where;
  const parsed: LogListParams = parseListParams({ ...params, where }, LOG_SCHEMA);
  if (items === undefined || items === null) return parsed;
  if (!isPlainObject(items)) throw whereError('"items" must be an object of item filters, e.g. { message_contains: "x" }.');
  const itemFilters = parseWhere(items, LOG_ITEM_SCHEMA);
  if (itemFilters.length > 0) parsed.itemFilters = itemFilters;
  return parsed;
}

function parseListParams<F extends string>(
  params: ListTasksParams | null | undefined,
  schema: ListSchema<F>,
): ListParams<F> {
  if (params === null || params === undefined) params = {};
  if (!isPlainObject(params)) throw Errors.invalidArgument("params", "list parameters must be an object.");
  const parsed: ListParams<F> = {
    filters: parseWhere(params.where, schema),
    sort: parseSort(params.sort, schema),
    limit: parseLimit(params.limit),
  };
  const after = parseAfter(params.after);
  if (after !== undefined) parsed.after = after;
  const search = parseSearch(params.search);
  if (search !== undefined) parsed.search = search;
  return parsed;
}

/* ---------------------------------------------------------------- where ---- */

function parseWhere<F extends string>(where: unknown, schema: ListSchema<F>): Filter<F>[] {
  if (where === undefined || where === null) return [];
  if (!isPlainObject(where)) throw whereError("must be an object of filters.");
  const filters: Filter<F>[] = [];
  for (const [key, value] of Object.entries(where)) {
    // An explicit undefined is how JavaScript callers leave a filter out.
    if (value === undefined) continue;
    filters.push(parseFilter(key, value, schema));
  }
  return filters;
}

function parseFilter<F extends string>(key: string, raw: unknown, schema: ListSchema<F>): Filter<F> {
  // Field names have no underscore; operators may (`not_in`), so split at the first one.
  const cut = key.indexOf("_");
  const fieldName = cut === -1 ? key : key.slice(0, cut);
  const opName = cut === -1 ? "eq" : key.slice(cut + 1);

  if (!Object.hasOwn(schema.fields, fieldName)) {
    throw whereError(`"${clip(key)}": unknown field "${clip(fieldName)}"; filterable fields are ${Object.keys(schema.fields).join(", ")}.`);
  }
  const field = fieldName as F;
  const spec: ListField = schema.fields[field];
  const ops = spec.filters;
  // `eq` is only ever spelled as the bare field name, as in Webiny.
  if (opName === "eq" && cut !== -1) throw whereError(`"${clip(key)}": unknown operator "eq"; write "${fieldName}" instead.`);
  if (!(ops as readonly string[]).includes(opName)) {
    const allowed = ops.filter((op) => op !== "eq").map((op) => `${fieldName}_${op}`);
    throw whereError(`"${clip(key)}": unknown operator "${clip(opName)}" for ${valueKind(spec.kind)} field "${fieldName}"; use ${fieldName}, ${allowed.join(", ")}.`);
  }
  const op = opName as FilterOp;
  const checkValue = (value: string) => {
    if (spec.values && !spec.values.includes(value)) {
      throw whereError(`"${schema.keyPrefix}${key}" must be one of ${spec.values.join(", ")}; got "${clip(value)}".`);
    }
  };
  return { field, op, value: parseFilterValue(key, op, spec.kind, raw, checkValue) };
}

function parseFilterValue(
  key: string,
  op: FilterOp,
  kind: FieldKind,
  raw: unknown,
  checkValue: (value: string) => void,
): unknown {
  const scalar = (value: unknown): string | number | Date => {
    if (valueKind(kind) === "text") {
      if (typeof value !== "string") throw whereError(`"${key}" needs a string; got ${describe(value)}.`);
      // No stored text holds NUL (PostgreSQL cannot store it), and its driver refuses it.
      if (value.includes("\u0000")) throw whereError(`"${key}" must not contain the NUL character (U+0000).`);
      if (MATCH_FILTERS.includes(op) && value.length > MAX_MATCH_LENGTH) {
        throw whereError(`"${key}" takes at most ${MAX_MATCH_LENGTH} characters; got ${value.length}.`);
      }
      // Membership checks only make sense for whole values, not for substrings.
      if (op === "eq" || op === "not" || op === "in" || op === "not_in") checkValue(value);
      return value;
    }
    if (kind === "number") {
      if (typeof value !== "number" || !Number.isFinite(value)) throw whereError(`"${key}" needs a finite number; got ${describe(value)}.`);
      return value;
    }
    return toDate(key, value);
  };

  switch (op) {
    case "eq":
    case "not":
      return raw === null ? null : scalar(raw);
    case "in":
    case "not_in":
      if (!Array.isArray(raw) || raw.length === 0) throw whereError(`"${key}" needs a non-empty array; got ${describe(raw)}.`);
      if (raw.length > MAX_IN_VALUES) throw whereError(`"${key}" takes at most ${MAX_IN_VALUES} values; got ${raw.length}.`);
      // Webiny's `[String]`: an item may be null, and then the list also matches "no value".
      return raw.map((value) => (value === null ? null : scalar(value)));
    case "between":
    case "not_between":
      if (!Array.isArray(raw) || raw.length !== 2) throw whereError(`"${key}" needs an array of two values [from, to]; got ${describe(raw)}.`);
      return raw.map(scalar);
    default:
      return scalar(raw);
  }
}

/** ISO 8601 date or date-time; `Date.parse` alone would accept "1" or "May 5". */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function toDate(key: string, value: unknown): Date {
  let date: Date | undefined;
  if (value instanceof Date) date = new Date(value.getTime());
  else if (typeof value === "number" && Number.isFinite(value)) date = new Date(value);
  else if (typeof value === "string" && ISO_DATE.test(value)) date = new Date(value);
  if (!date || Number.isNaN(date.getTime())) {
    throw whereError(`"${key}" needs a date (ISO 8601 string, Date or epoch milliseconds); got ${describe(value)}.`);
  }
  return date;
}

/* ----------------------------------------------------------------- sort ---- */

const SORTER = /^(?:values_)?([A-Za-z]+)_(ASC|DESC)$/;

function parseSort<F extends string>(sort: unknown, schema: ListSchema<F>): Sort<F>[] {
  if (sort === undefined || sort === null) return withIdTiebreak([{ field: "createdOn" as F, direction: "desc" }]);
  if (!Array.isArray(sort)) throw Errors.invalidArgument("sort", `must be a list like ["createdOn_DESC"]; got ${describe(sort)}.`);
  if (sort.length === 0) return parseSort(undefined, schema);

  const sorters: Sort<F>[] = [];
  for (const entry of sort) {
    const match = typeof entry === "string" ? SORTER.exec(entry) : null;
    const field = match?.[1] as F | undefined;
    if (!match || !field || !schema.sortFields.includes(field)) {
      const allowed = schema.sortFields.map((name) => `${name}_ASC|${name}_DESC`).join(", ");
      throw Errors.invalidArgument("sort", `unknown sorter ${describe(entry)}; use ${allowed}.`);
    }
    if (sorters.some((sorter) => sorter.field === field)) {
      throw Errors.invalidArgument("sort", `"${field}" is sorted on more than once.`);
    }
    sorters.push({ field, direction: match[2] === "ASC" ? "asc" : "desc" });
  }
  return withIdTiebreak(sorters);
}

/** Keyset pagination needs a total order: ids are unique, so ending in `id` gives one. */
function withIdTiebreak<F extends string>(sorters: Sort<F>[]): Sort<F>[] {
  if (sorters.some((sorter) => sorter.field === "id")) return sorters;
  const last = sorters[sorters.length - 1];
  return [...sorters, { field: "id" as F, direction: last.direction }];
}

/* ------------------------------------------------- limit, after, search ---- */

function parseLimit(limit: unknown): number {
  if (limit === undefined || limit === null) return DEFAULT_LIST_LIMIT;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw Errors.invalidArgument("limit", `must be a whole number from 1 to ${MAX_LIST_LIMIT}; got ${describe(limit)}.`);
  }
  return limit;
}

function parseAfter(after: unknown): string | undefined {
  if (after === undefined || after === null || after === "") return undefined;
  if (typeof after !== "string") throw Errors.invalidArgument("after", `must be a cursor string; got ${describe(after)}.`);
  if (after.length > MAX_CURSOR_LENGTH) {
    throw Errors.invalidArgument("after", `a cursor is at most ${MAX_CURSOR_LENGTH} characters; got ${after.length}.`);
  }
  return after;
}

function parseSearch(search: unknown): string | undefined {
  if (search === undefined || search === null) return undefined;
  if (typeof search !== "string") throw Errors.invalidArgument("search", `must be a string; got ${describe(search)}.`);
  const trimmed = search.trim();
  if (trimmed.includes("\u0000")) throw Errors.invalidArgument("search", "must not contain the NUL character (U+0000).");
  if (trimmed.length > MAX_SEARCH_LENGTH) {
    throw Errors.invalidArgument("search", `must be at most ${MAX_SEARCH_LENGTH} characters; got ${trimmed.length}.`);
  }
  return trimmed === "" ? undefined : trimmed;
}

/* -------------------------------------------------------------- helpers ---- */

function whereError(reason: string) {
  return Errors.invalidArgument("where", reason);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

/** Errors quote untrusted values; keep them short. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : "a Date";
  if (typeof value === "string") return `"${clip(value)}"`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `a value of type ${typeof value}`;
}

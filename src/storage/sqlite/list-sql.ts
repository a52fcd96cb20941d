/**
 * The SQL of a list read: typed list parameters (filters, search, sort, keyset cursor) →
 * one WHERE/ORDER BY, shared by the task and log lists. Its columns come from the port's
 * table of list fields (port/list-fields.ts). Rules: docs/storage.md "Lists".
 *
 * Choices both adapters must share:
 * - NULL sorts as the smallest value (first ascending, last descending): SQLite's default;
 * - negated operators (`not`, `not_in`, `not_contains`, `not_startsWith`, `not_between`)
 *   match NULL rows too ("not equal to x" holds for a task without x);
 * - text matching (`contains`, `startsWith`, search) ignores case (LIKE: ASCII only).
 */
import { Errors } from "../../domain/errors.js";
import { decodeCursor as decodeKeyset, encodeCursor as encodeKeyset } from "../cursor.js";
import { valueKind, type FieldKind, type ListField } from "../port/list-fields.js";
import type { Filter, ListParams, Sort } from "../port/types.js";

/** The `where` of a list with no filter and no search: every row. */
export const UNFILTERED = "1";

export interface ListColumn {
  /** The column name, in SQL and as the key of the selected row. */
  name: string;
  kind: FieldKind;
  nullable: boolean;
}

/** The columns of a list's fields, as the port's table names them; `alias` qualifies each (`i.message`). */
export function listColumns<F extends string>(fields: Readonly<Record<F, ListField>>, alias?: string): Record<F, ListColumn> {
  const columns = {} as Record<F, ListColumn>;
  for (const field of Object.keys(fields) as F[]) {
    const { column, kind, nullable } = fields[field];
    columns[field] = { name: alias ? `${alias}.${column}` : column, kind, nullable };
  }
  return columns;
}

export interface ListSource<F extends string> {
  columns: Record<F, ListColumn>;
  /** Condition for `search`, with one `?` bound to an escaped LIKE pattern. */
  searchSql: string;
}

export interface ListQuery {
  /** Filters and search: what `totalCount` counts. */
  where: string;
  whereArgs: unknown[];
  /** `where` plus the cursor condition: what the page reads. */
  pageWhere: string;
  pageArgs: unknown[];
  orderBy: string;
  sortColumns: ListColumn[];
}

interface SortKey {
  column: ListColumn;
  direction: "asc" | "desc";
}

/** `extra`: conditions of the caller's own (the log list's items filter), ANDed with the rest. */
export function buildListQuery<F extends string>(
  source: ListSource<F>,
  params: ListParams<F>,
  extra: readonly { sql: string; args: unknown[] }[] = [],
): ListQuery {
  const conditions: string[] = [];
  const args: unknown[] = [];
  for (const condition of extra) {
    conditions.push(condition.sql);
    args.push(...condition.args);
  }
  for (const filter of params.filters) {
    const built = filterSql(columnOf(source, filter.field), filter);
    conditions.push(built.sql);
    args.push(...built.args);
  }
  if (params.search) {
    conditions.push(source.searchSql);
    args.push(`%${escapeLike(params.search)}%`);
  }
  const where = conditions.length > 0 ? conditions.join(" AND ") : UNFILTERED;

  const keys = sortKeys(source, params.sort);
  const orderBy = keys.map((k) => `${k.column.name} ${k.direction === "asc" ? "ASC" : "DESC"}`).join(", ");

  let pageWhere = where;
  const pageArgs = [...args];
  if (params.after !== undefined && params.after !== null && params.after !== "") {
    const keyset = keysetSql(keys, decodeCursor(params.after, keys));
    pageWhere = `(${where}) AND ${keyset.sql}`;
    pageArgs.push(...keyset.args);
  }
  return { where, whereArgs: args, pageWhere, pageArgs, orderBy, sortColumns: keys.map((k) => k.column) };
}

/** The cursor after `row`: its sort values (the last one is the id). */
export function encodeCursor(row: Record<string, unknown>, columns: readonly ListColumn[]): string {
  return encodeKeyset(columns.map((c) => row[c.name]));
}

function decodeCursor(cursor: string, keys: readonly SortKey[]): unknown[] {
  return decodeKeyset(cursor, keys.map((k) => k.column));
}

function keysetSql(keys: readonly SortKey[], values: readonly unknown[]): { sql: string; args: unknown[] } {
  const sameDirection = keys.every((k) => k.direction === keys[0].direction);
  if (sameDirection && keys.every((k, i) => !k.column.nullable && values[i] !== null)) {
    const cols = keys.map((k) => k.column.name).join(", ");
    const marks = keys.map(() => "?").join(", ");
    return { sql: `((${cols}) ${keys[0].direction === "asc" ? ">" : "<"} (${marks}))`, args: [...values] };
  }
  const branches: string[] = [];
  const args: unknown[] = [];
  for (let i = 0; i < keys.length; i += 1) {
    const after = afterSql(keys[i], values[i]);
    if (after === null) continue;
    const parts: string[] = [];
    for (let j = 0; j < i; j += 1) {
      parts.push(`${keys[j].column.name} IS ?`);
      args.push(values[j]);
    }
    parts.push(after.sql);
    args.push(...after.args);
    branches.push(`(${parts.join(" AND ")})`);
  }
  return { sql: branches.length > 0 ? `(${branches.join(" OR ")})` : "0", args };
}

/** "Comes after `value` in this key's direction", or null when nothing can. */
function afterSql({ column, direction }: SortKey, value: unknown): { sql: string; args: unknown[] } | null {
  const name = column.name;
  if (direction === "asc") {
    return value === null ? { sql: `${name} IS NOT NULL`, args: [] } : { sql: `${name} > ?`, args: [value] };
  }
  if (value === null) return null;
  return { sql: column.nullable ? `(${name} < ? OR ${name} IS NULL)` : `${name} < ?`, args: [value] };
}

function sortKeys<F extends string>(source: ListSource<F>, sort: readonly Sort<F>[]): SortKey[] {
  const keys = sort.map((s) => ({ column: columnOf(source, s.field), direction: s.direction }));
  // The port promises a sort ending in id; keep the order total even if a caller forgets.
  if (keys.length === 0 || keys[keys.length - 1].column.name !== "id") {
    keys.push({ column: columnOf(source, "id" as F), direction: keys.at(-1)?.direction ?? "desc" });
  }
  return keys;
}

function columnOf<F extends string>(source: ListSource<F>, field: F): ListColumn {
  const column = Object.hasOwn(source.columns, field) ? source.columns[field] : undefined;
  if (!column) throw Errors.invalidArgument(String(field), "not a field that lists can filter or sort on");
  return column;
}

export function filterSql(column: ListColumn, filter: Filter<string>): { sql: string; args: unknown[] } {
  const c = column.name;
  const { op, value } = filter;
  switch (op) {
    case "eq":
      return value === null ? { sql: `${c} IS NULL`, args: [] } : { sql: `${c} = ?`, args: [scalar(column, filter, value)] };
    case "not":
      return value === null ? { sql: `${c} IS NOT NULL`, args: [] } : { sql: `${c} IS NOT ?`, args: [scalar(column, filter, value)] };
    case "in":
    case "not_in": {
      const list = array(filter);
      const present = list.filter((v) => v !== null).map((v) => scalar(column, filter, v));
      const hasNull = present.length !== list.length;
      const inList = `${c} IN (SELECT value FROM json_each(?))`;
      const args = [JSON.stringify(present)];
      if (op === "in") return { sql: hasNull ? `(${inList} OR ${c} IS NULL)` : inList, args };
      return { sql: hasNull ? `(${c} IS NOT NULL AND NOT ${inList})` : `(${c} IS NULL OR NOT ${inList})`, args };
    }
    case "contains":
    case "startsWith": {
      const pattern = op === "contains" ? `%${escapeLike(text(filter, value))}%` : `${escapeLike(text(filter, value))}%`;
      return { sql: `${c} LIKE ? ESCAPE '\\'`, args: [pattern] };
    }
    case "not_contains":
    case "not_startsWith": {
      const pattern = op === "not_contains" ? `%${escapeLike(text(filter, value))}%` : `${escapeLike(text(filter, value))}%`;
      return { sql: `(${c} IS NULL OR ${c} NOT LIKE ? ESCAPE '\\')`, args: [pattern] };
    }
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const sign = { lt: "<", lte: "<=", gt: ">", gte: ">=" }[op];
      return { sql: `${c} ${sign} ?`, args: [scalar(column, filter, value)] };
    }
    case "between":
    case "not_between": {
      const [from, to] = range(column, filter);
      return op === "between"
        ? { sql: `${c} BETWEEN ? AND ?`, args: [from, to] }
        : { sql: `(${c} IS NULL OR ${c} < ? OR ${c} > ?)`, args: [from, to] };
    }
    default:
      throw Errors.invalidArgument(String(filter.field), `unknown filter operator "${String(op)}"`);
  }
}

/** A filter value as stored: dates as epoch ms, numbers and text (ids too) as they are. */
function scalar(column: ListColumn, filter: Filter<string>, value: unknown): string | number {
  const kind = valueKind(column.kind);
  if (kind === "date") {
    const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : NaN;
    if (Number.isFinite(ms)) return ms;
  } else if (kind === "number") {
    if (typeof value === "number" && Number.isFinite(value)) return value;
  } else if (typeof value === "string") {
    return value;
  }
  throw Errors.invalidArgument(String(filter.field), `"${filter.op}" needs a ${kind} value`);
}

function text(filter: Filter<string>, value: unknown): string {
  if (typeof value !== "string") throw Errors.invalidArgument(String(filter.field), `"${filter.op}" needs a text value`);
  return value;
}

function array(filter: Filter<string>): unknown[] {
  if (!Array.isArray(filter.value)) throw Errors.invalidArgument(String(filter.field), `"${filter.op}" needs a list of values`);
  return filter.value;
}

function range(column: ListColumn, filter: Filter<string>): [string | number, string | number] {
  const list = array(filter);
  if (list.length !== 2) throw Errors.invalidArgument(String(filter.field), `"${filter.op}" needs two values`);
  return [scalar(column, filter, list[0]), scalar(column, filter, list[1])];
}

/** `%`, `_` and the escape itself match literally (every LIKE here uses ESCAPE '\'). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

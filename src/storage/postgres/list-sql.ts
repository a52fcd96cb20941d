/**
 * The SQL of a list read: typed list parameters (filters, search, sort, keyset cursor) →
 * parameterised SQL, shared by the task and log lists. Its columns come from the port's
 * table of list fields (port/list-fields.ts). Rules: docs/storage.md "Lists".
 *
 * Choices shared with the SQLite adapter, so both list the same rows in the same order:
 * - NULL is the smallest value: first ascending, last descending (explicit NULLS FIRST /
 *   NULLS LAST, since PostgreSQL's default is the opposite);
 * - negated operators (`not`, `not_in`, `not_contains`, `not_startsWith`, `not_between`)
 *   also match NULL ("not equal to x" holds for a task without x);
 * - text matching (`contains`, `startsWith`, search) ignores the case of ASCII letters A-Z
 *   and of nothing else, as SQLite's LIKE does: ILIKE under the "C" collation (asciiIlike),
 *   since under the database's own locale ILIKE may also fold "É" to "é".
 */
import { Errors } from "../../domain/errors.js";
import { decodeCursor as decodeKeyset, encodeCursor as encodeKeyset } from "../cursor.js";
import { valueKind, type FieldKind, type ListField } from "../port/list-fields.js";
import type { Filter, ListParams, Sort } from "../port/types.js";

export interface ListColumn {
  /** SQL expression of the column (qualified or an expression like `created_by->>'id'`). */
  sql: string;
  /** Key of the value in the selected row, for the cursor. */
  key: string;
  kind: FieldKind;
  nullable: boolean;
}

/**
 * The columns of a list's fields, as the port's table names them. `alias` qualifies each
 * (`i.message`); `expressions` gives the SQL of a field that is no column in PostgreSQL
 * (the task's `createdBy`), its row key staying the table's column name.
 */
export function listColumns<F extends string>(
  fields: Readonly<Record<F, ListField>>,
  { alias, expressions = {} }: { alias?: string; expressions?: Partial<Record<F, string>> } = {},
): Record<F, ListColumn> {
  const columns = {} as Record<F, ListColumn>;
  for (const field of Object.keys(fields) as F[]) {
    const { column, kind, nullable } = fields[field];
    const sql = expressions[field] ?? (alias ? `${alias}.${column}` : column);
    columns[field] = { sql, key: column, kind, nullable };
  }
  return columns;
}

export interface ListSource<F extends string> {
  columns: Record<F, ListColumn>;
  /** Condition for `search`, given the placeholder of an escaped ILIKE pattern. */
  searchSql: (pattern: string) => string;
}

export interface ListQuery {
  /** Filters and search: what `totalCount` counts. */
  where: string;
  whereValues: unknown[];
  /** `where` plus the cursor condition: what the page reads. */
  pageWhere: string;
  pageValues: unknown[];
  orderBy: string;
  sortColumns: ListColumn[];
}

interface SortKey {
  column: ListColumn;
  direction: "asc" | "desc";
}

/** Collects bind values and hands out their `$n` placeholders. */
export class Binds {
  readonly values: unknown[];
  constructor(initial: readonly unknown[] = []) {
    this.values = [...initial];
  }
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

/** `extra`: conditions of the caller's own (the log list's items filter), ANDed with the rest. */
export function buildListQuery<F extends string>(
  source: ListSource<F>,
  params: ListParams<F>,
  extra: readonly ((binds: Binds) => string)[] = [],
): ListQuery {
  const binds = new Binds();
  const conditions = extra.map((condition) => condition(binds));
  conditions.push(...params.filters.map((filter) => filterSql(columnOf(source, filter.field), filter, binds)));
  if (params.search) conditions.push(source.searchSql(binds.add(`%${escapeLike(params.search)}%`)));
  const where = conditions.length > 0 ? conditions.join(" AND ") : "TRUE";

  const keys = sortKeys(source, params.sort);
  const orderBy = keys.map(orderSql).join(", ");

  let pageWhere = where;
  const page = new Binds(binds.values);
  if (params.after !== undefined && params.after !== null && params.after !== "") {
    pageWhere = `(${where}) AND ${keysetSql(keys, decodeCursor(params.after, keys), page)}`;
  }
  return { where, whereValues: binds.values, pageWhere, pageValues: page.values, orderBy, sortColumns: keys.map((k) => k.column) };
}

/**
 * NULLS FIRST/LAST only where a column can hold NULL: on NOT NULL columns the clause would
 * change nothing but would stop a plain `(created_on DESC, id DESC)` index from matching.
 */
function orderSql({ column, direction }: SortKey): string {
  if (!column.nullable) return `${column.sql} ${direction === "asc" ? "ASC" : "DESC"}`;
  return `${column.sql} ${direction === "asc" ? "ASC NULLS FIRST" : "DESC NULLS LAST"}`;
}

/** The cursor after `row`: its sort values (dates as epoch ms; the last one is the id). */
export function encodeCursor(row: Record<string, unknown>, columns: readonly ListColumn[]): string {
  return encodeKeyset(columns.map((c) => row[c.key]));
}

function decodeCursor(cursor: string, keys: readonly SortKey[]): unknown[] {
  return decodeKeyset(cursor, keys.map((k) => k.column)).map((value, i) =>
    keys[i].column.kind === "date" && value !== null ? new Date(value as number) : value,
  );
}

function keysetSql(keys: readonly SortKey[], values: readonly unknown[], binds: Binds): string {
  const direction = keys[0].direction;
  if (keys.every((k, i) => k.direction === direction && !k.column.nullable && values[i] !== null)) {
    const cols = keys.map((k) => k.column.sql).join(", ");
    const marks = keys.map((k, i) => binds.add(values[i], castOf(k.column))).join(", ");
    return `((${cols}) ${direction === "asc" ? ">" : "<"} (${marks}))`;
  }
  const branches: string[] = [];
  for (let i = 0; i < keys.length; i += 1) {
    const after = afterSql(keys[i], values[i], binds);
    if (after === null) continue;
    const equalBefore = keys.slice(0, i).map((k, j) =>
      values[j] === null ? `${k.column.sql} IS NULL` : `${k.column.sql} = ${binds.add(values[j], castOf(k.column))}`,
    );
    branches.push(`(${[...equalBefore, after].join(" AND ")})`);
  }
  return branches.length > 0 ? `(${branches.join(" OR ")})` : "FALSE";
}

/** "Comes after `value` in this key's direction", or null when nothing can. */
function afterSql({ column, direction }: SortKey, value: unknown, binds: Binds): string | null {
  const c = column.sql;
  if (direction === "asc") return value === null ? `${c} IS NOT NULL` : `${c} > ${binds.add(value, castOf(column))}`;
  if (value === null) return null;
  const below = `${c} < ${binds.add(value, castOf(column))}`;
  return column.nullable ? `(${below} OR ${c} IS NULL)` : below;
}

function sortKeys<F extends string>(source: ListSource<F>, sort: readonly Sort<F>[]): SortKey[] {
  const keys = sort.map((s) => ({ column: columnOf(source, s.field), direction: s.direction }));
  // The port promises a sort ending in id; keep the order total even if a caller forgets.
  if (keys.length === 0 || keys[keys.length - 1].column !== columnOf(source, "id" as F)) {
    keys.push({ column: columnOf(source, "id" as F), direction: keys.at(-1)?.direction ?? "desc" });
  }
  return keys;
}

function columnOf<F extends string>(source: ListSource<F>, field: F): ListColumn {
  const column = Object.hasOwn(source.columns, field) ? source.columns[field] : undefined;
  if (!column) throw Errors.invalidArgument(String(field), "not a field that lists can filter or sort on");
  return column;
}

export function filterSql(column: ListColumn, filter: Filter<string>, binds: Binds): string {
  const c = column.sql;
  const cast = castOf(column);
  const { op, value } = filter;
  switch (op) {
    case "eq":
      return value === null ? `${c} IS NULL` : `${c} = ${binds.add(scalar(column, filter, value), cast)}`;
    case "not":
      return value === null ? `${c} IS NOT NULL` : `${c} IS DISTINCT FROM ${binds.add(scalar(column, filter, value), cast)}`;
    case "in":
    case "not_in": {
      const list = array(filter);
      const present = list.filter((v) => v !== null).map((v) => scalar(column, filter, v));
      const hasNull = present.length !== list.length;
      const inList = `${c} = ANY(${binds.add(present, `${cast}[]`)})`;
      if (op === "in") return hasNull ? `(${inList} OR ${c} IS NULL)` : inList;
      return hasNull ? `(${c} IS NOT NULL AND NOT ${inList})` : `(${c} IS NULL OR NOT ${inList})`;
    }
    case "contains":
    case "startsWith":
      return asciiIlike(c, binds.add(likePattern(op, filter, value)));
    case "not_contains":
    case "not_startsWith":
      return `(${c} IS NULL OR NOT ${asciiIlike(c, binds.add(likePattern(op, filter, value)))})`;
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const sign = { lt: "<", lte: "<=", gt: ">", gte: ">=" }[op];
      return `${c} ${sign} ${binds.add(scalar(column, filter, value), cast)}`;
    }
    case "between":
    case "not_between": {
      const [from, to] = range(column, filter);
      const a = binds.add(from, cast);
      const b = binds.add(to, cast);
      return op === "between" ? `${c} BETWEEN ${a} AND ${b}` : `(${c} IS NULL OR ${c} < ${a} OR ${c} > ${b})`;
    }
    default:
      throw Errors.invalidArgument(String(filter.field), `unknown filter operator "${String(op)}"`);
  }
}

/** The type a value is bound as: an id is text. */
const CASTS = { text: "text", number: "float8", date: "timestamptz" } as const;
function castOf(column: ListColumn): string {
  return CASTS[valueKind(column.kind)];
}

/** A filter value as bound: dates as `Date`, numbers and text (ids too) as they are. */
function scalar(column: ListColumn, filter: Filter<string>, value: unknown): string | number | Date {
  const kind = valueKind(column.kind);
  if (kind === "date") {
    const ms =
      value instanceof Date ? value.getTime() : typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : NaN;
    if (Number.isFinite(ms)) return new Date(ms);
  } else if (kind === "number") {
    if (typeof value === "number" && Number.isFinite(value)) return value;
  } else if (typeof value === "string") {
    return value;
  }
  throw Errors.invalidArgument(String(filter.field), `"${filter.op}" needs a ${kind} value`);
}

function likePattern(op: string, filter: Filter<string>, value: unknown): string {
  if (typeof value !== "string") throw Errors.invalidArgument(String(filter.field), `"${filter.op}" needs a text value`);
  const escaped = escapeLike(value);
  return op === "contains" || op === "not_contains" ? `%${escaped}%` : `${escaped}%`;
}

function array(filter: Filter<string>): unknown[] {
  if (!Array.isArray(filter.value)) throw Errors.invalidArgument(String(filter.field), `"${filter.op}" needs a list of values`);
  return filter.value;
}

function range(column: ListColumn, filter: Filter<string>): [string | number | Date, string | number | Date] {
  const list = array(filter);
  if (list.length !== 2) throw Errors.invalidArgument(String(filter.field), `"${filter.op}" needs two values`);
  return [scalar(column, filter, list[0]), scalar(column, filter, list[1])];
}

/** The page size as a whole number ≥ 1 (the service validates; this keeps SQL sane). */
export function pageLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 1;
}

/**
 * `expression ILIKE pattern`, ignoring the case of A-Z only (SQLite LIKE's notion of case)
 * whatever the database's locale: under the "C" collation PostgreSQL folds ASCII letters
 * only. As fast as a plain ILIKE (a `translate()` on both sides was 18 times slower).
 */
export function asciiIlike(expression: string, pattern: string): string {
  return `${expression} COLLATE "C" ILIKE ${pattern}`;
}

/** `%`, `_` and `\` match literally (backslash is LIKE's default escape). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

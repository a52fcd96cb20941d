/**
 * The `where` inputs and sorter enums of the two lists, generated from one table of
 * fields so every filter of WEBINY-COMPAT "Lists" exists with the same operators, and
 * every sorter in both spellings (`createdOn_DESC` and Webiny v6's `values_createdOn_DESC`).
 *
 * Input types are Webiny's, as its headless-CMS filter renderer writes them: entry ids and
 * identities are `ID` (`id_in: [ID!]`), text fields `String` with `_in: [String]` (null
 * items allowed), numbers `Number` with `_in: [Number]`, dates `DateTime` with
 * `_in: [DateTime]`, and two-value ranges `[X!]`. Stint offers a few operators Webiny's
 * renderer leaves out (text matching on `id`, `_not`/`_in` on createdOn/savedOn, ranges
 * on startedOn/finishedOn); their types follow the same rules.
 */

type FieldKind = "id" | "text" | "number" | "date";

const OPERATORS: Record<FieldKind, readonly string[]> = {
  id: ["", "_not", "_in", "_not_in", "_contains", "_not_contains", "_startsWith", "_not_startsWith"],
  text: ["", "_not", "_in", "_not_in", "_contains", "_not_contains", "_startsWith", "_not_startsWith"],
  number: ["", "_not", "_in", "_not_in", "_lt", "_lte", "_gt", "_gte", "_between", "_not_between"],
  date: ["", "_not", "_in", "_not_in", "_lt", "_lte", "_gt", "_gte", "_between", "_not_between"],
};

const SCALAR: Record<FieldKind, string> = { id: "ID", text: "String", number: "Number", date: "DateTime" };

const MATCH_OPERATORS = new Set(["_contains", "_not_contains", "_startsWith", "_not_startsWith"]);
const LIST_OPERATORS = new Set(["_in", "_not_in"]);
const RANGE_OPERATORS = new Set(["_between", "_not_between"]);

/** Nested inputs: a field whose filter is an input object of its own (Webiny's object fields). */
export interface NestedFilter {
  input: string;
  fields: Readonly<Record<string, FieldKind>>;
}

export const TASK_FILTER_FIELDS: Readonly<Record<string, FieldKind>> = {
  id: "id",
  name: "text",
  definitionId: "text",
  parentId: "text",
  executionName: "text",
  taskStatus: "text",
  iterations: "number",
  startedOn: "date",
  finishedOn: "date",
  createdOn: "date",
  savedOn: "date",
  createdBy: "id",
};

export const LOG_FILTER_FIELDS: Readonly<Record<string, FieldKind>> = {
  id: "id",
  task: "text",
  iteration: "number",
  executionName: "text",
  createdOn: "date",
};

/** Webiny's `items` filter of the log list: `WebinyTaskLog_ItemsWhereInput` (its object field renderer). */
export const LOG_NESTED_FILTERS: Readonly<Record<string, NestedFilter>> = {
  items: {
    input: "WebinyTaskLog_ItemsWhereInput",
    fields: { message: "text", createdOn: "date", type: "text" },
  },
};

export const TASK_SORT_FIELDS = [
  "id", "name", "definitionId", "parentId", "executionName", "taskStatus",
  "iterations", "startedOn", "finishedOn", "createdOn", "savedOn",
] as const;

export const LOG_SORT_FIELDS = ["id", "task", "iteration", "executionName", "createdOn"] as const;

function operatorType(kind: FieldKind, operator: string): string {
  // Text matching on an id is a text pattern, not an id.
  const scalar = kind === "id" && MATCH_OPERATORS.has(operator) ? "String" : SCALAR[kind];
  if (RANGE_OPERATORS.has(operator)) return `[${scalar}!]`;
  if (LIST_OPERATORS.has(operator)) return kind === "id" ? `[${scalar}!]` : `[${scalar}]`;
  return scalar;
}

function filterLines(fields: Readonly<Record<string, FieldKind>>): string[] {
  const lines: string[] = [];
  for (const [field, kind] of Object.entries(fields)) {
    for (const operator of OPERATORS[kind]) lines.push(`  ${field}${operator}: ${operatorType(kind, operator)}`);
  }
  return lines;
}

/** Said on every where input: what text matching does, the same on both stores. */
export const MATCHING_DESCRIPTION =
  'All filters must hold. `_contains` and `_startsWith` (and their `_not_` forms) ignore the case of the ASCII letters A-Z only ' +
  '("abc" matches "ABC"; "é" does not match "É"), take at most 1000 characters, and match `%` and `_` literally.';

const ITEMS_DESCRIPTION =
  "Filters on the log's items: a filter holds when some item matches it; a `_not` filter when no item matches its positive form.";

export function whereInputSdl(
  name: string,
  fields: Readonly<Record<string, FieldKind>>,
  nested: Readonly<Record<string, NestedFilter>> = {},
): string {
  const lines = filterLines(fields);
  const inputs: string[] = [];
  for (const [field, filter] of Object.entries(nested)) {
    lines.push(`  ${field}: ${filter.input}`);
    inputs.push(`"""${ITEMS_DESCRIPTION}"""\ninput ${filter.input} {\n${filterLines(filter.fields).join("\n")}\n}`);
  }
  return [`"""${MATCHING_DESCRIPTION}"""\ninput ${name} {\n${lines.join("\n")}\n}`, ...inputs].join("\n\n");
}

export function sorterEnumSdl(name: string, fields: readonly string[]): string {
  const values: string[] = [];
  for (const prefix of ["", "values_"]) {
    for (const field of fields) values.push(`  ${prefix}${field}_ASC`, `  ${prefix}${field}_DESC`);
  }
  return `enum ${name} {\n${values.join("\n")}\n}`;
}

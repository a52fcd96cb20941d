/**
 * The `where` inputs and sorter enums of the two lists, generated from the port's table of
 * list fields (storage/port/list-fields.ts: each field's kind, operators and whether it
 * sorts) so every filter of WEBINY-COMPAT "Lists" exists with the operators the service
 * accepts, and every sorter in both spellings (`createdOn_DESC` and Webiny v6's
 * `values_createdOn_DESC`). The fields come in table order.
 *
 * Input types are Webiny's, as its headless-CMS filter renderer writes them: entry ids and
 * identities are `ID` (`id_in: [ID!]`), text fields `String` with `_in: [String]` (null
 * items allowed), numbers `Number` with `_in: [Number]`, dates `DateTime` with
 * `_in: [DateTime]`, and two-value ranges `[X!]`. Stint offers a few operators Webiny's
 * renderer leaves out (text matching on `id`, `_not`/`_in` on createdOn/savedOn, ranges
 * on startedOn/finishedOn); their types follow the same rules.
 */
import { LOG_ITEM_FIELDS, MATCH_FILTERS, sortableFields, type FieldKind, type FilterOp, type ListField } from "../storage/port/index.js";

const SCALAR: Record<FieldKind, string> = { id: "ID", text: "String", number: "Number", date: "DateTime" };

const LIST_FILTERS: readonly FilterOp[] = ["in", "not_in"];
const RANGE_FILTERS: readonly FilterOp[] = ["between", "not_between"];

/** A list's fields, as storage/port/list-fields.ts declares them. */
type Fields = Readonly<Record<string, ListField>>;

/** Nested inputs: a field whose filter is an input object of its own (Webiny's object fields). */
export interface NestedFilter {
  input: string;
  fields: Fields;
}

/** Webiny's `items` filter of the log list: `WebinyTaskLog_ItemsWhereInput` (its object field renderer). */
export const LOG_NESTED_FILTERS: Readonly<Record<string, NestedFilter>> = {
  items: { input: "WebinyTaskLog_ItemsWhereInput", fields: LOG_ITEM_FIELDS },
};

/** The `where` key of a filter: the bare field for `eq`, else `field_op` (`name_not_in`). */
function filterKey(field: string, op: FilterOp): string {
  return op === "eq" ? field : `${field}_${op}`;
}

function operatorType(kind: FieldKind, op: FilterOp): string {
  // Text matching on an id is a text pattern, not an id.
  const scalar = kind === "id" && MATCH_FILTERS.includes(op) ? "String" : SCALAR[kind];
  if (RANGE_FILTERS.includes(op)) return `[${scalar}!]`;
  if (LIST_FILTERS.includes(op)) return kind === "id" ? `[${scalar}!]` : `[${scalar}]`;
  return scalar;
}

function filterLines(fields: Fields): string[] {
  const lines: string[] = [];
  for (const [field, { kind, filters }] of Object.entries(fields)) {
    for (const op of filters) lines.push(`  ${filterKey(field, op)}: ${operatorType(kind, op)}`);
  }
  return lines;
}

/** Said on every where input: what text matching does, the same on both stores. */
export const MATCHING_DESCRIPTION =
  'All filters must hold. `_contains` and `_startsWith` (and their `_not_` forms) ignore the case of the ASCII letters A-Z only ' +
  '("abc" matches "ABC"; "é" does not match "É"), take at most 1000 characters, and match `%` and `_` literally.';

const ITEMS_DESCRIPTION =
  "Filters on the log's items: a filter holds when some item matches it; a `_not` filter when no item matches its positive form.";

/** A list's `where` input (one line per field and operator) and the inputs of its nested filters. */
export function whereInputSdl(name: string, fields: Fields, nested: Readonly<Record<string, NestedFilter>> = {}): string {
  const lines = filterLines(fields);
  const inputs: string[] = [];
  for (const [field, filter] of Object.entries(nested)) {
    lines.push(`  ${field}: ${filter.input}`);
    inputs.push(`"""${ITEMS_DESCRIPTION}"""\ninput ${filter.input} {\n${filterLines(filter.fields).join("\n")}\n}`);
  }
  return [`"""${MATCHING_DESCRIPTION}"""\ninput ${name} {\n${lines.join("\n")}\n}`, ...inputs].join("\n\n");
}

/** Both spellings of every sortable field's sorters. */
export function sorterEnumSdl(name: string, fields: Fields): string {
  const values: string[] = [];
  for (const prefix of ["", "values_"]) {
    for (const field of sortableFields(fields)) values.push(`  ${prefix}${field}_ASC`, `  ${prefix}${field}_DESC`);
  }
  return `enum ${name} {\n${values.join("\n")}\n}`;
}

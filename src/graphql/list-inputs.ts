/**
 * The `where` inputs and sorter enums of the two lists, generated from one table of
 * fields so every filter of WEBINY-COMPAT "Lists" exists with the same operators, and
 * every sorter in both spellings (`createdOn_DESC` and Webiny v6's `values_createdOn_DESC`).
 */

type FieldKind = "text" | "number" | "date";

const OPERATORS: Record<FieldKind, readonly string[]> = {
  text: ["", "_not", "_in", "_not_in", "_contains", "_not_contains", "_startsWith", "_not_startsWith"],
  number: ["", "_not", "_in", "_not_in", "_lt", "_lte", "_gt", "_gte", "_between", "_not_between"],
  date: ["", "_not", "_in", "_not_in", "_lt", "_lte", "_gt", "_gte"],
};

const SCALAR: Record<FieldKind, string> = { text: "String", number: "Number", date: "DateTime" };

export const TASK_FILTER_FIELDS: Readonly<Record<string, FieldKind>> = {
  id: "text",
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
  createdBy: "text",
};

export const LOG_FILTER_FIELDS: Readonly<Record<string, FieldKind>> = {
  id: "text",
  task: "text",
  iteration: "number",
  executionName: "text",
  createdOn: "date",
};

export const TASK_SORT_FIELDS = [
  "id", "name", "definitionId", "parentId", "executionName", "taskStatus",
  "iterations", "startedOn", "finishedOn", "createdOn", "savedOn",
] as const;

export const LOG_SORT_FIELDS = ["id", "task", "iteration", "executionName", "createdOn"] as const;

function operatorType(kind: FieldKind, operator: string): string {
  const scalar = SCALAR[kind];
  if (operator === "_in" || operator === "_not_in" || operator === "_between" || operator === "_not_between") {
    return `[${scalar}!]`;
  }
  return scalar;
}

export function whereInputSdl(name: string, fields: Readonly<Record<string, FieldKind>>): string {
  const lines: string[] = [];
  for (const [field, kind] of Object.entries(fields)) {
    for (const operator of OPERATORS[kind]) lines.push(`  ${field}${operator}: ${operatorType(kind, operator)}`);
  }
  return `input ${name} {\n${lines.join("\n")}\n}`;
}

export function sorterEnumSdl(name: string, fields: readonly string[]): string {
  const values: string[] = [];
  for (const prefix of ["", "values_"]) {
    for (const field of fields) values.push(`  ${prefix}${field}_ASC`, `  ${prefix}${field}_DESC`);
  }
  return `enum ${name} {\n${values.join("\n")}\n}`;
}

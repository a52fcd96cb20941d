/**
 * The GraphQL list inputs and the service's parsing come from one table of fields
 * (src/storage/port/list-fields.ts): every `where` key and sorter the schema offers is
 * one the service reads as that field and operator, and the schema offers every filter
 * of the table, nothing more.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildSchema, getNamedType, GraphQLEnumType, GraphQLInputObjectType, isListType, isNonNullType, type GraphQLInputType } from "graphql";
import { buildSchemaSdl } from "../../src/graphql/schema-sdl.js";
import { parseLogListParams, parseTaskListParams } from "../../src/service/parse-list-params.js";
import { LOG_ITEM_FIELDS, LOG_LIST_FIELDS, TASK_LIST_FIELDS, type ListField } from "../../src/storage/port/index.js";
import type { Filter, ListParams } from "../../src/storage/port/types.js";

const schema = buildSchema(buildSchemaSdl(["sendEmail"]));

function inputFields(name: string) {
  const type = schema.getType(name);
  assert.ok(type instanceof GraphQLInputObjectType, name);
  return type.getFields();
}

/** A value of `type` that the field's filter takes: one of its values, or one of its kind. */
function sample(type: GraphQLInputType, key: string, field: ListField): unknown {
  const scalar = field.values?.[0] ?? { id: "01ABC", text: "abc", number: 1, date: "2024-05-01T00:00:00.000Z" }[field.kind];
  if (isNonNullType(type)) return sample(type.ofType, key, field);
  if (isListType(type)) return key.endsWith("between") ? [scalar, scalar] : [scalar];
  return scalar;
}

/** Every key of the input, parsed by the service: the filter it becomes. */
function parseEveryKey<F extends string>(
  input: string,
  fields: Readonly<Record<F, ListField>>,
  parse: (where: Record<string, unknown>) => readonly Filter<string>[],
  skip: readonly string[] = [],
): void {
  const keys = Object.entries(inputFields(input)).filter(([key]) => !skip.includes(key));
  for (const [key, { type }] of keys) {
    const cut = key.indexOf("_");
    const field = (cut === -1 ? key : key.slice(0, cut)) as F;
    assert.ok(Object.hasOwn(fields, field), `${input}.${key}: a field of the table`);
    const [filter] = parse({ [key]: sample(type, key, fields[field]) });
    assert.equal(filter.field, field, key);
    assert.equal(filter.op === "eq" ? field : `${field}_${filter.op}`, key);
    assert.ok(fields[field].filters.includes(filter.op), key);
  }
  const offered = Object.values<ListField>(fields).reduce((sum, spec) => sum + spec.filters.length, 0);
  assert.equal(keys.length, offered, `${input} offers every filter of the table`);
}

function sorters(name: string): string[] {
  const type = schema.getType(name);
  assert.ok(type instanceof GraphQLEnumType, name);
  return type.getValues().map((value) => value.name);
}

describe("GraphQL list inputs from the port's table of fields", () => {
  it("offers as task filters exactly the table's, each read by the service as its field and operator", () => {
    parseEveryKey("WebinyBackgroundTaskListWhereInput", TASK_LIST_FIELDS, (where) => parseTaskListParams({ where }).filters);
  });

  it("offers as log and item filters exactly the tables', each read by the service", () => {
    parseEveryKey("WebinyBackgroundTaskLogListWhereInput", LOG_LIST_FIELDS, (where) => parseLogListParams({ where }).filters, ["items"]);
    assert.equal(getNamedType(inputFields("WebinyBackgroundTaskLogListWhereInput").items.type).name, "WebinyTaskLog_ItemsWhereInput");
    parseEveryKey("WebinyTaskLog_ItemsWhereInput", LOG_ITEM_FIELDS, (items) => parseLogListParams({ where: { items } }).itemFilters ?? []);
  });

  it("offers both spellings of a sorter for every sortable field, and the service reads each", () => {
    const cases: [string, Readonly<Record<string, ListField>>, (sort: string[]) => ListParams<string>][] = [
      ["WebinyBackgroundTaskListSorter", TASK_LIST_FIELDS, (sort) => parseTaskListParams({ sort })],
      ["WebinyBackgroundTaskLogListSorter", LOG_LIST_FIELDS, (sort) => parseLogListParams({ sort })],
    ];
    for (const [name, fields, parse] of cases) {
      const sortable = Object.keys(fields).filter((field) => fields[field].sortable);
      const values = sorters(name);
      assert.equal(values.length, sortable.length * 4, name);
      for (const value of values) {
        const [first] = parse([value]).sort;
        const field = value.replace(/^values_/, "").replace(/_(ASC|DESC)$/, "");
        assert.deepEqual(first, { field, direction: value.endsWith("_ASC") ? "asc" : "desc" }, value);
        assert.ok(sortable.includes(field), value);
      }
    }
    assert.ok(!sorters("WebinyBackgroundTaskListSorter").includes("createdBy_ASC"), "an identity has no order");
  });
});

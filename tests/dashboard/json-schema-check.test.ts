/**
 * The trigger form's schema check (dashboard/src/json-schema-check.ts) against zod itself:
 * for each zod schema a definition might declare, the check of its published JSON Schema
 * (zod's input mode, as listDefinitions sends it) accepts exactly the values zod accepts.
 * Plus where each issue is reported and what it says.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { checkAgainstSchema, formatPath } from "../../dashboard/src/json-schema-check.js";
import type { JsonSchema } from "../../dashboard/src/types.js";

const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input" }) as JsonSchema;

const CASES: [string, z.ZodType, unknown[]][] = [
  ["string length and pattern", z.object({ code: z.string().min(2).max(4).regex(/^[A-Z]+$/) }), [{ code: "AB" }, { code: "A" }, { code: "ABCDE" }, { code: "ab" }, { code: 12 }, {}, { code: "😀😀" }]],
  ["integer bounds", z.object({ n: z.number().int().min(1).max(10) }), [{ n: 1 }, { n: 10 }, { n: 0 }, { n: 11 }, { n: 2.5 }, { n: "3" }]],
  ["exclusive bounds and multipleOf", z.object({ n: z.number().positive().lt(100).multipleOf(5) }), [{ n: 5 }, { n: 95 }, { n: 0 }, { n: 100 }, { n: 7 }, { n: -5 }]],
  ["enum, literal, boolean", z.object({ mode: z.enum(["full", "incremental"]), kind: z.literal("csv"), dry: z.boolean() }), [
    { mode: "full", kind: "csv", dry: false },
    { mode: "partial", kind: "csv", dry: false },
    { mode: "full", kind: "tsv", dry: false },
    { mode: "full", kind: "csv", dry: "no" },
  ]],
  ["optional, default and nullable", z.object({ a: z.string().optional(), b: z.number().default(3), c: z.string().nullable() }), [{ c: null }, { c: "x", a: "y", b: 1 }, {}, { c: 1 }, { c: null, a: null }]],
  ["arrays of nested objects", z.object({ rows: z.array(z.object({ id: z.string(), qty: z.number().int().nonnegative() })).min(1).max(2) }), [
    { rows: [{ id: "a", qty: 0 }] },
    { rows: [] },
    { rows: [{ id: "a", qty: 1 }, { id: "b", qty: 2 }, { id: "c", qty: 3 }] },
    { rows: [{ id: "a", qty: -1 }] },
    { rows: [{ qty: 1 }] },
    { rows: "a" },
  ]],
  ["records and tuples", z.object({ weights: z.record(z.string(), z.number()), pair: z.tuple([z.string(), z.number()]) }), [
    { weights: { a: 1 }, pair: ["x", 1] },
    { weights: { a: "1" }, pair: ["x", 1] },
    { weights: {}, pair: ["x"] },
    { weights: {}, pair: ["x", 1, 2] },
    { weights: {}, pair: [1, "x"] },
  ]],
  ["strict objects", z.strictObject({ a: z.string() }), [{ a: "x" }, { a: "x", b: 1 }]],
  ["unions", z.object({ v: z.union([z.string().min(3), z.number().int()]) }), [{ v: "abc" }, { v: 4 }, { v: "ab" }, { v: 4.5 }, { v: true }]],
];

describe("dashboard schema check", () => {
  for (const [name, schema, values] of CASES) {
    it(`accepts what zod accepts: ${name}`, () => {
      const json = schemaOf(schema);
      for (const value of values) {
        const zodAccepts = schema.safeParse(value).success;
        const issues = checkAgainstSchema(json, value);
        assert.equal(issues.length === 0, zodAccepts, `${JSON.stringify(value)}: zod ${zodAccepts ? "accepts" : "refuses"}, the check says ${JSON.stringify(issues)}`);
      }
    });
  }

  it("reports each issue at its path with a message a person reads", () => {
    const schema = schemaOf(
      z.object({
        file: z.string().min(1),
        chunkBytes: z.number().int().min(1024),
        mode: z.enum(["a", "b"]),
        rows: z.array(z.object({ id: z.string() })),
      }),
    );
    const issues = checkAgainstSchema(schema, { file: "", chunkBytes: 10, mode: "c", rows: [{ id: "x" }, {}] });
    assert.deepEqual(
      issues.map((issue) => [formatPath(issue.path), issue.message]),
      [
        ["file", "Must not be empty."],
        ["chunkBytes", "Must be at least 1024."],
        ["mode", "Must be one of “a”, “b”."],
        ["rows[1].id", "Required."],
      ],
    );
    assert.deepEqual(checkAgainstSchema(schema, {}).map((issue) => formatPath(issue.path)), ["file", "chunkBytes", "mode", "rows"]);
  });

  it("follows local $refs (zod's $defs for a schema used twice)", () => {
    const item = z.object({ id: z.string() }).meta({ id: "Item" });
    const json = z.toJSONSchema(z.object({ a: item, b: item }), { io: "input" }) as JsonSchema;
    assert.ok(JSON.stringify(json).includes("$ref"), "the schema uses a $ref");
    assert.deepEqual(checkAgainstSchema(json, { a: { id: "x" }, b: { id: "y" } }), []);
    assert.deepEqual(checkAgainstSchema(json, { a: { id: "x" }, b: {} }), [{ path: ["b", "id"], message: "Required." }]);
  });

  it("checks nothing without a schema", () => {
    assert.deepEqual(checkAgainstSchema(null, { anything: 1 }), []);
  });
});

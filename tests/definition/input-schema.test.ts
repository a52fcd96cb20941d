/**
 * The published `inputSchema` against the trigger itself: what the schema forbids the
 * trigger refuses, and what the trigger accepts the schema allows.
 */
import { describe, it, after, before } from "node:test";
import assert from "node:assert/strict";
import { sqliteStore } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; required?: string[] };

/** Whether an object schema lets `key` through without declaring it. */
function allowsUndeclaredKey(schema: Schema, key: string): boolean {
  if (schema.properties && key in schema.properties) throw new Error(`"${key}" is declared`);
  return schema.additionalProperties !== false;
}

function requires(schema: Schema, key: string): boolean {
  return (schema.required ?? []).includes(key);
}

const plain = createTaskDefinition({
  id: "plainObject",
  title: "Plain object",
  createInputValidation: ({ validator: z }) =>
    z.object({
      file: z.string().min(1),
      chunkBytes: z.number().int().default(1024),
      mode: z.enum(["fast", "safe"]).optional(),
      length: z.string().transform((text) => text.length),
      nested: z.object({ a: z.string() }).optional(),
    }),
  run: ({ response }) => response.done(),
});

const strict = createTaskDefinition({
  id: "strictObject",
  title: "Strict object",
  createInputValidation: ({ validator: z }) => z.strictObject({ file: z.string() }),
  run: ({ response }) => response.done(),
});

describe("the published input schema describes what the trigger accepts", () => {
  let f: StintFixture;
  let plainSchema: Schema;
  let strictSchema: Schema;
  before(async () => {
    f = await stintFixture(sqliteStore, [plain, strict]);
    const schemas = new Map(f.stint.tasks.listDefinitions().map((d) => [d.id, d.inputSchema as Schema]));
    plainSchema = schemas.get("plainObject")!;
    strictSchema = schemas.get("strictObject")!;
  });
  after(() => f.close());

  const refusal = (field: string) => (error: unknown) =>
    isStintError(error, "VALIDATION_FAILED_INVALID_FIELDS") &&
    Object.hasOwn((error.data as { invalidFields: object }).invalidFields, field);

  it("allows extra keys on a plain z.object, which the trigger accepts and stores", async () => {
    assert.equal(allowsUndeclaredKey(plainSchema, "extra"), true);
    const input = { file: "a.csv", length: "abc", extra: 1 };
    const task = await f.stint.tasks.trigger({ definition: "plainObject", input });
    assert.deepEqual(task.input, input);
  });

  it("allows extra keys on a nested plain z.object too", async () => {
    assert.equal(allowsUndeclaredKey(plainSchema.properties!.nested!, "extra"), true);
    await f.stint.tasks.trigger({ definition: "plainObject", input: { file: "a.csv", length: "", nested: { a: "x", extra: 1 } } });
  });

  it("allows extra keys on a strict object too, which Webiny loosens and the trigger accepts", async () => {
    assert.equal(allowsUndeclaredKey(strictSchema, "extra"), true);
    const task = await f.stint.tasks.trigger({ definition: "strictObject", input: { file: "a.csv", extra: 1 } });
    assert.deepEqual(task.input, { file: "a.csv", extra: 1 });
  });

  it("makes a field with .default() optional, keeping the default as a hint", async () => {
    assert.equal(requires(plainSchema, "chunkBytes"), false);
    assert.equal(plainSchema.properties!.chunkBytes!.default, 1024);
    await f.stint.tasks.trigger({ definition: "plainObject", input: { file: "a.csv", length: "" } });
  });

  it("requires what the trigger requires", async () => {
    assert.deepEqual(plainSchema.required, ["file", "length"]);
    await assert.rejects(f.stint.tasks.trigger({ definition: "plainObject", input: { length: "" } }), refusal("file"));
  });

  it("describes a transformed field by the value it reads", async () => {
    assert.equal(plainSchema.properties!.length!.type, "string");
    await assert.rejects(f.stint.tasks.trigger({ definition: "plainObject", input: { file: "a.csv", length: 3 } }), refusal("length"));
  });
});

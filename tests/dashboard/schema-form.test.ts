import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { buildInput, fieldsOf, initialValues } from "../../dashboard/src/schema-form.js";
import type { JsonSchema } from "../../dashboard/src/types.js";

// The schema as the API publishes it (zod's input mode, src/definition/input-validation.ts).
const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input" }) as JsonSchema;

describe("dashboard trigger form", () => {
  it("sends a field's zod default when it is left empty (the trigger stores the input as given)", () => {
    const fields = fieldsOf(schemaOf(z.object({ file: z.string(), chunkBytes: z.number().default(1024), dryRun: z.boolean().default(false) })))!;
    assert.deepEqual(
      fields.map((f) => [f.name, f.required]),
      [["file", true], ["chunkBytes", false], ["dryRun", false]],
    );
    const values = { ...initialValues(fields), file: "a.csv", chunkBytes: "", dryRun: "" };
    assert.deepEqual(buildInput(fields, values), { input: { file: "a.csv", chunkBytes: 1024, dryRun: false }, errors: {} });
  });

  it("still refuses an empty required field and leaves out an empty optional one without a default", () => {
    const fields = fieldsOf(schemaOf(z.object({ file: z.string(), note: z.string().optional() })))!;
    assert.deepEqual(buildInput(fields, { file: "", note: "" }), { input: {}, errors: { file: "Required." } });
  });
});

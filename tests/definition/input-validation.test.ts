import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizeDefinition } from "../../src/definition/normalize.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";
import type { TaskDefinitionInterface } from "../../src/definition/types.js";

const base: TaskDefinitionInterface = {
  id: "validated",
  title: "Validated",
  run: ({ controller }) => controller.response.done(),
};

describe("input validation with a map of zod schemas", () => {
  const handle = normalizeDefinition({
    ...base,
    createInputValidation: ({ validator }) => ({
      email: validator.string().email(),
      count: validator.number().int().min(1),
      nested: validator.object({ tags: validator.array(validator.string()) }).optional(),
    }),
  });

  it("accepts valid input, extra keys included (the map is a loose object)", () => {
    assert.equal(handle.validateInput({ email: "a@b.co", count: 2, extra: true }), null);
  });

  it("returns Webiny's invalidFields shape keyed by field path", () => {
    assert.deepEqual(handle.validateInput({ email: "nope", count: 0, nested: { tags: ["ok", 5] } }), {
      email: { code: "invalid_format", message: "Invalid email address", data: { path: ["email"] } },
      count: { code: "too_small", message: "Too small: expected number to be >=1", data: { path: ["count"] } },
      "nested.tags.1": {
        code: "invalid_type",
        message: "Invalid input: expected string, received number",
        data: { path: ["nested", "tags", 1] },
      },
    });
  });

  it("reports missing fields", () => {
    assert.deepEqual(handle.validateInput({ count: 1 }), {
      email: {
        code: "invalid_type",
        message: "Invalid input: expected string, received undefined",
        data: { path: ["email"] },
      },
    });
  });

  it("keys issues about the whole input as \"input\"", () => {
    assert.deepEqual(handle.validateInput("text"), {
      input: { code: "invalid_type", message: "Invalid input: expected object, received string", data: { path: [] } },
    });
  });

  it("produces a JSON Schema of the input", () => {
    const schema = handle.inputJsonSchema();
    assert.ok(schema);
    assert.equal(schema.type, "object");
    assert.deepEqual(schema.required, ["email", "count"]);
    assert.deepEqual(Object.keys(schema.properties as object), ["email", "count", "nested"]);
    assert.deepEqual(schema.additionalProperties, {});
  });
});

describe("input validation with a zod schema", () => {
  it("uses the schema as is (a strict object refuses extra keys)", () => {
    const handle = createTaskDefinition({
      id: "strict",
      title: "Strict",
      run: ({ response }) => response.done(),
      createInputValidation: ({ validator }) => validator.strictObject({ id: validator.string() }),
    });
    assert.equal(handle.validateInput({ id: "x" }), null);
    assert.deepEqual(handle.validateInput({ id: "x", more: 1 }), {
      input: { code: "unrecognized_keys", message: 'Unrecognized key: "more"', data: { path: [] } },
    });
    assert.deepEqual(handle.inputJsonSchema(), {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { id: { type: "string" } },
      required: ["id"],
      additionalProperties: false,
    });
  });

  it("keeps the first issue for a path", () => {
    const handle = normalizeDefinition({
      ...base,
      createInputValidation: ({ validator }) => validator.object({ code: validator.string().min(5).regex(/^[0-9]+$/) }),
    });
    const fields = handle.validateInput({ code: "ab" });
    assert.deepEqual(Object.keys(fields!), ["code"]);
    assert.equal(fields!.code.code, "too_small");
  });

  it("handles field names that would otherwise touch the prototype", () => {
    const handle = normalizeDefinition({
      ...base,
      createInputValidation: ({ validator }) => ({ constructor: validator.string(), toString: validator.string() }),
    });
    const fields = handle.validateInput({});
    assert.ok(fields && Object.hasOwn(fields, "constructor") && Object.hasOwn(fields, "toString"));
    assert.equal(Object.getPrototypeOf(fields), Object.prototype);
  });

  it("answers null for the JSON Schema when zod cannot express the input", () => {
    const handle = normalizeDefinition({ ...base, createInputValidation: ({ validator }) => ({ when: validator.date() }) });
    assert.equal(handle.inputJsonSchema(), null);
    assert.equal(handle.validateInput({ when: new Date() }), null);
  });
});

describe("createInputValidation is lazy", () => {
  it("is called once, on first use, and cached", () => {
    let calls = 0;
    const handle = normalizeDefinition({
      ...base,
      createInputValidation({ validator }) {
        calls += 1;
        return { a: validator.string() };
      },
    });
    assert.equal(calls, 0);
    handle.validateInput({ a: "x" });
    handle.validateInput({ a: 1 });
    handle.inputJsonSchema();
    assert.equal(calls, 1);
  });

  it("calls createInputValidation on the definition (this)", () => {
    class WithThis implements TaskDefinitionInterface {
      id = "withThis";
      title = "With this";
      private readonly minimum = 3;
      run: TaskDefinitionInterface["run"] = ({ controller }) => controller.response.done();
      createInputValidation({ validator }: { validator: typeof import("zod").z }) {
        return { n: validator.number().min(this.minimum) };
      }
    }
    const handle = normalizeDefinition(new WithThis());
    assert.equal(handle.validateInput({ n: 3 }), null);
    assert.ok(handle.validateInput({ n: 2 }));
  });

  it("refuses a validation that is neither a schema nor a map of schemas, at first use", () => {
    const handle = normalizeDefinition({ ...base, createInputValidation: () => ({ a: "string" }) as never });
    assert.throws(
      () => handle.validateInput({}),
      (error) =>
        isStintError(error, "TASK_DEFINITION_INVALID") &&
        error.message ===
          'Task definition "validated" is invalid: createInputValidation must return a zod schema or an object whose values are zod schemas.',
    );
    assert.equal(handle.inputJsonSchema(), null);
  });

  it("reports a createInputValidation that throws as an invalid definition", () => {
    const handle = normalizeDefinition({
      ...base,
      createInputValidation: () => {
        throw new Error("oops");
      },
    });
    assert.throws(
      () => handle.validateInput({}),
      (error) => isStintError(error, "TASK_DEFINITION_INVALID") && /createInputValidation threw: oops/.test(error.message),
    );
  });
});

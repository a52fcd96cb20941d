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

  it("accepts valid input, extra keys included (the map is a loose object)", async () => {
    assert.equal(await handle.validateInput({ email: "a@b.co", count: 2, extra: true }), null);
  });

  it("returns Webiny's invalidFields shape keyed by field path", async () => {
    assert.deepEqual(await handle.validateInput({ email: "nope", count: 0, nested: { tags: ["ok", 5] } }), {
      email: { code: "invalid_format", message: "Invalid email address", data: { path: ["email"] } },
      count: { code: "too_small", message: "Too small: expected number to be >=1", data: { path: ["count"] } },
      "nested.tags.1": {
        code: "invalid_type",
        message: "Invalid input: expected string, received number",
        data: { path: ["nested", "tags", 1] },
      },
    });
  });

  it("reports missing fields", async () => {
    assert.deepEqual(await handle.validateInput({ count: 1 }), {
      email: {
        code: "invalid_type",
        message: "Invalid input: expected string, received undefined",
        data: { path: ["email"] },
      },
    });
  });

  it("keys issues about the whole input as \"input\"", async () => {
    assert.deepEqual(await handle.validateInput("text"), {
      input: { code: "invalid_type", message: "Invalid input: expected object, received string", data: { path: [] } },
    });
  });

  it("produces a JSON Schema of the input", async () => {
    const schema = handle.inputJsonSchema();
    assert.ok(schema);
    assert.equal(schema.type, "object");
    assert.deepEqual(schema.required, ["email", "count"]);
    assert.deepEqual(Object.keys(schema.properties as object), ["email", "count", "nested"]);
    assert.deepEqual(schema.additionalProperties, {});
  });
});

describe("input validation with a zod schema", () => {
  it("makes an object schema loose, as Webiny's getZodSchema does (even a strictObject lets extra keys pass)", async () => {
    const handle = createTaskDefinition({
      id: "strict",
      title: "Strict",
      run: ({ response }) => response.done(),
      createInputValidation: ({ validator }) => validator.strictObject({ id: validator.string() }),
    });
    assert.equal(await handle.validateInput({ id: "x" }), null);
    assert.equal(await handle.validateInput({ id: "x", more: 1 }), null);
    assert.deepEqual(await handle.validateInput({ more: 1 }), {
      id: { code: "invalid_type", message: "Invalid input: expected string, received undefined", data: { path: ["id"] } },
    });
    assert.deepEqual(handle.inputJsonSchema(), {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { id: { type: "string" } },
      required: ["id"],
      additionalProperties: {},
    });
  });

  it("uses any other schema as it is (a union is not loosened)", async () => {
    const handle = normalizeDefinition({
      ...base,
      createInputValidation: ({ validator }) => validator.union([validator.object({ a: validator.string() }), validator.object({ b: validator.number() })]),
    });
    assert.equal(await handle.validateInput({ b: 1 }), null);
    assert.ok(await handle.validateInput({ c: 1 }));
  });

  it("accepts any input when createInputValidation returns nothing, as Webiny's getZodSchema does", async () => {
    const handle = normalizeDefinition({ ...base, createInputValidation: () => undefined as never });
    assert.equal(await handle.validateInput({ anything: true }), null);
  });

  it("parses with safeParseAsync, so async refinements work (Webiny's validateTaskInput)", async () => {
    const taken = new Set(["ada"]);
    const handle = normalizeDefinition({
      ...base,
      createInputValidation: ({ validator }) => ({
        user: validator.string().refine(async (name) => {
          await new Promise((resolve) => setImmediate(resolve));
          return !taken.has(name);
        }, "This user name is taken."),
      }),
    });
    assert.equal(await handle.validateInput({ user: "grace" }), null);
    assert.deepEqual(await handle.validateInput({ user: "ada" }), {
      user: { code: "custom", message: "This user name is taken.", data: { path: ["user"] } },
    });
  });

  it("keeps the first issue for a path", async () => {
    const handle = normalizeDefinition({
      ...base,
      createInputValidation: ({ validator }) => validator.object({ code: validator.string().min(5).regex(/^[0-9]+$/) }),
    });
    const fields = await handle.validateInput({ code: "ab" });
    assert.deepEqual(Object.keys(fields!), ["code"]);
    assert.equal(fields!.code.code, "too_small");
  });

  it("handles field names that would otherwise touch the prototype", async () => {
    const handle = normalizeDefinition({
      ...base,
      createInputValidation: ({ validator }) => ({ constructor: validator.string(), toString: validator.string() }),
    });
    const fields = await handle.validateInput({});
    assert.ok(fields && Object.hasOwn(fields, "constructor") && Object.hasOwn(fields, "toString"));
    assert.equal(Object.getPrototypeOf(fields), Object.prototype);
  });

  it("answers null for the JSON Schema when zod cannot express the input", async () => {
    const handle = normalizeDefinition({ ...base, createInputValidation: ({ validator }) => ({ when: validator.date() }) });
    assert.equal(handle.inputJsonSchema(), null);
    assert.equal(await handle.validateInput({ when: new Date() }), null);
  });
});

describe("createInputValidation is lazy", () => {
  it("is called once, on first use, and cached", async () => {
    let calls = 0;
    const handle = normalizeDefinition({
      ...base,
      createInputValidation({ validator }) {
        calls += 1;
        return { a: validator.string() };
      },
    });
    assert.equal(calls, 0);
    await handle.validateInput({ a: "x" });
    await handle.validateInput({ a: 1 });
    handle.inputJsonSchema();
    assert.equal(calls, 1);
  });

  it("calls createInputValidation on the definition (this)", async () => {
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
    assert.equal(await handle.validateInput({ n: 3 }), null);
    assert.ok(await handle.validateInput({ n: 2 }));
  });

  it("refuses a validation that is neither a schema nor a map of schemas, at first use", async () => {
    const handle = normalizeDefinition({ ...base, createInputValidation: () => ({ a: "string" }) as never });
    await assert.rejects(
      handle.validateInput({}),
      (error) =>
        isStintError(error, "TASK_DEFINITION_INVALID") &&
        error.message ===
          'Task definition "validated" is invalid: createInputValidation must return a zod schema or an object whose values are zod schemas.',
    );
    assert.equal(handle.inputJsonSchema(), null);
  });

  it("reports a createInputValidation that throws as an invalid definition", async () => {
    const handle = normalizeDefinition({
      ...base,
      createInputValidation: () => {
        throw new Error("oops");
      },
    });
    await assert.rejects(
      handle.validateInput({}),
      (error) => isStintError(error, "TASK_DEFINITION_INVALID") && /createInputValidation threw: oops/.test(error.message),
    );
  });
});

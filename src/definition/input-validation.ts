/**
 * A definition's `createInputValidation({ validator })`, made into the two things the
 * service needs: a check returning Webiny's `invalidFields` shape, and a JSON Schema for
 * `listDefinitions`. The schema is built on first use, not at definition time, so that
 * importing a config with many definitions stays cheap.
 *
 * The JSON Schema describes what the trigger accepts, i.e. zod's input side (`io: "input"`):
 * a plain `z.object` strips unknown keys rather than refusing them, so it must not say
 * `additionalProperties: false`; a field with `.default()` may be left out; a transform is
 * described by what it reads. zod's output side (the default) says the opposite on each.
 * Where zod's declared input is narrower than what it parses (`.catch()`, `z.coerce.*`,
 * `z.preprocess`), the schema follows the declared type.
 */
import { z } from "zod";
import { Errors } from "../domain/errors.js";
import type { InputValidation, InvalidFields } from "./types.js";

export interface InputValidator {
  /** Parses with `safeParseAsync`, as Webiny does: schemas may use async refinements. */
  validate(input: unknown): Promise<InvalidFields | null>;
  jsonSchema(): Record<string, unknown> | null;
}

/** Key used when an issue concerns the input as a whole (e.g. it is not an object). */
export const ROOT_FIELD = "input";

const NO_VALIDATION: InputValidator = { validate: async () => null, jsonSchema: () => null };

export function createInputValidator(
  definitionId: string,
  createValidation: ((params: { validator: typeof z }) => InputValidation) | undefined,
): InputValidator {
  if (!createValidation) return NO_VALIDATION;

  let schema: z.ZodType | undefined;
  const getSchema = (): z.ZodType => (schema ??= buildSchema(definitionId, createValidation));

  return {
    async validate(input) {
      const result = await getSchema().safeParseAsync(input);
      return result.success ? null : toInvalidFields(result.error.issues);
    },
    jsonSchema() {
      try {
        return z.toJSONSchema(getSchema(), { io: "input" }) as Record<string, unknown>;
      } catch {
        // Some zod types (dates, bigints, custom) have no JSON Schema; the schema is
        // informational only, so its absence must not break listDefinitions.
        return null;
      }
    },
  };
}

function buildSchema(
  definitionId: string,
  createValidation: (params: { validator: typeof z }) => InputValidation,
): z.ZodType {
  let validation: unknown;
  try {
    validation = createValidation({ validator: z });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw Errors.definitionInvalid(definitionId, `createInputValidation threw: ${reason}`);
  }
  // Webiny's getZodSchema: nothing → any object; an object schema → the same, loose (extra
  // keys pass, even for a strictObject); any other schema as it is; a map → a loose object.
  if (validation === undefined || validation === null) return z.looseObject({});
  if (validation instanceof z.ZodObject) return validation.loose();
  if (isZodSchema(validation)) return validation;
  if (isSchemaMap(validation)) return z.looseObject(validation);
  throw Errors.definitionInvalid(
    definitionId,
    "createInputValidation must return a zod schema or an object whose values are zod schemas.",
  );
}

/** zod 4 schemas carry `_zod`; a zod 3 schema would not compose with `z.looseObject`. */
function isZodSchema(value: unknown): value is z.ZodType {
  return (
    value !== null &&
    typeof value === "object" &&
    "_zod" in value &&
    typeof (value as { safeParse?: unknown }).safeParse === "function"
  );
}

function isSchemaMap(value: unknown): value is Record<string, z.ZodType> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.values(value).every(isZodSchema)
  );
}

/** Webiny's shape: one entry per field path ("a.b.0"), the first issue for that path wins. */
export function toInvalidFields(issues: readonly z.core.$ZodIssue[]): InvalidFields {
  // A Map, then fromEntries: field names come from user input ("__proto__", "constructor").
  const fields = new Map<string, InvalidFields[string]>();
  for (const issue of issues) {
    const path = issue.path.map((key) => (typeof key === "symbol" ? String(key) : key));
    const field = path.length === 0 ? ROOT_FIELD : path.join(".");
    if (fields.has(field)) continue;
    fields.set(field, { code: issue.code, message: issue.message, data: { path } });
  }
  return Object.fromEntries(fields);
}

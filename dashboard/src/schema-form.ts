/**
 * JSON Schema (as zod's toJSONSchema writes it) → form fields, and form values → the
 * task input. Understood: string, number, integer, boolean, enum, array of strings;
 * any other property gets a small JSON box. A schema that is not an object with
 * properties is not a form at all: the caller shows the JSON editor instead.
 */
import type { JsonSchema } from "./types.js";

export type FieldKind = "string" | "number" | "integer" | "boolean" | "enum" | "strings" | "json";

export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  label: string;
  description?: string;
  options?: string[];
  placeholder?: string;
  min?: number;
  max?: number;
  initial: string | boolean;
  /**
   * The schema's `default`: what an optional field left empty sends. The trigger stores
   * the input as given, not as zod parsed it (WEBINY-COMPAT), so a zod `.default()` never
   * reaches run() unless the caller sends it.
   */
  fallback?: unknown;
}

export type FormValues = Record<string, string | boolean>;

/** `anyOf: [X, { type: "null" }]` (a nullable X) reads as X. */
function unwrapNullable(schema: JsonSchema): JsonSchema {
  const union = schema.anyOf ?? schema.oneOf;
  if (!union) return schema;
  const rest = union.filter((option) => option.type !== "null");
  return rest.length === 1 ? { ...rest[0], description: schema.description ?? rest[0].description } : schema;
}

function kindOf(schema: JsonSchema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((v) => typeof v === "string")) return "enum";
  const type = Array.isArray(schema.type) ? schema.type.filter((t) => t !== "null") : [schema.type];
  if (type.length !== 1) return "json";
  switch (type[0]) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "integer":
      return "integer";
    case "boolean":
      return "boolean";
    case "array":
      return schema.items && unwrapNullable(schema.items).type === "string" && !schema.items.enum ? "strings" : "json";
    default:
      return "json";
  }
}

const SAFE = Number.MAX_SAFE_INTEGER;
function bound(value: unknown): number | undefined {
  return typeof value === "number" && Math.abs(value) < SAFE ? value : undefined;
}

function example(schema: JsonSchema): unknown {
  return Array.isArray(schema.examples) ? schema.examples[0] : undefined;
}

function initialOf(kind: FieldKind, value: unknown): string | boolean {
  if (value === undefined || value === null) return kind === "boolean" ? "" : "";
  if (kind === "boolean") return value === true ? "true" : value === false ? "false" : "";
  if (kind === "strings") return Array.isArray(value) ? value.map(String).join("\n") : "";
  if (kind === "json") return JSON.stringify(value, null, 2);
  return String(value);
}

/** The fields of an object schema, or null when the schema needs the JSON editor. */
export function fieldsOf(schema: JsonSchema | null | undefined): Field[] | null {
  if (!schema || typeof schema !== "object") return null;
  const root = unwrapNullable(schema);
  if (root.type !== "object" || !root.properties || Object.keys(root.properties).length === 0) return null;
  const required = new Set(root.required ?? []);
  return Object.entries(root.properties).map(([name, raw]) => {
    const property = unwrapNullable(raw);
    const kind = kindOf(property);
    const sample = example(property);
    return {
      name,
      kind,
      required: required.has(name),
      label: property.title ?? name,
      description: property.description,
      options: kind === "enum" ? (property.enum as string[]) : undefined,
      placeholder: sample === undefined ? undefined : `e.g. ${kind === "strings" && Array.isArray(sample) ? sample.join(", ") : typeof sample === "string" ? sample : JSON.stringify(sample)}`,
      min: bound(property.minimum) ?? bound(property.exclusiveMinimum),
      max: bound(property.maximum) ?? bound(property.exclusiveMaximum),
      initial: initialOf(kind, property.default),
      ...(property.default === undefined ? {} : { fallback: property.default }),
    };
  });
}

export function initialValues(fields: Field[]): FormValues {
  return Object.fromEntries(fields.map((field) => [field.name, field.initial]));
}

/** Values from an input object (when switching back from the JSON editor). */
export function valuesFromInput(fields: Field[], input: Record<string, unknown>): FormValues {
  return Object.fromEntries(fields.map((field) => [field.name, initialOf(field.kind, input[field.name])]));
}

export interface BuildResult {
  input: Record<string, unknown>;
  errors: Record<string, string>;
}

/**
 * The input object. An empty field sends its schema default when it has one (see
 * `fallback`), is refused when required, and is otherwise left out.
 */
export function buildInput(fields: Field[], values: FormValues): BuildResult {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = values[field.name];
    const text = typeof raw === "string" ? raw.trim() : raw;
    if (text === "" || text === undefined) {
      if (field.fallback !== undefined) input[field.name] = field.fallback;
      else if (field.required && field.kind !== "boolean") errors[field.name] = "Required.";
      else if (field.required) input[field.name] = false;
      continue;
    }
    switch (field.kind) {
      case "boolean":
        input[field.name] = text === true || text === "true";
        break;
      case "number":
      case "integer": {
        const number = Number(text);
        if (!Number.isFinite(number)) errors[field.name] = "Not a number.";
        else if (field.kind === "integer" && !Number.isInteger(number)) errors[field.name] = "Must be a whole number.";
        else input[field.name] = number;
        break;
      }
      case "strings":
        input[field.name] = String(text)
          .split(/\n|,/)
          .map((item) => item.trim())
          .filter((item) => item !== "");
        break;
      case "json":
        try {
          input[field.name] = JSON.parse(String(text));
        } catch {
          errors[field.name] = "Not valid JSON.";
        }
        break;
      default:
        input[field.name] = String(raw);
    }
  }
  return { input, errors };
}

/**
 * Checks a value against the JSON Schema subset zod's `toJSONSchema` writes (draft
 * 2020-12), so the trigger form can refuse bad input before its confirm step: `type`
 * (one or several), `required`, `properties`, `additionalProperties`, `propertyNames`,
 * `enum`, `const`, number bounds (`minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum`, `multipleOf`), string length and `pattern`, arrays (`items`,
 * `prefixItems`, `minItems`, `maxItems`, `uniqueItems`), `anyOf` / `oneOf` / `allOf`, and
 * local `$ref`s (`#/$defs/…`). Anything else (`format`, custom keywords) is left to the
 * server, which validates with the definition's zod schema anyway: this check only
 * saves a round trip, it never accepts what the server would refuse on these keywords.
 *
 * Written here rather than taken from a package: Ajv and friends are 100+ KB and compile
 * schemas with `new Function`, which the dashboard's Content-Security-Policy forbids.
 */
import type { JsonSchema } from "./types.js";

/** One problem: where (a path of property names and indexes; [] for the value itself) and what. */
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

const MAX_ISSUES = 50;

export function checkAgainstSchema(schema: JsonSchema | boolean | null | undefined, value: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  if (schema === null || schema === undefined) return issues;
  check(schema, value, [], issues, typeof schema === "object" ? schema : {});
  return issues.slice(0, MAX_ISSUES);
}

/** `items.0.name` style, for showing a nested issue beside its top-level field. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? part : `.${part}`)).join("");
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(type: string, value: unknown): boolean {
  const actual = typeOf(value);
  if (type === "number") return actual === "number" || actual === "integer";
  return actual === type;
}

const ARTICLE: Record<string, string> = { integer: "a whole number", number: "a number", string: "a string", boolean: "true or false", object: "an object", array: "a list", null: "null" };

function show(value: unknown): string {
  return typeof value === "string" ? `“${value}”` : JSON.stringify(value);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key) => equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | boolean | undefined {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter((part) => part !== "")) {
    const part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "object" || typeof node === "boolean" ? (node as JsonSchema | boolean) : undefined;
}

const patterns = new Map<string, RegExp | null>();
function regex(source: string): RegExp | null {
  if (!patterns.has(source)) {
    let compiled: RegExp | null = null;
    for (const flags of ["u", ""]) {
      try {
        compiled = new RegExp(source, flags);
        break;
      } catch {
        // Not valid with these flags: try the next, else skip the keyword.
      }
    }
    patterns.set(source, compiled);
  }
  return patterns.get(source) ?? null;
}

function check(schema: JsonSchema | boolean, value: unknown, path: (string | number)[], issues: SchemaIssue[], root: JsonSchema): void {
  if (issues.length >= MAX_ISSUES) return;
  const add = (message: string, at = path): void => {
    issues.push({ path: at, message });
  };
  if (schema === true) return;
  if (schema === false) return add("Not allowed.");

  if (typeof schema.$ref === "string") {
    const target = resolveRef(root, schema.$ref);
    if (target !== undefined) check(target, value, path, issues, root);
  }

  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (!Array.isArray(options) || options.length === 0) continue;
    const results = options.map((option) => {
      const found: SchemaIssue[] = [];
      check(option, value, path, found, root);
      return found;
    });
    const passing = results.filter((found) => found.length === 0).length;
    if (passing === 0) {
      // A nullable X (`anyOf: [X, null]`) reports X's problems, which say more than "no option matched".
      const nonNull = options.map((option, index) => ({ option, index })).filter(({ option }) => (option as JsonSchema).type !== "null");
      if (nonNull.length === 1) issues.push(...results[nonNull[0].index]);
      else add("Matches none of the allowed shapes.");
    } else if (key === "oneOf" && passing > 1) {
      add("Matches more than one of the allowed shapes.");
    }
  }
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf as (JsonSchema | boolean)[]) check(part, value, path, issues, root);

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => matchesType(type, value))) {
      return add(value === undefined ? "Required." : `Expected ${types.map((type) => ARTICLE[type] ?? type).join(" or ")}.`);
    }
  }
  if ("const" in schema && !equal(schema.const, value)) return add(`Must be ${show(schema.const)}.`);
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => equal(option, value))) {
    return add(`Must be one of ${schema.enum.map(show).join(", ")}.`);
  }

  if (typeof value === "number") checkNumber(schema, value, add);
  else if (typeof value === "string") checkString(schema, value, add);
  else if (Array.isArray(value)) checkArray(schema, value, path, issues, root, add);
  else if (value !== null && typeof value === "object") checkObject(schema, value as Record<string, unknown>, path, issues, root);
}

type Add = (message: string) => void;

function checkNumber(schema: JsonSchema, value: number, add: Add): void {
  if (typeof schema.minimum === "number" && value < schema.minimum) add(`Must be at least ${schema.minimum}.`);
  if (typeof schema.maximum === "number" && value > schema.maximum) add(`Must be at most ${schema.maximum}.`);
  if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) add(`Must be more than ${schema.exclusiveMinimum}.`);
  if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) add(`Must be less than ${schema.exclusiveMaximum}.`);
  const step = schema.multipleOf;
  if (typeof step === "number" && step > 0) {
    const ratio = value / step;
    if (Math.abs(ratio - Math.round(ratio)) > 1e-9) add(`Must be a multiple of ${step}.`);
  }
}

function checkString(schema: JsonSchema, value: string, add: Add): void {
  // Lengths count code points, as JSON Schema (and zod) do.
  const length = [...value].length;
  if (typeof schema.minLength === "number" && length < schema.minLength) {
    add(schema.minLength === 1 ? "Must not be empty." : `At least ${schema.minLength} characters.`);
  }
  if (typeof schema.maxLength === "number" && length > schema.maxLength) add(`At most ${schema.maxLength} characters.`);
  if (typeof schema.pattern === "string") {
    const pattern = regex(schema.pattern);
    if (pattern && !pattern.test(value)) add(schema.format ? `Not a valid ${String(schema.format)}.` : `Must match ${schema.pattern}.`);
  }
}

function checkArray(schema: JsonSchema, value: unknown[], path: (string | number)[], issues: SchemaIssue[], root: JsonSchema, add: Add): void {
  if (typeof schema.minItems === "number" && value.length < schema.minItems) add(`At least ${schema.minItems} item${schema.minItems === 1 ? "" : "s"}.`);
  if (typeof schema.maxItems === "number" && value.length > schema.maxItems) add(`At most ${schema.maxItems} item${schema.maxItems === 1 ? "" : "s"}.`);
  if (schema.uniqueItems === true && value.some((item, index) => value.findIndex((other) => equal(other, item)) !== index)) add("Items must be unique.");
  const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as (JsonSchema | boolean)[]) : [];
  value.forEach((item, index) => {
    const itemSchema = index < prefix.length ? prefix[index] : (schema.items as JsonSchema | boolean | undefined);
    if (itemSchema === false && index >= prefix.length) {
      if (index === prefix.length) add(`At most ${prefix.length} item${prefix.length === 1 ? "" : "s"}.`);
      return;
    }
    if (itemSchema !== undefined) check(itemSchema, item, [...path, index], issues, root);
  });
}

function checkObject(schema: JsonSchema, value: Record<string, unknown>, path: (string | number)[], issues: SchemaIssue[], root: JsonSchema): void {
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) issues.push({ path: [...path, name], message: "Required." });
  }
  const properties = schema.properties ?? {};
  const additional = schema.additionalProperties as JsonSchema | boolean | undefined;
  const names = schema.propertyNames as JsonSchema | undefined;
  for (const [name, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (names) check(names, name, [...path, name], issues, root);
    if (name in properties) check(properties[name], item, [...path, name], issues, root);
    else if (additional === false) issues.push({ path: [...path, name], message: "Not an allowed property." });
    else if (additional !== undefined && additional !== true) check(additional, item, [...path, name], issues, root);
  }
}

/**
 * Finds the first part of a value that JSON cannot hold faithfully: a BigInt or a cycle
 * (JSON.stringify throws), a function, a symbol, a Map, a Set or a promise (silently
 * dropped or stored as `{}`). What a task returns is stored as JSON, so such a value
 * fails the iteration with its path named instead of being stored wrong or not at all.
 * `undefined` members (dropped, as JSON does) and Dates (stored as ISO text) are fine.
 */
import { nameValue } from "./name-value.js";

/** Deeper than this is refused: a stored output is not a linked list. */
const MAX_DEPTH = 500;

/** Returns e.g. `output.items[2] is a BigInt (5n)`, or undefined when the value is JSON. */
export function findNonJson(value: unknown, path: string): string | undefined {
  try {
    return walk(value, path, 0, []);
  } catch (error) {
    // A getter that throws, a revoked proxy: the store could not read it either.
    return `${path} cannot be read (${error instanceof Error ? error.message : nameValue(error)})`;
  }
}

function walk(value: unknown, path: string, depth: number, parents: object[]): string | undefined {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "undefined":
      return undefined;
    case "bigint":
    case "symbol":
    case "function":
      return `${path} is ${nameValue(value)}`;
    default:
      break;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (object instanceof Date) return undefined;
  if (object instanceof Map || object instanceof Set || object instanceof Promise || object instanceof WeakMap || object instanceof WeakSet) {
    return `${path} is ${nameValue(object)}`;
  }
  // An object with its own toJSON (a Decimal, a Buffer) says itself how it is stored.
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") return undefined;
  if (parents.includes(object)) return `${path} refers back to itself (a cycle)`;
  if (depth >= MAX_DEPTH) return `${path} is nested more than ${MAX_DEPTH} levels deep`;
  parents.push(object);
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        const found = walk(object[i], `${path}[${i}]`, depth + 1, parents);
        if (found) return found;
      }
      return undefined;
    }
    for (const key of Object.keys(object)) {
      const found = walk((object as Record<string, unknown>)[key], `${path}.${key}`, depth + 1, parents);
      if (found) return found;
    }
    return undefined;
  } finally {
    parents.pop();
  }
}

/**
 * Finds the first part of a value that JSON cannot hold faithfully: a BigInt or a cycle
 * (JSON.stringify throws), a function, a symbol, a Map, a Set or a promise (silently
 * dropped or stored as `{}`). What a task returns is stored as JSON, so such a value
 * fails the iteration with its path named instead of being stored wrong or not at all.
 * `undefined` members (dropped, as JSON does) and Dates (stored as ISO text) are fine.
 * On the runner's path for every done/continue: the path is built only on a find.
 */
import { nameValue } from "./name-value.js";

/** Deeper than this is refused: a stored output is not a linked list. */
const MAX_DEPTH = 500;

/** Returns e.g. `output.items[2] is a BigInt (5n)`, or undefined when the value is JSON. */
export function findNonJson(value: unknown, path: string): string | undefined {
  const keys: (string | number)[] = [];
  try {
    const found = walk(value, 0, [], keys);
    return found === undefined ? undefined : `${pathOf(path, keys)} ${found}`;
  } catch (error) {
    // A getter that throws, a revoked proxy: the store could not read it either.
    return `${pathOf(path, keys)} cannot be read (${error instanceof Error ? error.message : nameValue(error)})`;
  }
}

function pathOf(root: string, keys: readonly (string | number)[]): string {
  let path = root;
  for (const key of keys) path += typeof key === "number" ? `[${key}]` : `.${key}`;
  return path;
}

/** What is wrong at the place `keys` leads to (left there for the caller), or undefined. */
function walk(value: unknown, depth: number, parents: object[], keys: (string | number)[]): string | undefined {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "undefined":
      return undefined;
    case "bigint":
    case "symbol":
    case "function":
      return `is ${nameValue(value)}`;
    default:
      break;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (object instanceof Date) return undefined;
  if (object instanceof Map || object instanceof Set || object instanceof Promise || object instanceof WeakMap || object instanceof WeakSet) {
    return `is ${nameValue(object)}`;
  }
  // An object with its own toJSON (a Decimal, a Buffer) says itself how it is stored.
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") return undefined;
  if (parents.includes(object)) return "refers back to itself (a cycle)";
  if (depth >= MAX_DEPTH) return `is nested more than ${MAX_DEPTH} levels deep`;
  parents.push(object);
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      keys.push(i);
      const found = walk(object[i], depth + 1, parents, keys);
      if (found !== undefined) return found;
      keys.pop();
    }
  } else {
    for (const key in object) {
      if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
      keys.push(key);
      const found = walk((object as Record<string, unknown>)[key], depth + 1, parents, keys);
      if (found !== undefined) return found;
      keys.pop();
    }
  }
  parents.pop();
  return undefined;
}

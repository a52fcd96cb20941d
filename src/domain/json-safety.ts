/**
 * What a store cannot keep as given, found in a trigger's input before anything is
 * stored: a NUL or a lone UTF-16 surrogate in a string or a key (nul.ts), and a number
 * JSON cannot hold (NaN, Infinity, -Infinity, e.g. `1e999` parsed from JSON), which
 * JSON.stringify would silently turn into `null`.
 *
 * The JSON text the trigger already made tells at once whether to look further: without a
 * `\u` escape and without `null` nothing can be wrong, so most inputs cost two substring
 * scans. Only then is the value walked, to name the first offending path.
 */
import { hasUnstorableChar, jsonHasNul, replaceNul, sliceText } from "./nul.js";

export interface UnsafeJsonField {
  /** Where, from the value's root: keys and array indexes (`["deep", 0]`). */
  path: (string | number)[];
  reason: string;
}

export const UNSTORABLE_TEXT_REASON = "must not contain the NUL character (U+0000) or a lone UTF-16 surrogate";
export const NON_FINITE_REASON = "must be a finite number (JSON cannot hold NaN or Infinity)";

/**
 * The first place in `value` a store would not keep as given, or null. `json` is
 * `JSON.stringify(value)` (the caller has it already).
 */
export function findUnsafeJson(value: unknown, json: string): UnsafeJsonField | null {
  if (!json.includes("null") && !jsonHasNul(json)) return null;
  // Iterative, as JSON.stringify goes (toJSON, skipped members): nesting as deep as
  // JSON.stringify accepted must not overflow the stack here.
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    let item = current;
    const toJSON = (item as { toJSON?: unknown } | null)?.toJSON;
    if (typeof toJSON === "function") item = toJSON.call(item, String(path.at(-1) ?? ""));
    if (typeof item === "number") {
      if (!Number.isFinite(item)) return { path, reason: NON_FINITE_REASON };
    } else if (typeof item === "string") {
      if (hasUnstorableChar(item)) return { path, reason: UNSTORABLE_TEXT_REASON };
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push({ value: item[i], path: [...path, i] });
    } else if (item !== null && typeof item === "object") {
      const keys = Object.keys(item);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const member = (item as Record<string, unknown>)[key];
        // Members JSON leaves out are not stored: nothing to check.
        if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
        if (hasUnstorableChar(key)) return { path: [...path, key], reason: UNSTORABLE_TEXT_REASON };
        stack.push({ value: member, path: [...path, key] });
      }
    }
  }
  return null;
}

/**
 * A path for an error message: dotted (`input.deep.0`), with any unstorable character of
 * a key replaced (the message itself must be storable and printable), and cut short.
 */
export function describeJsonPath(root: string, path: readonly (string | number)[]): string {
  const text = [root, ...path].map((part) => replaceNul(String(part))).join(".");
  return text.length > 200 ? `${sliceText(text, 200)}…` : text;
}

/**
 * An error of JSON.stringify refusing a value as a store binds it (a BigInt, a cycle, a string past V8's
 * limit): the value is at fault, not the store.
 * JS messages name keys (task data), so callers report JSON_ENCODING_REASON instead.
 */
export function isJsonEncodingError(error: unknown): boolean {
  if (error instanceof TypeError) return /BigInt|circular structure/i.test(error.message);
  if (error instanceof RangeError) return /Invalid string length|call stack/i.test(error.message);
  return false;
}

export const JSON_ENCODING_REASON = "a value that is not JSON (a BigInt, a cycle, or too large or deep to encode)";

/**
 * PostgreSQL text and jsonb cannot hold the NUL character (U+0000); SQLite can. So that
 * both stores behave the same, NUL never reaches a store: input that carries it is
 * refused at the service, and what a task produces (outputs, checkpoints, log items) has
 * it replaced by U+FFFD, the replacement character.
 */

// In JSON text a NUL is always the escape `\u0000`; a preceding run of escaped
// backslashes (`\\`) must have even length, or the "u0000" is literal text.
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** True when JSON text (from JSON.stringify) holds a NUL in a string or a key. */
export function jsonHasNul(json: string): boolean {
  if (!json.includes("\\u0000")) return false;
  NUL_ESCAPE.lastIndex = 0;
  return NUL_ESCAPE.test(json);
}

/** The value with every NUL in its strings and keys replaced; the same value when none. */
export function replaceNul<T>(value: T): T {
  if (typeof value === "string") return (value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value) as T;
  if (value === null || typeof value !== "object") return value;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return value; // not JSON (a cycle, a BigInt): the store's own encoding will refuse it
  }
  if (json === undefined || !json.includes("\\u0000")) return value;
  NUL_ESCAPE.lastIndex = 0;
  return JSON.parse(json.replace(NUL_ESCAPE, "$1\\ufffd")) as T;
}

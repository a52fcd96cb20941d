/**
 * Text that one store cannot hold the way the other does never reaches a store:
 *
 * - the NUL character (U+0000): PostgreSQL text and jsonb cannot hold it; SQLite can;
 * - a lone UTF-16 surrogate (half of a pair, e.g. `"😀".slice(0, 1)`): PostgreSQL's jsonb
 *   refuses the `\ud83d` escape JSON.stringify writes for it (and with it the whole
 *   statement, so a whole finish batch), a text column turns it into U+FFFD, and SQLite
 *   stores invalid UTF-8 that reads back as three U+FFFD.
 *
 * Input that carries either is refused at the service (json-safety.ts); what a task
 * produces (outputs, checkpoints, progress, log items, error messages, abort messages)
 * has each one replaced by U+FFFD, the replacement character, so both stores keep the
 * same. The names say NUL for history: they cover lone surrogates too.
 */

// Node 20 has both (ES2024; the TypeScript lib here is ES2023). Native scans: for a
// one-byte string isWellFormed() answers at once, so most strings cost one includes().
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

// In JSON text from JSON.stringify, a NUL is always the escape `\u0000` and a lone
// surrogate always an escape `\udXXX` (a whole pair is written as itself): the only
// `\u` escapes besides other control characters. A preceding run of escaped
// backslashes (`\\`) must have even length, or the "u0000" is literal text.
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/** True when a string holds a NUL or a lone surrogate. */
export function hasUnstorableChar(text: string): boolean {
  return text.includes("\u0000") || !(text as unknown as WellFormed).isWellFormed();
}

/** True when JSON text (from JSON.stringify) holds a NUL or a lone surrogate in a string or a key. */
export function jsonHasNul(json: string): boolean {
  // One pass over the text (`\u` appears only for control characters and lone surrogates).
  if (!json.includes("\\u")) return false;
  UNSTORABLE_ESCAPE.lastIndex = 0;
  return UNSTORABLE_ESCAPE.test(json);
}

/** The value with every NUL and lone surrogate in its strings and keys replaced; the same value when none. */
export function replaceNul<T>(value: T): T {
  if (typeof value === "string") {
    return (hasUnstorableChar(value) ? (value as unknown as WellFormed).toWellFormed().replaceAll("\u0000", "\uFFFD") : value) as T;
  }
  if (value === null || typeof value !== "object") return value;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return value; // not JSON (a cycle, a BigInt): the store's own encoding will refuse it
  }
  if (json === undefined || !json.includes("\\u")) return value;
  UNSTORABLE_ESCAPE.lastIndex = 0;
  if (!UNSTORABLE_ESCAPE.test(json)) return value;
  UNSTORABLE_ESCAPE.lastIndex = 0;
  return JSON.parse(json.replace(UNSTORABLE_ESCAPE, "$1\\ufffd")) as T;
}

/**
 * The first `max` UTF-16 units of a string, one fewer when the cut would split a
 * surrogate pair (which would leave a lone surrogate behind).
 */
export function sliceText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

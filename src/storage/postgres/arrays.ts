/**
 * PostgreSQL array literals for the batch statements' array parameters (`$n::text[]`
 * and the like), built here rather than by pg. pg builds each literal by concatenating
 * one element at a time, and prints every `Date` in local time field by field; in the
 * PostgreSQL drain that was about a quarter of the worker's allocations (finish and log
 * batches bind 30 arrays) and ~9 µs of its CPU per task.
 *
 * Every element is double-quoted, with `"` and `\` escaped; NULL is the bare word. Times
 * are epoch milliseconds, written as ISO 8601 in UTC (what `timestamptz` reads exactly).
 */

/** `text[]`, `jsonb[]` (JSON text): one string or null per element. */
export function textArray(values: readonly (string | null | undefined)[]): string {
  return literal(values, quote);
}

/** `int[]` / `bigint[]`: whole numbers or null (anything else is PostgreSQL's to refuse). */
export function intArray(values: readonly (number | null | undefined)[]): string {
  return literal(values, String);
}

/** `boolean[]`. */
export function boolArray(values: readonly (boolean | null | undefined)[]): string {
  return literal(values, (value) => (value ? "t" : "f"));
}

/**
 * `timestamptz[]` from epoch milliseconds (or Dates). A batch's times are mostly one
 * value (every item of a finish batch carries the same `now`), so the last one printed
 * is reused: printing was 4 % of the PostgreSQL drain worker's CPU.
 */
export function timeArray(values: readonly (number | Date | null | undefined)[]): string {
  let lastMs = NaN;
  let lastText = "";
  return literal(values, (value) => {
    const ms = value instanceof Date ? value.getTime() : value;
    if (ms !== lastMs) {
      lastText = isoTime(ms);
      lastMs = ms;
    }
    return lastText;
  });
}

/** Epoch ms as ISO 8601 in UTC, what `timestamptz` reads exactly. */
export function isoTime(ms: number): string {
  const date = new Date(ms);
  // toISOString throws on an invalid date, and writes years past 9999 in a form
  // PostgreSQL does not read: neither is a time Stint stores.
  const year = date.getUTCFullYear();
  if (!(year >= 1 && year <= 9999)) throw new RangeError(`time out of range for a timestamptz parameter: ${Number.isNaN(ms) ? "NaN" : date.toISOString()}`);
  return date.toISOString();
}

function literal<T>(values: readonly (T | null | undefined)[], element: (value: T) => string): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    parts[i] = value === null || value === undefined ? "NULL" : element(value);
  }
  return `{${parts.join(",")}}`;
}

function quote(value: string): string {
  return value.includes('"') || value.includes("\\") ? `"${value.replace(/["\\]/g, "\\$&")}"` : `"${value}"`;
}

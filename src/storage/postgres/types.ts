/**
 * How this adapter's connections turn column text into values: pg's own parsers, except
 * for `timestamptz`. pg parses each one with a regular expression (postgres-date); a
 * claimed or finished task row carries six of them, and in the drain benchmark that
 * parsing was ~5 % of the worker's CPU. The fast path reads the one shape PostgreSQL
 * prints with DateStyle ISO (`2026-11-28 05:38:23.123+00`, any UTC offset) by character
 * codes; anything else (BC dates, infinity, years past 9999) goes to pg's parser.
 */
import pg from "pg";

const TIMESTAMPTZ_OID = 1184;
const fallback = pg.types.getTypeParser(TIMESTAMPTZ_OID, "text") as (text: string) => Date | string;

export const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMPTZ_OID && (format ?? "text") === "text") return parseTimestamptz;
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

const ZERO = 48;

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** `YYYY-MM-DD HH:MM:SS[.f{1,6}]±HH[:MM[:SS]]` to a Date; other shapes to pg's parser. */
export function parseTimestamptz(text: string): Date | string {
  const length = text.length;
  if (length < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 32) return fallback(text);
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return fallback(text);
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    // Fraction: up to 6 digits; milliseconds are the first three (a Date holds no more).
    i++;
    let scale = 100;
    while (i < length) {
      const d = text.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      ms += d * scale;
      scale /= 10;
      i++;
    }
    ms = Math.floor(ms);
  }
  const sign = text.charCodeAt(i);
  if (sign !== 43 && sign !== 45) return fallback(text);
  const rest = length - i - 1;
  if (rest !== 2 && rest !== 5 && rest !== 8) return fallback(text);
  const offsetHours = digits(text, i + 1, 2);
  const offsetMinutes = rest >= 5 && text.charCodeAt(i + 3) === 58 ? digits(text, i + 4, 2) : rest >= 5 ? -1 : 0;
  const offsetSeconds = rest === 8 && text.charCodeAt(i + 6) === 58 ? digits(text, i + 7, 2) : rest === 8 ? -1 : 0;
  if (offsetHours < 0 || offsetMinutes < 0 || offsetSeconds < 0) return fallback(text);
  const offsetMs = (sign === 45 ? -1 : 1) * ((offsetHours * 60 + offsetMinutes) * 60 + offsetSeconds) * 1000;
  // Date.UTC maps years 0-99 to 1900-1999; such dates take the slow path.
  if (year < 100) return fallback(text);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs);
}

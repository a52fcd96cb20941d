/**
 * Retention (docs/run-history.md "Retention and self-cleanup"): how many days a finished
 * task is kept. Webiny 6.4's bounds: 90 by default, 0 keeps everything, at most 3650.
 */
export const DEFAULT_RETENTION_DAYS = 90;
export const MAX_RETENTION_DAYS = 3650;
export const DAY_MS = 86_400_000;

/** What is wrong with `value` as a number of retention days, or null when it is one. */
export function retentionDaysProblem(value: unknown): string | null {
  if (typeof value !== "number" || !Number.isInteger(value)) return `expected a whole number of days, got ${describe(value)}`;
  if (value < 0 || value > MAX_RETENTION_DAYS) return `expected 0 (keep everything) to ${MAX_RETENTION_DAYS} days, got ${value}`;
  return null;
}

/** What is wrong with a `retention` option (`{ days }`), or null; `undefined` is allowed (the default). */
export function retentionOptionProblem(value: unknown): string | null {
  if (value === undefined) return null;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "expected an object { days }";
  const unknownKey = Object.keys(value).find((key) => key !== "days");
  if (unknownKey !== undefined) return `unknown key "${unknownKey}" (only days)`;
  const days = (value as { days?: unknown }).days;
  if (days === undefined) return "days is missing";
  return retentionDaysProblem(days);
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

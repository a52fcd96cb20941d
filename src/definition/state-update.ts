/**
 * The value `updateInput` / `updateOutput` store: Webiny's two forms, fields to
 * shallow-merge into the current value, or a callback `(current) => next` whose result
 * replaces it. The callback gets a copy: changing it in place changes nothing stored
 * unless it is returned. Anything else is refused with a clear error before any write.
 */
import { Errors } from "../domain/errors.js";
import { nameValue } from "../response/name-value.js";
import { findNonJson } from "../response/non-json.js";

export function nextState<T>(method: string, field: "input" | "output", current: T | null | undefined, update: unknown): T {
  let next: unknown;
  if (typeof update === "function") {
    next = update(current === null || current === undefined ? current : structuredClone(current));
    if (!isRecord(next)) throw Errors.invalidArgument(method, `its callback must return an object; it returned ${nameValue(next)}.`);
  } else if (isRecord(update)) {
    next = { ...(current ?? {}), ...update };
  } else {
    throw Errors.invalidArgument(method, `it takes an object or a callback (current) => next; it was given ${nameValue(update)}.`);
  }
  const problem = findNonJson(next, field);
  if (problem) throw Errors.invalidArgument(method, `the ${field} cannot be stored as JSON: ${problem}.`);
  return next as T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * The read options a caller may add to `getTask`, `listTasks` and `listLogs`: the fields
 * it will use (heavy JSON columns are then read only when named) and a byte budget
 * (storage port `TaskReadOptions`). Checked here like every other argument.
 */
import { Errors } from "../domain/errors.js";
import type { ReadBudget, TaskReadOptions } from "../storage/port/types.js";

export interface ReadOptions {
  /** The task (or log) fields the caller will use; default every field. */
  fields?: readonly string[];
  /** Charged with the bytes read; throws RESPONSE_TOO_LARGE when spent. */
  budget?: ReadBudget;
}

/** The checked options, only the keys given (so adapters see exactly what was asked). */
export function parseReadOptions(options: ReadOptions | undefined): TaskReadOptions {
  if (options === undefined || options === null) return {};
  const out: TaskReadOptions = {};
  if (options.fields !== undefined) {
    if (!Array.isArray(options.fields) || !options.fields.every((field) => typeof field === "string")) {
      throw Errors.invalidArgument("fields", "expected a list of field names");
    }
    out.fields = options.fields;
  }
  if (options.budget !== undefined) {
    if (!options.budget || typeof options.budget.charge !== "function") {
      throw Errors.invalidArgument("budget", "expected an object with a charge(bytes) method");
    }
    out.budget = options.budget;
  }
  return out;
}

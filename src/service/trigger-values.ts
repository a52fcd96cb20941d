/**
 * The checks of a trigger's own values (delay, input, name, the definition's input schema):
 * everything that needs no store and runs no user hook. The TaskService makes them after
 * `onBeforeTrigger` (Webiny's order); `stint trigger` makes the same ones before it opens a
 * store, so a trigger refused for its values leaves no new store behind.
 */
import { Errors, MAX_DELAY_SECONDS } from "../domain/errors.js";
import { hasUnstorableChar } from "../domain/nul.js";
import { UNSTORABLE_TEXT_REASON, describeJsonPath, findUnsafeJson } from "../domain/json-safety.js";
import type { AnyTaskDefinition } from "../definition/types.js";
import type { TaskInput } from "../domain/task.js";

export const MAX_INPUT_BYTES = 1024 * 1024;

/** Refuses what a store would not keep or the definition does not accept; returns the delay in seconds. */
export async function checkTriggerValues(
  definition: AnyTaskDefinition,
  values: { input: unknown; name: string; delay: unknown },
): Promise<number> {
  const delay = effectiveDelay(values.delay);
  const { input } = values;
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw Errors.invalidArgument("input", "expected an object");
  const json = toJson(input);
  const size = Buffer.byteLength(json, "utf8");
  if (size > MAX_INPUT_BYTES) throw Errors.payloadTooLarge("input", size, MAX_INPUT_BYTES);
  const unsafe = findUnsafeJson(input, json);
  if (unsafe) throw Errors.invalidArgument(describeJsonPath("input", unsafe.path), unsafe.reason);
  if (hasUnstorableChar(values.name)) throw Errors.invalidArgument("name", UNSTORABLE_TEXT_REASON);
  const invalidFields = await definition.validateInput(input as TaskInput);
  if (invalidFields) throw Errors.validationFailed(invalidFields);
  return delay;
}

/**
 * The delay in seconds, as Webiny reads it: absent, 0 or negative means none (Webiny skips
 * its check and starts the task at once); 355 days or more is refused (MAX_DELAY_ERROR).
 * Webiny checks the maximum for whole numbers only and then hands a fraction to a Step
 * Functions wait that cannot take one; Stint waits a fractional delay to the millisecond
 * and holds it to the same maximum. A value that is not a finite number is refused.
 */
export function effectiveDelay(delay: unknown): number {
  if (delay === undefined || delay === null) return 0;
  if (typeof delay !== "number" || !Number.isFinite(delay)) throw Errors.invalidDelay(delay);
  if (delay <= 0) return 0;
  if (delay >= MAX_DELAY_SECONDS) throw Errors.maxDelay(delay);
  return delay;
}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    throw Errors.invalidArgument("input", "must be JSON-serialisable");
  }
}

/**
 * The checks of a trigger that need no store (TaskService.triggerMany makes the same ones,
 * with the same errors), run by `stint trigger` before it opens anything: a trigger refused
 * for its input, name or delay must not leave a new store behind (`trigger` may create
 * one). Only what needs the store or runs user code (a parent lookup, onBeforeTrigger)
 * is left to the service, once the store is open.
 */
import type { AnyTaskDefinition } from "../definition/types.js";
import { Errors } from "../domain/errors.js";
import { hasUnstorableChar } from "../domain/nul.js";
import { UNSTORABLE_TEXT_REASON, describeJsonPath, findUnsafeJson } from "../domain/json-safety.js";
import { effectiveDelay, MAX_INPUT_BYTES } from "../service/task-service.js";

export async function checkTrigger(definition: AnyTaskDefinition, params: { input: Record<string, unknown>; name?: string; delay?: number }): Promise<void> {
  const json = JSON.stringify(params.input);
  const size = Buffer.byteLength(json, "utf8");
  if (size > MAX_INPUT_BYTES) throw Errors.payloadTooLarge("input", size, MAX_INPUT_BYTES);
  const unsafe = findUnsafeJson(params.input, json);
  if (unsafe) throw Errors.invalidArgument(describeJsonPath("input", unsafe.path), unsafe.reason);
  if (params.name !== undefined && hasUnstorableChar(params.name)) throw Errors.invalidArgument("name", UNSTORABLE_TEXT_REASON);
  effectiveDelay(params.delay);
  const invalidFields = await definition.validateInput(params.input);
  if (invalidFields) throw Errors.validationFailed(invalidFields);
}

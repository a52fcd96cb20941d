/**
 * The checks of a trigger that need no store (TaskService.triggerMany makes the same ones,
 * with the same errors), run by `stint trigger` before it opens anything: a trigger refused
 * for its input, name or delay must not leave a new store behind (`trigger` may create
 * one). Only what needs the store or runs user code (a parent lookup, onBeforeTrigger)
 * is left to the service, once the store is open.
 */
import type { AnyTaskDefinition } from "../definition/types.js";
import { Errors } from "../domain/errors.js";
import { jsonHasNul } from "../domain/nul.js";
import { effectiveDelay, MAX_INPUT_BYTES } from "../service/task-service.js";

const NUL_REASON = "must not contain the NUL character (U+0000)";

export async function checkTrigger(definition: AnyTaskDefinition, params: { input: Record<string, unknown>; name?: string; delay?: number }): Promise<void> {
  const json = JSON.stringify(params.input);
  const size = Buffer.byteLength(json, "utf8");
  if (size > MAX_INPUT_BYTES) throw Errors.payloadTooLarge("input", size, MAX_INPUT_BYTES);
  if (jsonHasNul(json)) throw Errors.invalidArgument("input", NUL_REASON);
  if (params.name?.includes("\u0000")) throw Errors.invalidArgument("name", NUL_REASON);
  effectiveDelay(params.delay);
  const invalidFields = await definition.validateInput(params.input);
  if (invalidFields) throw Errors.validationFailed(invalidFields);
}

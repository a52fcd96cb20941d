/**
 * The checks of a trigger's own values (delay, input, name, the definition's input schema):
 * everything that needs no store and runs no user hook. The TaskService makes them after
 * `onBeforeTrigger` (Webiny's order); `stint trigger` makes the same ones before it opens a
 * store, so a trigger refused for its values leaves no new store behind.
 */
import { Errors, MAX_DELAY_SECONDS, describeValue } from "../domain/errors.js";
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

/** Longest idempotency or concurrency key accepted at trigger, in characters. */
export const MAX_FLOW_KEY_LENGTH = 255;
/** Priorities accepted at trigger: integers in ±this (the claim orders by it). */
export const MAX_PRIORITY = 1_000_000;
/** Longest idempotency-key TTL: ten years, in seconds (a bound, so a TTL always becomes a valid time). */
export const MAX_IDEMPOTENCY_TTL_SECONDS = 10 * 366 * 24 * 3600;

/** A trigger's flow-control values, checked (docs/flow-control.md). */
export interface FlowValues {
  priority: number;
  idempotencyKey: string | null;
  /** Milliseconds; null: the key counts as long as its task exists. */
  idempotencyKeyTtlMs: number | null;
  /** The trigger's own concurrency key; null: computed from the definition's `concurrency.key`. */
  concurrencyKey: string | null;
}

/**
 * Refuses flow-control values a store would not keep or that make no sense for the
 * definition. Needs no store and runs no hook, so the TaskService checks them before
 * `onBeforeTrigger` and `stint trigger` before it opens a store.
 */
export function checkFlowValues(
  definition: AnyTaskDefinition,
  values: { priority?: unknown; idempotencyKey?: unknown; idempotencyKeyTtlSeconds?: unknown; concurrencyKey?: unknown },
): FlowValues {
  let priority = 0;
  if (values.priority !== undefined && values.priority !== null) {
    if (typeof values.priority !== "number" || !Number.isInteger(values.priority) || Math.abs(values.priority) > MAX_PRIORITY) {
      throw Errors.invalidArgument("priority", `expected an integer from -${MAX_PRIORITY} to ${MAX_PRIORITY}, got ${describeValue(values.priority)}`);
    }
    priority = values.priority;
  }
  const idempotencyKey = flowKey("idempotencyKey", values.idempotencyKey);
  let idempotencyKeyTtlMs: number | null = null;
  if (values.idempotencyKeyTtlSeconds !== undefined && values.idempotencyKeyTtlSeconds !== null) {
    const ttl = values.idempotencyKeyTtlSeconds;
    if (idempotencyKey === null) throw Errors.invalidArgument("idempotencyKeyTtlSeconds", "needs an idempotencyKey");
    if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl <= 0 || ttl > MAX_IDEMPOTENCY_TTL_SECONDS) {
      throw Errors.invalidArgument("idempotencyKeyTtlSeconds", `expected a number of seconds above 0 and at most ${MAX_IDEMPOTENCY_TTL_SECONDS}, got ${describeValue(ttl)}`);
    }
    idempotencyKeyTtlMs = Math.round(ttl * 1000);
  }
  const concurrencyKey = flowKey("concurrencyKey", values.concurrencyKey);
  if (concurrencyKey !== null && !definition.concurrency) {
    throw Errors.invalidArgument("concurrencyKey", `definition "${definition.id}" has no concurrency limit to count it in`);
  }
  return { priority, idempotencyKey, idempotencyKeyTtlMs, concurrencyKey };
}

/** The concurrency key a task is stored with: the trigger's, else the definition's `key(input)`, else null. */
export function concurrencyKeyOf(definition: AnyTaskDefinition, explicit: string | null, input: TaskInput): string | null {
  if (!definition.concurrency) return null;
  if (explicit !== null) return explicit;
  const keyFn = definition.concurrency.key;
  if (!keyFn) return null;
  let key: unknown;
  try {
    key = keyFn(input);
  } catch (error) {
    throw Errors.invalidArgument("concurrencyKey", `the definition's concurrency.key(input) threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  return flowKey("concurrencyKey", key, "the definition's concurrency.key(input) returned");
}

/** A key: absent (null), or a non-empty string of at most MAX_FLOW_KEY_LENGTH storable characters. */
function flowKey(argument: string, value: unknown, what = "expected"): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_FLOW_KEY_LENGTH) {
    const shown = typeof value === "string" ? `a string of ${value.length} characters` : describeValue(value);
    throw Errors.invalidArgument(argument, `${what} ${shown}; a key is a string of 1 to ${MAX_FLOW_KEY_LENGTH} characters`);
  }
  if (hasUnstorableChar(value)) throw Errors.invalidArgument(argument, UNSTORABLE_TEXT_REASON);
  return value;
}

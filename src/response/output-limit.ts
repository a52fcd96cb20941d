/**
 * Keeps a stored output under Webiny's 232 KiB limit. Stack traces are the usual
 * culprits, so they go first; only when that is not enough is the whole output replaced
 * by a marker saying how big it was.
 */
import { MAX_OUTPUT_BYTES } from "../domain/errors.js";

export const OUTPUT_SIZE_EXCEEDED_MESSAGE = "Output size exceeds the maximum allowed size.";

/** A type alias, not an interface, so it is assignable to `TaskOutput` (a record). */
export type OutputSizeExceeded = {
  message: typeof OUTPUT_SIZE_EXCEEDED_MESSAGE;
  /** UTF-8 bytes of the JSON of the output after the stacks were removed. */
  size: number;
  max: number;
};

/**
 * Returns the output unchanged when it fits, a copy without stacks when that makes it fit,
 * else the marker. Never mutates its argument. Throws what `JSON.stringify` throws
 * (cycles, BigInt): such an output could not be stored anyway.
 */
export function limitOutputSize<T>(output: T): T | OutputSizeExceeded {
  let current: unknown = output;
  let size = jsonBytes(current);
  if (size <= MAX_OUTPUT_BYTES) return output;

  if (isRecord(current) && "stack" in current) {
    const { stack: _stack, ...rest } = current;
    current = rest;
    size = jsonBytes(current);
    if (size <= MAX_OUTPUT_BYTES) return current as T;
  }

  if (isRecord(current) && isRecord(current.error) && "stack" in current.error) {
    const { stack: _stack, ...error } = current.error;
    current = { ...current, error };
    size = jsonBytes(current);
    if (size <= MAX_OUTPUT_BYTES) return current as T;
  }

  return { message: OUTPUT_SIZE_EXCEEDED_MESSAGE, size, max: MAX_OUTPUT_BYTES };
}

/** Bytes as stored: UTF-8 of the JSON text (characters would undercount non-ASCII). */
export function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return json === undefined ? 0 : Buffer.byteLength(json, "utf8");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

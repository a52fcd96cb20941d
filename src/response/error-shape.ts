/**
 * Turns whatever a task hands to `error()` or throws into the stored `TaskResponseError`.
 * Stacks are dropped from it on purpose: the error goes into the task's output, shown to
 * API clients, and a stack trace leaks paths and code layout (WEBINY-COMPAT "Responses").
 * The stack goes into the log item instead (`withStack`), where whoever debugs looks.
 */
import type { TaskResponseError } from "./types.js";
import { nameValue } from "./name-value.js";
import { jsonBytes } from "./output-limit.js";
import { MAX_OUTPUT_BYTES } from "../domain/errors.js";

const UNKNOWN_ERROR_MESSAGE = "Unknown error.";

export function shapeError(value: unknown): TaskResponseError {
  if (typeof value === "string") return { message: value };
  if (value === null || typeof value !== "object") return { message: safeString(value) };

  const source = value as { message?: unknown; code?: unknown; data?: unknown };
  const shaped: TaskResponseError = { message: messageOf(value, readSafely(source, "message")) };
  const code = readSafely(source, "code");
  if (code !== undefined && code !== null) shaped.code = typeof code === "string" ? code : safeString(code);
  const data = readSafely(source, "data");
  // StintError keeps `data: null` when it has none; storing that adds nothing.
  if (data !== undefined && data !== null) shaped.data = data;
  return shaped;
}

function messageOf(value: object, message: unknown): string {
  if (typeof message === "string" && message !== "") return message;
  if (typeof message !== "string" && message !== undefined && message !== null) return safeString(message);
  // Without a message an Error still has a useful name ("TypeError"); a bare object has none.
  return value instanceof Error ? value.name || UNKNOWN_ERROR_MESSAGE : UNKNOWN_ERROR_MESSAGE;
}

/** Getters on foreign objects (proxies, hostile errors) may throw; shaping must not. */
function readSafely(source: Record<string, unknown>, key: string): unknown {
  try {
    return source[key];
  } catch {
    return undefined;
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    // e.g. an object with a throwing toString, or Object.create(null).
    return UNKNOWN_ERROR_MESSAGE;
  }
}

/**
 * A thrown value as a stored error. An Error, or any object with a message, keeps it
 * (with code and data); a thrown string is the message (as `error("text")`). Anything
 * else (null, a symbol, an object without a message) is named: "run() threw null, not
 * an Error.", so the log says what happened rather than "null" or "Unknown error.".
 */
export function shapeThrown(value: unknown, thrower: string): TaskResponseError {
  if (typeof value === "string" && value !== "") return { message: value };
  if (value !== null && typeof value === "object") {
    const message = readSafely(value as Record<string, unknown>, "message");
    if (value instanceof Error || (typeof message === "string" && message !== "")) return shapeError(value);
    const shaped = shapeError(value);
    return { ...shaped, message: `${thrower} threw ${nameValue(value)} without a message, not an Error.` };
  }
  return { message: `${thrower} threw ${nameValue(value)}, not an Error.` };
}

/** The stack of a thrown value, when it has one (an Error, or an object with a string `stack`). */
export function stackOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const stack = readSafely(value as Record<string, unknown>, "stack");
  return typeof stack === "string" && stack !== "" ? stack : undefined;
}

/**
 * The error as a log item keeps it: with its stack, unless that would take the item over
 * the output size limit (232 KiB), where the stack goes first as for an output.
 */
export function withStack(error: TaskResponseError, stack: string | undefined): TaskResponseError & { stack?: string } {
  if (stack === undefined) return error;
  const logged = { ...error, stack };
  try {
    return jsonBytes(logged) <= MAX_OUTPUT_BYTES ? logged : error;
  } catch {
    return error; // data JSON cannot hold: the store's own encoding decides, without the stack
  }
}

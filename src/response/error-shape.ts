/**
 * Turns whatever a task hands to `error()` or throws into the stored `TaskResponseError`.
 * Stacks are dropped on purpose: the error is stored and shown to API clients, and a
 * stack trace leaks paths and code layout (WEBINY-COMPAT "Responses").
 */
import type { TaskResponseError } from "./types.js";

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

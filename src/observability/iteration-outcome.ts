/**
 * The `stint.outcome` of an attempt, in Webiny's words for what run() returned (`done`,
 * `continue`, `error`, `aborted`), plus `retry` (an error the retry policy runs again),
 * and the error to record on the span, with its stack (the outcome's error log item keeps
 * it; the stored output does not).
 */
import type { IterationOutcome } from "../runner/outcome.js";

export interface TracedOutcome {
  name: "done" | "continue" | "retry" | "error" | "aborted";
  error?: { message: string; code?: string; stack?: string };
}

export function tracedOutcome(outcome: IterationOutcome): TracedOutcome {
  switch (outcome.status) {
    case "success":
      return { name: "done" };
    case "aborted":
      return { name: "aborted" };
    case "running":
      if (outcome.retryAt === undefined) return { name: "continue" };
      return { name: "retry", error: errorOf(outcome) };
    default:
      return { name: "error", error: errorOf(outcome) };
  }
}

function errorOf(outcome: IterationOutcome): TracedOutcome["error"] {
  const item = outcome.logItems.find((entry) => entry.type === "error");
  const error = item?.error as { message?: unknown; code?: unknown; stack?: unknown } | undefined;
  const message = typeof error?.message === "string" ? error.message : (item?.message ?? "The iteration failed.");
  return {
    message,
    ...(typeof error?.code === "string" ? { code: error.code } : {}),
    ...(typeof error?.stack === "string" ? { stack: error.stack } : {}),
  };
}

import { activeTraceFields } from "../observability/log-trace.js";

/**
 * Extra fields for every pino line the CLI's processes write, from the context the line is
 * written in rather than from its call site: the hook point for the trace id of the span
 * active at that moment (`traceId`, `spanId`; issue 22's OpenTelemetry part fills it in
 * from `@opentelemetry/api`'s active span). Called for every line, so keep it cheap. It
 * must return a new object each time: pino merges the line's own fields into it.
 */
export function contextLogFields(): Record<string, unknown> {
  return activeTraceFields();
}

/**
 * The trace id in log lines: the fields pino adds (its `mixin`) to every line written
 * while a span is active, so a log line leads to its trace. The worker's lines are made
 * inside the iteration span (its events are emitted there), so they carry its ids.
 */
import { context, isSpanContextValid, trace } from "@opentelemetry/api";

/** `traceId` and `spanId` of the active span; empty when none is (no SDK: always). */
export function activeTraceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/**
 * The trace context in a worker thread (isolation "thread"): run() starts in the context
 * the worker's iteration span had, as the thread's own OpenTelemetry API reads it (an SDK
 * the definition's module registers in the thread; the parent's does not reach it).
 * Loaded by the thread only when there is a context to carry: a thread without tracing
 * never loads the API.
 */
import { context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";

export function runInTraceContext<T>(carrier: Readonly<Record<string, string>>, fn: () => T): T {
  return context.with(propagation.extract(ROOT_CONTEXT, carrier), fn);
}

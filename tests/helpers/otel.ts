/**
 * An OpenTelemetry SDK for tests, registered the way an app registers one: a tracer
 * provider exporting to memory (or to a JSON-lines file, for worker processes), the
 * AsyncLocalStorage context manager and the W3C trace-context propagator.
 */
import { appendFileSync } from "node:fs";
import { context, propagation, trace, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";

/** A span reduced to what the tests assert on (and what a worker process writes). */
export interface SpanRecord {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, unknown>;
  status: number;
  events: { name: string; attributes: Record<string, unknown> }[];
  pid: number;
}

export function toRecord(span: ReadableSpan): SpanRecord {
  return {
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    attributes: { ...span.attributes },
    status: span.status.code,
    events: span.events.map((event) => ({ name: event.name, attributes: { ...event.attributes } })),
    pid: process.pid,
  };
}

/** Writes each finished span as one JSON line to `file` (synchronously: nothing lost at exit). */
class FileSpanExporter implements SpanExporter {
  constructor(private readonly file: string) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    appendFileSync(this.file, spans.map((span) => JSON.stringify(toRecord(span)) + "\n").join(""));
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

export interface TestTracing {
  tracer: Tracer;
  /** The finished spans so far, oldest first. */
  spans(): SpanRecord[];
  reset(): void;
}

/** Registers the SDK globally for this test process; `file`: export there instead of to memory. */
export function registerTestTracing(options: { file?: string } = {}): TestTracing {
  const memory = new InMemorySpanExporter();
  const exporter = options.file ? new FileSpanExporter(options.file) : memory;
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    tracer: trace.getTracer("stint-tests"),
    spans: () => memory.getFinishedSpans().map(toRecord),
    reset: () => memory.reset(),
  };
}

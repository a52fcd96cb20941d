/**
 * OpenTelemetry traces, through `@opentelemetry/api` only: the app registers an SDK (a
 * tracer provider, a context manager, a propagator) and Stint's spans go wherever it
 * sends them. With none registered every call below lands on the API's no-op tracer:
 * a non-recording span, a context manager that just calls the function, a propagator
 * that writes nothing. Attribute objects are built only for recording spans.
 *
 * Spans (docs/tracing.md):
 * - `stint.trigger` (PRODUCER) around a trigger; its W3C trace context is stored with
 *   the task (`traceContext`), so the task's iterations join the trigger's trace on any
 *   worker;
 * - `stint.iteration` (CONSUMER), one per attempt of an iteration, a child of the stored
 *   context; run() executes inside it, so children it triggers continue the trace;
 * - `stint.hook`, one per hook run, a child of what is active (the iteration, or the
 *   caller of abort()).
 */
import {
  context,
  isSpanContextValid,
  propagation,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";
import type { Task } from "../domain/task.js";
import type { TraceCarrier } from "../storage/port/index.js";
import type { IterationOutcome } from "../runner/outcome.js";
import { tracedOutcome } from "./iteration-outcome.js";

/** The instrumentation scope of every Stint span. */
export const TRACER_NAME = "stint";

/** Attribute names (docs/tracing.md "Attributes"). */
export const TraceAttributes = {
  taskId: "stint.task.id",
  definitionId: "stint.definition.id",
  iteration: "stint.iteration",
  attempt: "stint.attempt",
  outcome: "stint.outcome",
  hook: "stint.hook",
  /** triggerMany: how many tasks the one trigger span stored. */
  taskCount: "stint.task.count",
  /** false when the outcome was fenced out (an abort or a takeover won). */
  applied: "stint.outcome.applied",
} as const;

// Asked for at each span, not kept: a provider registered (or replaced) later is used.
const tracer = () => trace.getTracer(TRACER_NAME);

// The API's no-op provider: what a ProxyTracerProvider delegates to until an SDK is registered.
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * No tracer provider is registered: every span would be the no-op tracer's. Checked before
 * a per-iteration span so that the hot path without an SDK allocates nothing (a tracer, a
 * span, an options object) and tests no trace id. A provider from another copy of the API
 * is not recognised here and takes the full path, which is correct, only slower.
 */
function noTracerProvider(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_PROVIDER;
}

/**
 * The trace context to store with a task: what the registered propagator writes for the
 * active context (W3C `traceparent` + `tracestate` with the usual SDK setup). Null when
 * nothing is written: no SDK (the no-op propagator) or no valid span, so a store without
 * tracing keeps NULL, not an empty object.
 */
export function activeCarrier(ctx: Context = context.active()): TraceCarrier | null {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  for (const _ in carrier) return carrier;
  return null;
}

/** The context a stored carrier stands for (ROOT when there is none). */
export function contextOf(carrier: TraceCarrier | null | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

/**
 * Runs a trigger inside a `stint.trigger` span: `fn` gets the carrier to store with
 * every task it creates (null without tracing) and returns the stored tasks.
 */
export async function traceTrigger<T extends readonly Task[]>(fn: (carrier: TraceCarrier | null) => Promise<T>): Promise<T> {
  const span = tracer().startSpan("stint.trigger", { kind: SpanKind.PRODUCER });
  if (!span.isRecording() && !isSpanContextValid(span.spanContext())) return fn(null); // no SDK: nothing to store
  const ctx = trace.setSpan(context.active(), span);
  try {
    const tasks = await context.with(ctx, () => fn(activeCarrier(ctx)));
    if (span.isRecording()) {
      span.setAttributes(
        tasks.length === 1
          ? { [TraceAttributes.taskId]: tasks[0].id, [TraceAttributes.definitionId]: tasks[0].definitionId }
          : { [TraceAttributes.taskCount]: tasks.length },
      );
    }
    return tasks;
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** What the worker tells the iteration span about the attempt's end (no-ops when not recording). */
export interface IterationTrace {
  /**
   * The outcome run() produced, stored (`applied`) or fenced out by an abort or a
   * takeover: `stint.outcome` (iteration-outcome.ts), and its error with the stack.
   */
  outcome(outcome: IterationOutcome, applied: boolean): void;
  /** The worker gave the attempt back (shutdown, lost lease): it runs again elsewhere. */
  handedBack(): void;
}

/**
 * Runs one attempt of an iteration inside a `stint.iteration` span, a child of the trace
 * context stored with the task (a new trace when none was). Everything `fn` awaits (run(),
 * the child triggers, the hooks that follow) sees the span as active.
 */
export async function traceIteration<T>(
  task: Task,
  carrier: TraceCarrier | null | undefined,
  fn: (trace: IterationTrace) => Promise<T>,
): Promise<T> {
  // No SDK and no stored context: nothing to make active (the hot path without tracing).
  if (!carrier && noTracerProvider()) return fn(NO_TRACE);
  const parent = contextOf(carrier);
  const span = tracer().startSpan("stint.iteration", { kind: SpanKind.CONSUMER }, parent);
  if (!span.isRecording()) {
    // No valid context (e.g. a carrier the registered propagator does not read).
    if (!isSpanContextValid(span.spanContext())) return fn(NO_TRACE);
    // Sampled out: still the active span, so the decision reaches the children.
    return context.with(trace.setSpan(parent, span), fn, undefined, NO_TRACE);
  }
  span.setAttributes(taskAttributes(task));
  const handle: IterationTrace = {
    outcome(outcome, applied) {
      const traced = tracedOutcome(outcome);
      span.setAttribute(TraceAttributes.outcome, traced.name);
      if (!applied) span.setAttribute(TraceAttributes.applied, false);
      if (traced.error) recordError(span, traced.error);
    },
    handedBack() {
      span.setAttribute(TraceAttributes.outcome, "handed-back");
    },
  };
  try {
    return await context.with(trace.setSpan(parent, span), fn, undefined, handle);
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

const NO_TRACE: IterationTrace = { outcome() {}, handedBack() {} };

/**
 * Runs `fn` in the trace context stored with a task: for work on a task outside an
 * iteration (a terminal hook a worker runs again after a crash).
 */
export function withStoredContext<T>(carrier: TraceCarrier | null | undefined, fn: () => T): T {
  return carrier ? context.with(contextOf(carrier), fn) : fn();
}

/** Runs one hook inside a `stint.hook` span (a child of what is active); a throw is recorded and rethrown. */
export async function traceHook<T>(hook: string, task: Task, fn: () => Promise<T>): Promise<T> {
  // No SDK: the no-op span would only repeat the active context's span, already active.
  if (noTracerProvider()) return fn();
  const span = tracer().startSpan("stint.hook", { kind: SpanKind.INTERNAL });
  if (!span.isRecording() && !isSpanContextValid(span.spanContext())) return fn();
  if (span.isRecording()) {
    span.setAttributes(taskAttributes(task));
    span.setAttribute(TraceAttributes.hook, hook);
  }
  try {
    return await context.with(trace.setSpan(context.active(), span), fn);
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with `error`, its stack kept (`recordException`). */
export function recordError(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const shaped = exceptionOf(error);
  span.recordException(shaped);
  span.setStatus({ code: SpanStatusCode.ERROR, message: shaped.message });
}

/** `fn`, bound to the context active now: for callbacks that arrive from elsewhere (a worker thread's messages). */
export function bindActiveContext<F extends (...args: any[]) => unknown>(fn: F): F {
  return context.bind(context.active(), fn);
}

function taskAttributes(task: Task): Attributes {
  return {
    [TraceAttributes.taskId]: task.id,
    [TraceAttributes.definitionId]: task.definitionId,
    [TraceAttributes.iteration]: task.iterations,
    [TraceAttributes.attempt]: task.attempt,
  };
}

function exceptionOf(error: unknown): { name?: string; message: string; code?: string; stack?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === "string" ? { code } : {}), ...(error.stack ? { stack: error.stack } : {}) };
  }
  if (error !== null && typeof error === "object") {
    const { message, code, stack, name } = error as Record<string, unknown>;
    return {
      message: typeof message === "string" ? message : String(error),
      ...(typeof name === "string" ? { name } : typeof code === "string" ? { name: code } : {}),
      ...(typeof code === "string" ? { code } : {}),
      ...(typeof stack === "string" ? { stack } : {}),
    };
  }
  return { message: String(error) };
}

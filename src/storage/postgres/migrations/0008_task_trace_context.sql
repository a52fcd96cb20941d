-- The trigger's trace context (the W3C traceparent / tracestate fields the app's
-- OpenTelemetry propagator wrote), handed back with each claim so the task's iterations
-- join the trigger's trace (docs/tracing.md). NULL when the trigger was not traced.
-- Adding a nullable column without a default rewrites nothing.
ALTER TABLE tasks ADD COLUMN trace_context jsonb;

/**
 * OpenTelemetry traces with an SDK registered as an app would: the trigger → iteration →
 * hook tree, one trace across a parent and its children, attempts, errors with their
 * stacks, and the context crossing into a worker thread.
 */
import { describe, it, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { registerTestTracing, type SpanRecord } from "../helpers/otel.js";
import { sqliteStore, storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { createStint } from "../../src/stint.js";
import { leaf, threadParent } from "../fixtures/traced-thread-definitions.js";
import { newId } from "../../src/domain/ids.js";
import { SYSTEM_IDENTITY } from "../../src/domain/task.js";

const tracing = registerTestTracing();

const named = (spans: SpanRecord[], name: string) => spans.filter((span) => span.name === name);
const one = (spans: SpanRecord[], name: string) => {
  const found = named(spans, name);
  assert.equal(found.length, 1, `one ${name} span, got ${found.length}`);
  return found[0];
};

/** Runs `fn` inside an active span standing for the app's HTTP request; returns the span's record. */
async function inRequest<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return tracing.tracer.startActiveSpan(name, async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

for (const kind of await storeKinds()) {
  describe(`traces (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));
    beforeEach(() => tracing.reset());

    it("traces a task triggered in a request into every iteration, and each hook under its iteration", async () => {
      const steps = createTaskDefinition<{ step: number }>({
        id: "steps",
        title: "Steps",
        run: ({ input, response }) => {
          // No wait: the next iteration runs on the kept claim. A wait: it is claimed again.
          if (input.step === 0) return response.continue({ step: 1 });
          if (input.step === 1) return response.continue({ step: 2 }, { seconds: 5 });
          return response.done({ ok: true });
        },
        onDone: () => {},
      });
      const f = await stintFixture(kind, [steps]);
      fixtures.push(f);
      const { id } = await inRequest("POST /import", () => f.stint.tasks.trigger({ definition: steps, input: { step: 0 } }));
      await f.worker.drain();
      f.clock.advance(5_000);
      await f.worker.drain();
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "success");

      const spans = tracing.spans();
      const request = one(spans, "POST /import");
      const trigger = one(spans, "stint.trigger");
      const iterations = named(spans, "stint.iteration");
      const hook = one(spans, "stint.hook");
      assert.equal(new Set(spans.map((s) => s.traceId)).size, 1, "one trace");
      assert.equal(trigger.parentSpanId, request.spanId);
      assert.equal(trigger.kind, SpanKind.PRODUCER);
      assert.deepEqual(trigger.attributes, { "stint.task.id": id, "stint.definition.id": "steps" });

      assert.deepEqual(
        iterations.map((s) => [s.attributes["stint.iteration"], s.attributes["stint.attempt"], s.attributes["stint.outcome"]]),
        [[1, 1, "continue"], [2, 1, "continue"], [3, 1, "done"]],
      );
      for (const iteration of iterations) {
        assert.equal(iteration.parentSpanId, trigger.spanId, "a child of the stored trigger context");
        assert.equal(iteration.kind, SpanKind.CONSUMER);
        assert.equal(iteration.attributes["stint.task.id"], id);
        assert.equal(iteration.attributes["stint.definition.id"], "steps");
        assert.equal(iteration.status, SpanStatusCode.UNSET);
      }
      assert.equal(hook.parentSpanId, iterations[2].spanId, "the hook under the iteration that settled the task");
      assert.equal(hook.attributes["stint.hook"], "onDone");
      assert.equal(hook.attributes["stint.task.id"], id);
    });

    it("keeps a parent and the children its run() triggers in one trace", async () => {
      const child = createTaskDefinition({ id: "child", title: "Child", run: ({ response }) => response.done() });
      const parent = createTaskDefinition({
        id: "parent",
        title: "Parent",
        run: async ({ response, trigger }) => {
          await trigger({ definition: child, input: { n: 1 } });
          await trigger({ definition: child, input: { n: 2 } });
          return response.done();
        },
      });
      const f = await stintFixture(kind, [parent, child]);
      fixtures.push(f);
      const { id } = await inRequest("POST /parent", () => f.stint.tasks.trigger({ definition: parent }));
      await f.worker.drain();
      const children = await f.stint.tasks.listChildren(id);
      assert.equal(children.length, 2);
      assert.ok(children.every((c) => c.taskStatus === "success"));

      const spans = tracing.spans();
      assert.equal(new Set(spans.map((s) => s.traceId)).size, 1, "parent and children share one trace");
      const triggers = named(spans, "stint.trigger");
      const iterations = named(spans, "stint.iteration");
      const parentIteration = iterations.find((s) => s.attributes["stint.task.id"] === id)!;
      for (const childTask of children) {
        const childTrigger = triggers.find((s) => s.attributes["stint.task.id"] === childTask.id)!;
        assert.equal(childTrigger.parentSpanId, parentIteration.spanId, "triggered inside the parent's iteration");
        const childIteration = iterations.find((s) => s.attributes["stint.task.id"] === childTask.id)!;
        assert.equal(childIteration.parentSpanId, childTrigger.spanId);
      }
    });

    it("records a thrown error with its stack on the iteration, and a failing hook on its own span", async () => {
      const failing = createTaskDefinition({
        id: "failing",
        title: "Failing",
        run: function explodeInRun() {
          throw new Error("boom in run");
        },
        onError: function explodeInHook() {
          throw new Error("boom in onError");
        },
      });
      const f = await stintFixture(kind, [failing]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: failing });
      await f.worker.drain();
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "failed");

      const spans = tracing.spans();
      const iteration = one(spans, "stint.iteration");
      assert.equal(iteration.attributes["stint.outcome"], "error");
      assert.equal(iteration.status, SpanStatusCode.ERROR);
      const exception = iteration.events.find((e) => e.name === "exception")!;
      assert.equal(exception.attributes["exception.message"], "boom in run");
      assert.match(String(exception.attributes["exception.stacktrace"]), /explodeInRun/);

      const hook = one(spans, "stint.hook");
      assert.equal(hook.attributes["stint.hook"], "onError");
      assert.equal(hook.parentSpanId, iteration.spanId);
      assert.equal(hook.status, SpanStatusCode.ERROR);
      assert.match(String(hook.events.find((e) => e.name === "exception")!.attributes["exception.stacktrace"]), /explodeInHook/);
    });

    it("traces each attempt of a retried iteration as its own span under the trigger", async () => {
      let failures = 1;
      const flaky = createTaskDefinition({
        id: "flaky",
        title: "Flaky",
        retry: { attempts: 2, initialDelaySeconds: 1, jitter: false },
        run: ({ response }) => {
          if (failures-- > 0) throw new Error("blip");
          return response.done();
        },
      });
      const f = await stintFixture(kind, [flaky]);
      fixtures.push(f);
      await f.stint.tasks.trigger({ definition: flaky });
      await f.worker.drain();
      f.clock.advance(1_000);
      await f.worker.drain();

      const spans = tracing.spans();
      const trigger = one(spans, "stint.trigger");
      const attempts = named(spans, "stint.iteration");
      assert.deepEqual(
        attempts.map((s) => [s.attributes["stint.iteration"], s.attributes["stint.attempt"], s.attributes["stint.outcome"], s.status]),
        [[1, 1, "retry", SpanStatusCode.ERROR], [1, 2, "done", SpanStatusCode.UNSET]],
      );
      for (const attempt of attempts) assert.equal(attempt.parentSpanId, trigger.spanId);
    });

    it("runs onAbort from abort() under the caller's span", async () => {
      const idle = createTaskDefinition({ id: "idle", title: "Idle", run: ({ response }) => response.done(), onAbort: () => {} });
      const f = await stintFixture(kind, [idle]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: idle, delay: 60 });
      await inRequest("DELETE /task", () => f.stint.tasks.abort({ id }));
      const spans = tracing.spans();
      const request = one(spans, "DELETE /task");
      const hook = one(spans, "stint.hook");
      assert.equal(hook.parentSpanId, request.spanId);
      assert.equal(hook.traceId, request.traceId);
      assert.equal(hook.attributes["stint.hook"], "onAbort");
    });

    it("starts a root trace for a task stored without a trace context, and a root trigger span outside any span", async () => {
      const quick = createTaskDefinition({ id: "quick", title: "Quick", run: ({ response }) => response.done() });
      const f = await stintFixture(kind, [quick]);
      fixtures.push(f);
      // Stored by another tool (or a Stint without tracing): no trace context.
      const [untraced] = await f.store.adapter.taskCreateMany({
        tasks: [{
          id: newId(f.clock.now()),
          name: "Untraced",
          definitionId: "quick",
          parentId: null,
          input: {},
          maxIterations: 50,
          runAt: f.clock.now(),
          createdOn: f.clock.now(),
          createdBy: SYSTEM_IDENTITY,
          eventResponse: null,
        }],
      });
      const traced = await f.stint.tasks.trigger({ definition: quick });
      await f.worker.drain();

      const spans = tracing.spans();
      const trigger = one(spans, "stint.trigger");
      assert.equal(trigger.parentSpanId, null, "no active span at the trigger: a root");
      const iterations = named(spans, "stint.iteration");
      const ofUntraced = iterations.find((s) => s.attributes["stint.task.id"] === untraced.id)!;
      const ofTraced = iterations.find((s) => s.attributes["stint.task.id"] === traced.id)!;
      assert.equal(ofUntraced.parentSpanId, null);
      assert.notEqual(ofUntraced.traceId, trigger.traceId);
      assert.equal(ofTraced.parentSpanId, trigger.spanId);
    });

    it("traces triggerMany as one span whose context every task of the batch carries", async () => {
      const quick = createTaskDefinition({ id: "quick", title: "Quick", run: ({ response }) => response.done() });
      const f = await stintFixture(kind, [quick]);
      fixtures.push(f);
      const tasks = await f.stint.tasks.triggerMany([{ definition: quick }, { definition: quick }, { definition: quick }]);
      await f.worker.drain();
      const spans = tracing.spans();
      const trigger = one(spans, "stint.trigger");
      assert.deepEqual(trigger.attributes, { "stint.task.count": 3 });
      const iterations = named(spans, "stint.iteration");
      assert.deepEqual(iterations.map((s) => s.attributes["stint.task.id"]).sort(), tasks.map((t) => t.id).sort());
      for (const iteration of iterations) assert.equal(iteration.parentSpanId, trigger.spanId);
    });

    it("records a refused trigger on its span, with the error", async () => {
      const picky = createTaskDefinition({
        id: "picky",
        title: "Picky",
        onBeforeTrigger: () => {
          throw new Error("not today");
        },
        run: ({ response }) => response.done(),
      });
      const f = await stintFixture(kind, [picky]);
      fixtures.push(f);
      await assert.rejects(f.stint.tasks.trigger({ definition: picky }), /not today/);
      const trigger = one(tracing.spans(), "stint.trigger");
      assert.equal(trigger.status, SpanStatusCode.ERROR);
      assert.equal(trigger.events.find((e) => e.name === "exception")?.attributes["exception.message"], "not today");
    });

    it("makes the iteration span active in run() for the task's own spans", async () => {
      let seen: string | undefined;
      const own = createTaskDefinition({
        id: "own",
        title: "Own spans",
        run: async ({ response }) => {
          await tracing.tracer.startActiveSpan("fetch rows", async (span) => {
            seen = trace.getActiveSpan()?.spanContext().spanId;
            span.end();
          });
          return response.done();
        },
      });
      const f = await stintFixture(kind, [own]);
      fixtures.push(f);
      await f.stint.tasks.trigger({ definition: own });
      await f.worker.drain();
      const spans = tracing.spans();
      const mine = one(spans, "fetch rows");
      assert.equal(seen, mine.spanId);
      assert.equal(mine.parentSpanId, one(spans, "stint.iteration").spanId);
    });
  });
}

describe("traces across a worker thread", () => {
  it("continues the trace into a child triggered from a run() isolated in a thread", async () => {
    tracing.reset();
    const store = await sqliteStore.create();
    const stint = await createStint({ storage: store.adapter, definitions: [threadParent, leaf], useEnv: false });
    try {
      const worker = stint.createWorker();
      const { id } = await inRequest("POST /thread", () => stint.tasks.trigger({ definition: threadParent }));
      await worker.drain();
      const [child] = await stint.tasks.listChildren(id);
      assert.equal(child?.taskStatus, "success");

      const spans = tracing.spans();
      assert.equal(new Set(spans.map((s) => s.traceId)).size, 1, "one trace");
      const parentIteration = named(spans, "stint.iteration").find((s) => s.attributes["stint.task.id"] === id)!;
      const childTrigger = named(spans, "stint.trigger").find((s) => s.attributes["stint.task.id"] === child.id)!;
      assert.equal(childTrigger.parentSpanId, parentIteration.spanId, "the thread's trigger call ran in the iteration's context");
      const parent = await stint.tasks.getTask(id);
      assert.deepEqual(parent!.output, { traceId: parentIteration.traceId, spanId: parentIteration.spanId }, "run() in the thread sees the iteration's span context");
    } finally {
      await stint.close();
      await store.cleanup();
    }
  });
});

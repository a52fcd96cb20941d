/**
 * Without an OpenTelemetry SDK registered (the API's no-op tracer, context manager and
 * propagator): tasks run as always, nothing is stored as a trace context, nothing is
 * active in run() and hooks, and no error is reported.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { trace } from "@opentelemetry/api";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";

for (const kind of await storeKinds()) {
  describe(`no tracing SDK (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));

    it("stores no trace context with a trigger", async () => {
      const quick = createTaskDefinition({ id: "quick", title: "Quick", run: ({ response }) => response.done() });
      const f = await stintFixture(kind, [quick]);
      fixtures.push(f);
      await f.stint.tasks.trigger({ definition: quick });
      await f.stint.tasks.triggerMany([{ definition: quick }, { definition: quick }]);
      const claimed = await f.store.adapter.taskClaim({ workerId: "probe", limit: 10, now: f.clock.now(), leaseMs: 1_000, definitionIds: ["quick"] });
      assert.equal(claimed.length, 3);
      for (const claim of claimed) assert.equal(claim.traceContext, null);
    });

    it("runs iterations, children and hooks with no active span and no error", async () => {
      const seen: unknown[] = [];
      const errors: unknown[] = [];
      const child = createTaskDefinition({ id: "child", title: "Child", run: ({ response }) => response.done() });
      const parent = createTaskDefinition<{ step: number }>({
        id: "parent",
        title: "Parent",
        run: async ({ input, response, trigger }) => {
          seen.push(trace.getActiveSpan());
          if (input.step === 0) {
            await trigger({ definition: child });
            return response.continue({ step: 1 });
          }
          throw new Error("fails on purpose");
        },
        onError: () => void seen.push(trace.getActiveSpan()),
      });
      const f = await stintFixture(kind, [parent, child]);
      fixtures.push(f);
      f.worker.events.on("worker:error", (event) => errors.push(event.error));
      f.worker.events.on("hook:error", (event) => errors.push(event.error));
      const { id } = await f.stint.tasks.trigger({ definition: parent, input: { step: 0 } });
      await f.worker.drain();
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "failed");
      assert.deepEqual((await f.stint.tasks.listChildren(id)).map((c) => c.taskStatus), ["success"]);
      assert.deepEqual(seen, [undefined, undefined, undefined], "two iterations and the hook, none with a span");
      assert.deepEqual(errors, []);
    });
  });
}

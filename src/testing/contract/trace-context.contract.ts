import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import { claim, claimOne, createTask, LEASE_MS, T0, taskParams, useStore } from "./fixtures.js";

const TRACED = {
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  tracestate: "vendor=opaque,other=1",
};

/** The trigger's trace context (TaskCreateParams.traceContext) comes back with every claim of the task. */
export function traceContextContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("trace context", () => {
    const store = useStore(suite);

    it("hands the trace context stored at the trigger back with the claim", async () => {
      await createTask(store.adapter, { traceContext: TRACED });
      const claimed = await claimOne(store.adapter);
      assert.deepEqual(claimed.traceContext, TRACED);
    });

    it("claims a task stored without a trace context with none", async () => {
      await createTask(store.adapter);
      await createTask(store.adapter, { traceContext: null });
      const claimed = await claim(store.adapter);
      assert.equal(claimed.length, 2);
      for (const one of claimed) assert.equal(one.traceContext ?? null, null);
    });

    it("keeps each task's own trace context in a batch", async () => {
      const other = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00" };
      const [first, second, third] = await store.adapter.taskCreateMany({
        tasks: [taskParams({ traceContext: TRACED }), taskParams({ traceContext: other }), taskParams()],
      });
      const byId = new Map((await claim(store.adapter)).map((c) => [c.task.id, c.traceContext ?? null]));
      assert.deepEqual(byId.get(first.id), TRACED);
      assert.deepEqual(byId.get(second.id), other);
      assert.equal(byId.get(third.id), null);
    });

    it("hands it back again to the worker that takes an expired lease over (the next attempt)", async () => {
      await createTask(store.adapter, { traceContext: TRACED });
      await claimOne(store.adapter, { workerId: "worker-a" });
      const takeover = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS + 1 });
      assert.equal(takeover.task.attempt, 2);
      assert.deepEqual(takeover.traceContext, TRACED);
    });

    it("leaves the task as the other reads return it (the trace context is no task field)", async () => {
      const plain = await createTask(store.adapter);
      const traced = await createTask(store.adapter, { traceContext: TRACED });
      assert.equal("traceContext" in traced, false);
      const read = await store.adapter.taskGet({ id: traced.id });
      assert.deepEqual(Object.keys(read!).sort(), Object.keys((await store.adapter.taskGet({ id: plain.id }))!).sort());
    });
  });
}

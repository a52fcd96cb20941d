import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds, type TestStore } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";
import { createStint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import type { StorageAdapter } from "../../src/storage/port/index.js";

/** Counts the store calls a worker makes, by operation, and the claim sizes asked for. */
function counting(adapter: StorageAdapter) {
  const calls: Record<string, number> = {};
  const claimLimits: number[] = [];
  const proxy = new Proxy(adapter, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls[String(key)] = (calls[String(key)] ?? 0) + 1;
        if (key === "taskClaim") claimLimits.push((args[0] as { limit: number }).limit);
        return value.apply(target, args);
      };
    },
  });
  return { adapter: proxy, calls, claimLimits };
}

type Method = (...args: never[]) => unknown;
type Around = { [K in keyof StorageAdapter]?: StorageAdapter[K] extends Method ? (call: StorageAdapter[K], ...args: Parameters<StorageAdapter[K]>) => ReturnType<StorageAdapter[K]> : never };

/** The adapter with some methods wrapped: each wrapper gets the original (bound) and the arguments. */
function around(adapter: StorageAdapter, wrappers: Around): StorageAdapter {
  return new Proxy(adapter, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      const original = value.bind(target);
      const wrapper = wrappers[key as keyof Around] as ((call: unknown, ...args: unknown[]) => unknown) | undefined;
      return wrapper ? (...args: unknown[]) => wrapper(original, ...args) : original;
    },
  });
}

for (const kind of await storeKinds()) {
  describe(`worker batching (${kind.name})`, () => {
    const stores: TestStore[] = [];
    after(() => Promise.all(stores.map((s) => s.cleanup())));

    it("runs a task that continues without waiting in place: one claim for all its iterations", async () => {
      const store = await kind.create();
      stores.push(store);
      const probe = counting(store.adapter);
      const steps = createTaskDefinition<{ i: number }>({
        id: "steps",
        title: "Steps",
        run: ({ input, response }) => (input.i < 20 ? response.continue({ i: input.i + 1 }) : response.done({ i: input.i })),
      });
      const stint = await createStint({ storage: probe.adapter, definitions: [steps], useEnv: false });
      const worker = await stint.startWorker();
      const { id } = await stint.tasks.trigger({ definition: steps, input: { i: 0 } });
      const task = (await waitFor(() => stint.tasks.getTask(id), (t) => t?.taskStatus === "success"))!;
      await worker.stop();
      assert.equal(task.iterations, 21);
      assert.deepEqual(task.output, { i: 20 });
      assert.ok((probe.calls.taskFinishMany ?? 0) >= 21, "every iteration's checkpoint is stored");
      const claimsWithWork = probe.calls.taskClaim ?? 0;
      assert.ok(claimsWithWork <= 4, `claims: ${claimsWithWork} for 21 iterations (continue in place)`);
      const logs = await stint.tasks.listLogs({ where: { task: id }, limit: 100 });
      assert.equal(logs.meta.totalCount, 21, "one log record per iteration, as before");
      await stint.close();
    });

    it("claims in batches and never holds more than its capacity (plus outcomes being stored), whatever the queue", async () => {
      const store = await kind.create();
      stores.push(store);
      const probe = counting(store.adapter);
      const noop = createTaskDefinition({ id: "noop", title: "No-op", run: ({ response }) => response.done() });
      const stint = await createStint({ storage: probe.adapter, definitions: [noop], useEnv: false });
      const TASKS = 3000;
      for (let i = 0; i < TASKS; i += 1000) {
        await stint.tasks.triggerMany(Array.from({ length: 1000 }, () => ({ definition: noop })));
      }
      const worker = await stint.startWorker({ concurrency: 4 });
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, worker.activeCount)), 1);
      await waitFor(() => stint.tasks.listTasks({ where: { taskStatus: "success" }, limit: 1 }), (p) => p.meta.totalCount === TASKS, 60_000);
      clearInterval(sampler);
      await worker.stop();
      const claims = probe.claimLimits.length;
      assert.ok(claims < TASKS / 10, `${claims} claims for ${TASKS} tasks: claims come in batches`);
      assert.ok(Math.max(...probe.claimLimits) <= 4 + 500, "a claim never asks for more than concurrency + the prefetch cap");
      // Running and queued claims stay within concurrency + prefetch; iterations that ran
      // and wait for their outcome's write hold no slot, and are bounded by two more
      // capacities (the worker claims on while they are stored).
      assert.ok(peak <= 3 * (4 + 500), `at most ${peak} executions in flight`);
      await stint.close();
    });

    it("stop() never hands back an iteration whose outcome is being written (it would re-open the stored row)", async () => {
      const store = await kind.create();
      stores.push(store);
      // Outcome writes commit at once but their result comes back only when released: the
      // worker still sees them as being stored when stop() gives up on what is in flight.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const handedBack: string[] = [];
      const slowAnswers = around(store.adapter, {
        taskFinishMany: async (call, params) => {
          const results = await call(params);
          await released;
          return results;
        },
        taskReleaseLeases: (call, params) => {
          handedBack.push(...params.leases.map((l) => l.id));
          return call(params);
        },
      });
      const ran: string[] = [];
      const noop = createTaskDefinition({ id: "noop", title: "No-op", run: ({ store, response }) => (ran.push(store.getTask().id), response.done()) });
      const stint = await createStint({ storage: slowAnswers, definitions: [noop], useEnv: false });
      try {
        await stint.tasks.triggerMany(Array.from({ length: 4 }, () => ({ definition: noop })));
        const worker = await stint.startWorker({ concurrency: 1, prefetch: 0, shutdownTimeoutMs: 50, graceMs: 50 });
        await waitFor(async () => ran.length, (n) => n >= 2, 5_000);
        await worker.stop();
        assert.deepEqual(handedBack.filter((id) => ran.includes(id)), [], "no iteration that ran was handed back");
        release();
        for (const id of ran) await waitFor(() => stint.tasks.getTask(id), (t) => t?.taskStatus === "success");
        // Nothing that succeeded is due again (a hand-back after the write made it due now).
        const due = await store.adapter.taskClaim({ workerId: "probe", limit: 10, now: Date.now() + 60_000, leaseMs: 1_000, definitionIds: ["noop"] });
        assert.deepEqual(due.map((c) => c.task.id).filter((id) => ran.includes(id)), []);
      } finally {
        release();
        await stint.close();
      }
    });

    it("claims and runs the next batch while the last batch's outcomes are being stored, up to a bound", async () => {
      const store = await kind.create();
      stores.push(store);
      // Outcome writes wait until released: the worker must keep claiming meanwhile.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const claimLimits: number[] = [];
      const gated = around(store.adapter, {
        taskFinishMany: async (call, params) => {
          await released;
          return call(params);
        },
        taskClaim: (call, params) => {
          claimLimits.push(params.limit);
          return call(params);
        },
      });
      let started = 0;
      const noop = createTaskDefinition({ id: "noop", title: "No-op", run: ({ response }) => (started++, response.done()) });
      const stint = await createStint({ storage: gated, definitions: [noop], useEnv: false });
      await stint.tasks.triggerMany(Array.from({ length: 20 }, () => ({ definition: noop })));
      // Capacity 4 (2 running + 2 queued). No outcome is stored yet: the worker claims a
      // second batch while the first one's outcomes wait (a worker counting them against
      // its capacity stops at 4), and stops at two capacities of waiting outcomes.
      const worker = await stint.startWorker({ concurrency: 2, prefetch: 2, pollIntervalMs: 20 });
      try {
        // Until no task has started for 300 ms (fifteen poll intervals).
        let last = -1;
        let since = Date.now();
        await waitFor(
          async () => {
            if (started !== last) [last, since] = [started, Date.now()];
            return Date.now() - since;
          },
          (quietMs) => quietMs >= 300,
          10_000,
        );
        // It stops claiming once two capacities of outcomes wait (a claim decided just
        // before may add at most one capacity more); a worker that never stops runs all 20.
        assert.ok(started >= 8 && started <= 12, `${started} tasks ran while no outcome could be stored`);
        release();
        await waitFor(() => stint.tasks.listTasks({ where: { taskStatus: "success" }, limit: 1 }), (p) => p.meta.totalCount === 20, 10_000);
        assert.equal(started, 20);
        assert.ok(Math.max(...claimLimits) <= 4, "a claim never asks for more than the capacity");
      } finally {
        release();
        await worker.stop();
        await stint.close();
      }
    });
  });
}

import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { sqliteStore, type TestStore } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";
import { createStint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { BroadcastChannel } from "node:worker_threads";
import { crunch, outlast, OUTLAST_CHANNEL, spin, wrapUp } from "../fixtures/isolated-definitions.js";

describe("isolation in worker threads", () => {
  const stores: TestStore[] = [];
  after(() => Promise.all(stores.map((s) => s.cleanup())));

  it("fails a CPU-bound iteration with TASK_TIMEOUT within budget + grace and keeps running other tasks", async () => {
    const store = await sqliteStore.create();
    stores.push(store);
    const quick = createTaskDefinition({ id: "quick", title: "Quick", run: ({ response }) => response.done({ ok: true }) });
    const stint = await createStint({ storage: store.adapter, definitions: [spin, quick], useEnv: false });
    const worker = await stint.startWorker({ concurrency: 2, graceMs: 500 });
    const started = Date.now();
    const { id } = await stint.tasks.trigger({ definition: spin });
    const failed = (await waitFor(() => stint.tasks.getTask(id), (t) => t?.taskStatus === "failed", 10_000))!;
    const elapsed = Date.now() - started;
    assert.equal((failed.output as any).error.code, "TASK_TIMEOUT");
    assert.ok(elapsed < 1000 + 500 + 1500, `failed after ${elapsed} ms (budget 1000 + grace 500)`);

    const { id: next } = await stint.tasks.trigger({ definition: quick });
    const done = (await waitFor(() => stint.tasks.getTask(next), (t) => t?.taskStatus === "success", 5_000))!;
    assert.deepEqual(done.output, { ok: true });
    assert.equal(worker.activeCount, 0);
    await stint.close();
  });

  it("runs a thread iteration with state updates, logs and checkpoints like an in-process one", async () => {
    const store = await sqliteStore.create();
    stores.push(store);
    const stint = await createStint({ storage: store.adapter, definitions: [crunch], useEnv: false });
    await stint.startWorker();
    const { id } = await stint.tasks.trigger({ definition: crunch, input: { n: 100 } });
    const task = (await waitFor(() => stint.tasks.getTask(id), (t) => t?.taskStatus === "success", 10_000))!;
    assert.deepEqual(task.output, { sum: 5050 });
    assert.equal(task.iterations, 2);
    const logs = await stint.tasks.listLogs({ where: { task: id }, sort: ["iteration_ASC"] });
    assert.deepEqual(logs.items.map((l) => l.items[0].message), ["step 0", "step 1"]);
    await stint.close();
  });

  it("tells a thread iteration to wrap up on stop() without calling it aborted, and stores its checkpoint", async () => {
    const store = await sqliteStore.create();
    stores.push(store);
    const stint = await createStint({ storage: store.adapter, definitions: [wrapUp], useEnv: false });
    const first = await stint.startWorker({ shutdownTimeoutMs: 100, graceMs: 5_000 });
    const { id } = await stint.tasks.trigger({ definition: wrapUp });
    await waitFor(() => first.activeCount, (n) => n === 1);
    await new Promise((r) => setTimeout(r, 300)); // the thread is up and waiting
    await first.stop();
    await stint.startWorker();
    const task = (await waitFor(() => stint.tasks.getTask(id), (t) => t?.taskStatus === "success", 10_000))!;
    assert.deepEqual(task.output, { sawAborted: false, sawCloseToTimeout: true });
    assert.equal(task.iterations, 2);
    await stint.close();
  });

  it("passes a user's abort to a thread iteration even after its budget's signal fired", async () => {
    const store = await sqliteStore.create();
    stores.push(store);
    const stint = await createStint({ storage: store.adapter, definitions: [outlast], useEnv: false });
    await stint.startWorker({ graceMs: 8_000 });
    const channel = new BroadcastChannel(OUTLAST_CHANNEL);
    const seen = new Promise<unknown>((resolve) => (channel.onmessage = (event) => resolve((event as { data: unknown }).data)));
    try {
      const { id } = await stint.tasks.trigger({ definition: outlast });
      const messages = async () => (await stint.tasks.listLogs({ where: { task: id } })).items.flatMap((l) => l.items.map((i) => i.message));
      await waitFor(messages, (m) => m.includes("past the budget"), 10_000);
      await stint.tasks.abort({ id });
      assert.equal(await seen, "sawAborted=true");
      assert.equal((await stint.tasks.getTask(id))!.taskStatus, "aborted");
      assert.deepEqual(await messages(), ["past the budget", "Task aborted."], "the abort's message ends the log");
    } finally {
      channel.close();
    }
    await stint.close();
  });

  it("refuses thread isolation without a module", () => {
    assert.throws(
      () => createTaskDefinition({ id: "nomod", title: "No module", isolation: "thread", run: ({ response }) => response.done() }),
      /needs `module: import.meta.url`/,
    );
  });
});

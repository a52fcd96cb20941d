/**
 * `/metrics` scraped from a real API server while a real worker runs tasks whose counts
 * are known, before, during and after the run.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { createStint, type Stint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { sqliteStore, type TestStore } from "../helpers/stores.js";
import { deferred } from "../helpers/stint.js";
import { parseExposition, sample, seriesOf, type Samples } from "./exposition.js";

const quick = createTaskDefinition({ id: "quick", title: "Quick", run: async ({ response }) => response.done({}) });
const steps = createTaskDefinition<{ left?: number }>({
  id: "steps",
  title: "Three iterations",
  run: async ({ input, response }) => {
    const left = input.left ?? 2;
    return left > 0 ? response.continue({ left: left - 1 }) : response.done({});
  },
});
const broken = createTaskDefinition({
  id: "broken",
  title: "Fails, and so does its onError hook",
  run: async () => {
    throw new Error("no luck");
  },
  onError: async () => {
    throw new Error("hook broke too");
  },
});
const gate = deferred();
const started = deferred();
const held = createTaskDefinition({
  id: "held",
  title: "Runs until the test lets it go",
  run: async ({ response }) => {
    started.resolve();
    await gate.promise;
    return response.done({});
  },
});

async function scrape(url: string): Promise<{ status: number; type: string | null; samples: Samples; text: string }> {
  const response = await fetch(new URL("/metrics", url));
  const text = await response.text();
  return { status: response.status, type: response.headers.get("content-type"), samples: response.status === 200 ? parseExposition(text) : new Map(), text };
}

describe("GET /metrics during a run (SQLite, real server and worker)", () => {
  let store: TestStore;
  let stint: Stint;
  after(async () => {
    gate.resolve();
    await stint?.close();
    await store?.cleanup();
  });

  it("exposes the store's counts, the queue lag and what the worker did, checked against known counts", async () => {
    store = await sqliteStore.create();
    const clock = new ManualClock();
    stint = await createStint({
      storage: store.adapter,
      definitions: [quick, steps, broken, held],
      clock,
      useEnv: false,
      metrics: { cacheSeconds: 0 },
    });
    const server = await stint.startServer({ port: 0 });
    for (let i = 0; i < 3; i++) await stint.tasks.trigger({ definition: "quick" });
    for (let i = 0; i < 2; i++) await stint.tasks.trigger({ definition: "steps" });
    await stint.tasks.trigger({ definition: "broken" });
    clock.advance(42_000);

    const before = await scrape(server.url);
    assert.equal(before.status, 200);
    assert.match(before.type ?? "", /^text\/plain; version=0\.0\.4/);
    const s0 = before.samples;
    assert.equal(sample(s0, 'stint_tasks{definition="quick",status="pending"}'), 3);
    assert.equal(sample(s0, 'stint_tasks{definition="steps",status="pending"}'), 2);
    assert.equal(sample(s0, 'stint_tasks{definition="broken",status="pending"}'), 1);
    for (const definition of ["quick", "steps", "broken"]) {
      assert.equal(sample(s0, `stint_queue_lag_seconds{definition="${definition}"}`), 42, definition);
    }
    assert.deepEqual(seriesOf(s0, "stint_iterations_total"), [], "nothing ran yet");
    // The default process metrics, on this instance's own registry.
    assert.ok(sample(s0, "process_cpu_user_seconds_total")! >= 0);
    assert.ok(seriesOf(s0, "nodejs_eventloop_lag_seconds").length > 0);

    const worker = stint.createWorker({ concurrency: 2 });
    await worker.drain();

    const s1 = (await scrape(server.url)).samples;
    assert.equal(sample(s1, 'stint_iterations_total{definition="quick",outcome="done"}'), 3);
    assert.equal(sample(s1, 'stint_iterations_total{definition="steps",outcome="continue"}'), 4);
    assert.equal(sample(s1, 'stint_iterations_total{definition="steps",outcome="done"}'), 2);
    assert.equal(sample(s1, 'stint_iterations_total{definition="broken",outcome="error"}'), 1);
    assert.equal(sample(s1, 'stint_iteration_duration_seconds_count{definition="quick"}'), 3);
    assert.equal(sample(s1, 'stint_iteration_duration_seconds_count{definition="steps"}'), 6);
    assert.equal(sample(s1, 'stint_iteration_duration_seconds_count{definition="broken"}'), 1);
    // First iterations only, each started 42 s (manual clock) after its trigger.
    assert.equal(sample(s1, 'stint_trigger_to_start_seconds_count{definition="quick"}'), 3);
    assert.equal(sample(s1, 'stint_trigger_to_start_seconds_sum{definition="quick"}'), 126);
    assert.equal(sample(s1, 'stint_trigger_to_start_seconds_count{definition="steps"}'), 2);
    assert.equal(sample(s1, 'stint_hook_failures_total{hook="onError"}'), 1);
    assert.equal(sample(s1, "stint_lease_takeovers_total"), 0);
    assert.equal(sample(s1, 'stint_tasks{definition="quick",status="success"}'), 3);
    assert.equal(sample(s1, 'stint_tasks{definition="steps",status="success"}'), 2);
    assert.equal(sample(s1, 'stint_tasks{definition="broken",status="failed"}'), 1);
    assert.equal(sample(s1, 'stint_tasks{definition="quick",status="pending"}'), undefined, "no pending quick task is left");
    assert.equal(sample(s1, 'stint_queue_lag_seconds{definition="quick"}'), 0);

    // During a run: one iteration holds a slot.
    await stint.tasks.trigger({ definition: "held" });
    const draining = worker.drain();
    await started.promise;
    const s2 = (await scrape(server.url)).samples;
    assert.equal(sample(s2, 'stint_worker_slots{state="busy"}'), 1);
    assert.equal(sample(s2, 'stint_worker_slots{state="idle"}'), 1);
    assert.equal(sample(s2, 'stint_tasks{definition="held",status="running"}'), 1);
    gate.resolve();
    await draining;
    const s3 = (await scrape(server.url)).samples;
    assert.equal(sample(s3, 'stint_worker_slots{state="busy"}'), 0);
    assert.equal(sample(s3, 'stint_iterations_total{definition="held",outcome="done"}'), 1);
    // No task id ever becomes a label value.
    const text = (await scrape(server.url)).text;
    const ids = (await stint.tasks.listTasks({ limit: 100 })).items.map((task) => task.id);
    for (const id of ids) assert.ok(!text.includes(id), `task id ${id} in the exposition`);
  });

  it("keeps two instances in one process apart: each has its own registry", async () => {
    const other = await createStint({ database: "sqlite::memory:", definitions: [quick], useEnv: false, metrics: { cacheSeconds: 0 } });
    try {
      await other.tasks.trigger({ definition: "quick" });
      await other.createWorker().drain();
      const mine = parseExposition(await other.metrics!.text());
      assert.equal(sample(mine, 'stint_iterations_total{definition="quick",outcome="done"}'), 1);
      assert.equal(sample(mine, 'stint_tasks{definition="quick",status="success"}'), 1);
      const theirs = parseExposition(await stint.metrics!.text());
      assert.equal(sample(theirs, 'stint_iterations_total{definition="quick",outcome="done"}'), 3, "the first instance's count is unchanged");
    } finally {
      await other.close();
    }
  });

  it("has no /metrics and no registry with metrics: false", async () => {
    const off = await createStint({ database: "sqlite::memory:", definitions: [quick], useEnv: false, metrics: false });
    try {
      assert.equal(off.metrics, null);
      const server = await off.startServer({ port: 0 });
      const answer = await fetch(new URL("/metrics", server.url));
      assert.equal(answer.status, 404);
      await answer.body?.cancel();
    } finally {
      await off.close();
    }
  });

  it("refuses a bad metrics config before opening the store", async () => {
    await assert.rejects(
      createStint({ database: "sqlite::memory:", useEnv: false, metrics: { key: "short" } }),
      /metrics\.key.*5 characters long/,
    );
    await assert.rejects(createStint({ database: "sqlite::memory:", useEnv: false, metrics: { cacheSeconds: -1 } }), /metrics\.cacheSeconds/);
    await assert.rejects(createStint({ database: "sqlite::memory:", useEnv: false, metrics: "yes" as never }), /metrics: expected true, false or an object/);
  });
});

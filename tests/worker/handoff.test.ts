/**
 * Handoff through the worker (PostgreSQL): an idle worker offers a slot with its claims,
 * a trigger from another Stint (as another process would) hands it the task, and a
 * stopping worker leaves no handed task behind.
 */
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createStint, type Stint } from "../../src/stint.js";
import { createPostgresStorage } from "../../src/storage/postgres/index.js";
import type { ClaimedTask, StorageEvent } from "../../src/storage/port/index.js";
import type { DefaultTaskService } from "../../src/service/task-service.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import type { WorkerOptions } from "../../src/worker/options.js";
import { isPostgresReachable, postgresStore, withAdminClient as admin, type TestStore } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";

const reachable = await isPostgresReachable();

const echo = createTaskDefinition<{ n: number }>({
  id: "echo",
  title: "Echo",
  run: ({ input, response }) => response.done({ n: input.n }),
});
const runs = new Map<string, number>();
const counted = createTaskDefinition<{ n: number }>({
  id: "counted",
  title: "Counted",
  run: async ({ input, response, store }) => {
    const id = store.getTask().id;
    runs.set(id, (runs.get(id) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, 300));
    return response.done({ n: input.n });
  },
});
const slow = createTaskDefinition<{ n: number }>({
  id: "slow",
  title: "Slow",
  run: async ({ input, response }) => {
    await new Promise((r) => setTimeout(r, 300));
    return response.done({ n: input.n });
  },
});

/** Runs 4 s, counting its runs in `runs`. */
const lingering = createTaskDefinition<{ n: number }>({
  id: "lingering",
  title: "Lingering",
  run: async ({ response, store }) => {
    const id = store.getTask().id;
    runs.set(id, (runs.get(id) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, 4_000));
    return response.done();
  },
});

describe("worker handoff (postgres)", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(workerOptions: WorkerOptions = {}) {
    const store: TestStore = await postgresStore.create();
    cleanups.push(() => store.cleanup());
    const open = async () => {
      const stint = await createStint({ database: store.url, definitions: [echo, slow, counted, lingering], useEnv: false, skipMigrations: true });
      cleanups.push(() => stint.close());
      return stint;
    };
    const workerSide = await open();
    const triggerSide = await open();
    const worker = workerSide.createWorker({ pollIntervalMs: 50, leaseMs: 60_000, ...workerOptions });
    return { store, workerSide, triggerSide, worker, open };
  }

  const slotCount = (store: TestStore) =>
    admin((c) => c.query<{ n: string }>(`SELECT count(*) AS n FROM "${new URL(store.url).searchParams.get("schema")}".worker_slots`)).then((r) => Number(r.rows[0].n));

  /**
   * Triggers until a task is handed over (stored running): a trigger that meets the
   * worker's own claim holding the slot row skips it and queues its task instead.
   */
  async function triggerHanded(stint: Stint, definition: string, n: number) {
    for (let i = 0; i < 20; i++) {
      // The stored task (Dates), as a worker's claim carries it: the service's internal form.
      const task = await (stint.tasks as DefaultTaskService).stored.trigger({ definition, input: { n } });
      if (task.taskStatus === "running") return task;
    }
    throw new Error("no trigger was handed over");
  }

  async function finished(stint: Stint, id: string) {
    return waitFor(() => stint.tasks.getTask(id), (t) => t?.taskStatus === "success", 10_000);
  }

  it("runs a task handed over by a trigger in another process", async () => {
    const { store, triggerSide, worker } = await setup();
    worker.start();
    await waitFor(() => slotCount(store), (n) => n === 1);
    const task = await triggerHanded(triggerSide, echo.id, 7);
    assert.equal(task.executionName, worker.workerId);
    const done = await finished(triggerSide, task.id);
    assert.deepEqual(done?.output, { n: 7 });
    assert.equal(done?.iterations, 1);
    assert.equal(done?.executionName, worker.workerId);
  });

  it("runs a handed task once when a claim brings it back too", async () => {
    const { store, triggerSide } = await setup();
    // The worker's adapter, watched: claims while the task runs return it again (handed).
    const adapter = createPostgresStorage({ connectionString: store.url });
    const returnedHanded: ClaimedTask[] = [];
    const watched = new Proxy(adapter, {
      get(target, key, receiver) {
        if (key !== "taskClaim") return Reflect.get(target, key, receiver);
        return async (params: Parameters<typeof adapter.taskClaim>[0]) => {
          const claimed = await target.taskClaim(params);
          returnedHanded.push(...claimed.filter((c) => c.handed));
          return claimed;
        };
      },
    });
    const stint = await createStint({ storage: watched, definitions: [counted], useEnv: false, skipMigrations: true });
    cleanups.push(() => stint.close());
    const worker = stint.createWorker({ pollIntervalMs: 20, concurrency: 5 });
    worker.start();
    await waitFor(() => slotCount(store), (n) => n === 1);
    const task = await triggerHanded(triggerSide, counted.id, 1);
    await finished(triggerSide, task.id);
    assert.ok(returnedHanded.some((c) => c.task.id === task.id), "a claim returned it while it ran");
    assert.equal(runs.get(task.id), 1, "run() once");
  });

  it("takes no handoff with handoff: false, and still runs the task", async () => {
    const { store, triggerSide, worker } = await setup({ handoff: false });
    worker.start();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await slotCount(store), 0);
    const task = await triggerSide.tasks.trigger({ definition: echo, input: { n: 1 } });
    assert.equal(task.taskStatus, "pending");
    await finished(triggerSide, task.id);
  });

  it("validates the option", async () => {
    const { workerSide } = await setup();
    assert.throws(() => workerSide.createWorker({ handoff: "yes" as unknown as boolean }), /worker\.handoff/);
  });

  /**
   * A worker whose adapter never delivers handoff notifications (a LISTEN connection lost
   * them); `deliver` feeds its event listener by hand.
   */
  async function deaf(store: TestStore, workerOptions: WorkerOptions, deliver: { to?: (event: StorageEvent) => void } = {}) {
    const adapter = createPostgresStorage({ connectionString: store.url });
    const lossy = new Proxy(adapter, {
      get(target, key, receiver) {
        if (key !== "subscribe") return Reflect.get(target, key, receiver);
        return (listener: Parameters<typeof adapter.subscribe>[0]) => {
          deliver.to = listener;
          return target.subscribe((event) => {
            if (event.type !== "task-handed") listener(event);
          });
        };
      },
    });
    const stint = await createStint({ storage: lossy, definitions: [echo, counted], useEnv: false, skipMigrations: true });
    cleanups.push(() => stint.close());
    return stint.createWorker({ leaseMs: 60_000, ...workerOptions });
  }

  it("runs handed tasks whose notification was lost, with its next claim", async () => {
    const { store, triggerSide } = await setup();
    const worker = await deaf(store, { pollIntervalMs: 50 });
    worker.start();
    await waitFor(() => slotCount(store), (n) => n === 1);
    const task = await triggerHanded(triggerSide, counted.id, 2);
    const done = await finished(triggerSide, task.id);
    assert.equal(done?.executionName, worker.workerId);
    assert.equal(done?.attempt, 1, "no takeover: the worker's own claim brought it back");
    assert.equal(runs.get(task.id), 1);
  });

  it("hands back, when it stops, the handed tasks whose notification never came", async () => {
    const { store, triggerSide, open } = await setup();
    // A long poll: no claim brings the tasks back before stop().
    const worker = await deaf(store, { pollIntervalMs: 60_000 });
    worker.start();
    // Its first claim ran before the LISTEN connection was up; wake it to offer now.
    await waitFor(() => (worker.wake(), slotCount(store)), (n) => n === 1);
    const tasks = [];
    for (let i = 0; i < 3; i++) tasks.push(await triggerSide.tasks.trigger({ definition: echo, input: { n: i } }));
    assert.deepEqual(tasks.map((t) => t.taskStatus), ["running", "running", "running"]);
    await worker.stop();
    assert.equal(await slotCount(store), 0, "the slot is withdrawn");
    // Given back at once: another worker runs them long before their 60 s leases end.
    const other = (await open()).createWorker({ pollIntervalMs: 50 });
    other.start();
    for (const task of tasks) {
      const done = await finished(triggerSide, task.id);
      assert.equal(done?.executionName, other.workerId);
    }
    await other.stop();
  });

  it("does not hand back, when it stops, a handed task still running on it past its handed lease", async () => {
    // A busy worker does not claim, so its slot still names the task it was handed; once
    // the handed lease has passed, the withdrawal at stop() returns it as if unseen.
    const { store, triggerSide } = await setup();
    const own = await createStint({ database: store.url, definitions: [lingering], useEnv: false, skipMigrations: true });
    cleanups.push(() => own.close());
    const busy = own.createWorker({ workerId: "busy", pollIntervalMs: 50, concurrency: 1, prefetch: 0, leaseMs: 1_000, shutdownTimeoutMs: 10_000 });
    busy.start();
    await waitFor(() => slotCount(store), (n) => n === 1);
    const task = await triggerHanded(triggerSide, lingering.id, 1);
    assert.equal(task.executionName, "busy");
    // The handed lease as the trigger stored it (renewals move it on from here).
    const schema = new URL(store.url).searchParams.get("schema");
    const handedUntil = await admin((c) => c.query<{ t: Date }>(`SELECT lease_expires_at AS t FROM "${schema}".tasks WHERE id = $1`, [task.id])).then((r) => r.rows[0].t.getTime());
    await new Promise((r) => setTimeout(r, Math.max(0, handedUntil - Date.now()) + 300)); // past it; still running
    // Another worker, which would take a handed-back task at once.
    const otherStint = await createStint({ database: store.url, definitions: [lingering], useEnv: false, skipMigrations: true });
    cleanups.push(() => otherStint.close());
    const otherWorker = otherStint.createWorker({ workerId: "other", pollIntervalMs: 20, leaseMs: 1_000 });
    otherWorker.start();
    cleanups.push(() => otherWorker.stop());
    await busy.stop();
    const done = await waitFor(() => triggerSide.tasks.getTask(task.id), (t) => t?.taskStatus === "success", 10_000);
    assert.equal(runs.get(task.id), 1, "run() once");
    assert.equal(done?.executionName, "busy");
    assert.equal(done?.attempt, 1);
  });

  it("never starts a handed task whose abort arrives right behind the handoff", async () => {
    const { store, triggerSide } = await setup();
    const deliver: { to?: (event: StorageEvent) => void } = {};
    // A long poll: no claim of its own brings the task back meanwhile.
    const worker = await deaf(store, { pollIntervalMs: 60_000 }, deliver);
    worker.start();
    await waitFor(() => (worker.wake(), slotCount(store)), (n) => n === 1);
    const task = await triggerHanded(triggerSide, counted.id, 3);
    await triggerSide.tasks.abort({ id: task.id });
    // Both notifications arrive late and together, in commit order.
    deliver.to!({ type: "task-handed", workerId: worker.workerId, claim: { kind: "iteration", task, leaseToken: 1, leaseExpiresAt: Date.now() + 60_000 } });
    deliver.to!({ type: "task-aborted", id: task.id });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(runs.get(task.id), undefined, "run() never called");
    assert.equal((await triggerSide.tasks.getTask(task.id))?.taskStatus, "aborted");
  });

  it("leaves no handed task behind when it stops while triggers arrive", async () => {
    const { store, triggerSide, worker, open } = await setup();
    worker.start();
    await waitFor(() => slotCount(store), (n) => n === 1);
    // The trigger side's connections open first: on a slow machine opening them took
    // longer than the whole sequence below, so every trigger reached the store after the
    // stop and none met the slot (nothing handed: the test then proved nothing).
    await Promise.all(Array.from({ length: 8 }, () => triggerSide.tasks.listTasks({ limit: 1 })));
    const triggers = [];
    for (let i = 0; i < 30; i++) {
      triggers.push(triggerSide.tasks.trigger({ definition: slow, input: { n: i } }));
      if (i === 10) void worker.stop();
      await new Promise((r) => setTimeout(r, 2));
    }
    const tasks = await Promise.all(triggers);
    await worker.stop();
    assert.equal(await slotCount(store), 0, "the slot is withdrawn");
    assert.ok(tasks.some((t) => t.taskStatus === "running"), "some were handed over");
    const other = (await open()).createWorker({ pollIntervalMs: 50, concurrency: 30 });
    other.start();
    for (const task of tasks) await finished(triggerSide, task.id);
    await other.stop();
  });
});

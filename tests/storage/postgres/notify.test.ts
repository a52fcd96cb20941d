import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { isPostgresReachable, postgresStore, withAdminClient as admin, type TestStore } from "../../helpers/stores.js";
import { createPostgresStorage } from "../../../src/storage/postgres/index.js";
import type { StorageAdapter, StorageEvent } from "../../../src/storage/port/index.js";

const reachable = await isPostgresReachable();

/** Resolves with the first event `matches` accepts, or rejects after `ms`. */
function nextEvent(adapter: StorageAdapter, matches: (e: StorageEvent) => boolean, ms = 3000): { promise: Promise<StorageEvent>; stop(): void } {
  let stop = () => {};
  const promise = new Promise<StorageEvent>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching event within ${ms} ms`));
    }, ms);
    const unsubscribe = adapter.subscribe((event) => {
      if (!matches(event)) return;
      stop();
      resolve(event);
    });
    stop = () => {
      clearTimeout(timer);
      unsubscribe();
    };
  });
  return { promise, stop: () => stop() };
}


/** Collects the events a test is about; `listening` (the first connection is up) has its own test. */
function record(events: StorageEvent[]): (event: StorageEvent) => void {
  return (event) => {
    if (event.type !== "listening") events.push(event);
  };
}

/** Waits until the listener connection of `channel` is up (it opens lazily). */
async function listenerPid(channel: string, ms = 3000): Promise<number> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const pids = await admin((c) =>
      c.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'stint-listener' AND query ILIKE $1",
        [`LISTEN "${channel}"%`],
      ),
    );
    if (pids.rows.length === 1) return pids.rows[0].pid;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no listener on ${channel}`);
}

function schemaOf(store: TestStore): string {
  return new URL(store.url).searchParams.get("schema")!;
}

describe("postgres LISTEN/NOTIFY", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  const stores: TestStore[] = [];
  const others: StorageAdapter[] = [];
  after(async () => {
    await Promise.all(others.map((a) => a.close()));
    await Promise.all(stores.map((s) => s.cleanup()));
  });

  it("delivers tasks-available published by another adapter on the same schema", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const publisher = createPostgresStorage({ connectionString: store.url });
    others.push(publisher);
    const seen = nextEvent(store.adapter, (e) => e.type === "tasks-available");
    await listenerPid(`stint_${schemaOf(store)}`);
    const sentAt = Date.now();
    await publisher.publish({ type: "tasks-available" });
    assert.deepEqual(await seen.promise, { type: "tasks-available" });
    assert.ok(Date.now() - sentAt < 1000, "delivered promptly");
  });

  it("sends tasks-available from taskCreateMany and task-aborted from taskAbort", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const watcher = createPostgresStorage({ connectionString: store.url });
    others.push(watcher);
    const events: StorageEvent[] = [];
    const unsubscribe = watcher.subscribe(record(events));
    await listenerPid(`stint_${schemaOf(store)}`);
    const now = Date.now();
    await store.adapter.taskCreateMany({ tasks: [
      {
        id: "notify-me", name: "N", definitionId: "someTask", parentId: null, input: {}, maxIterations: 5,
        runAt: now, createdOn: now, createdBy: { id: "u", displayName: "U", type: null }, eventResponse: null,
      },
    ] });
    await store.adapter.taskAbort({ id: "notify-me", now, message: "stop", workerId: "api" });
    const deadline = Date.now() + 3000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    unsubscribe();
    assert.deepEqual(events, [{ type: "tasks-available" }, { type: "task-aborted", id: "notify-me" }]);
  });

  it("does not hear another schema's channel", async () => {
    const a = await postgresStore.create();
    const b = await postgresStore.create();
    stores.push(a, b);
    const events: StorageEvent[] = [];
    const unsubscribe = a.adapter.subscribe(record(events));
    await listenerPid(`stint_${schemaOf(a)}`);
    await b.adapter.publish({ type: "tasks-available" });
    await new Promise((r) => setTimeout(r, 300));
    unsubscribe();
    assert.deepEqual(events, []);
  });

  it("reconnects after its connection is terminated and then reports tasks-available", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const errors: Error[] = [];
    const listener = createPostgresStorage({ connectionString: store.url, onError: (e) => errors.push(e) });
    others.push(listener);
    const channel = `stint_${schemaOf(store)}`;
    const events: StorageEvent[] = [];
    const unsubscribe = listener.subscribe(record(events));
    try {
      const firstPid = await listenerPid(channel);
      await admin((c) => c.query("SELECT pg_terminate_backend($1)", [firstPid]));

      // The synthetic wake-up: notifications sent while it was away are lost.
      const deadline = Date.now() + 5000;
      while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(events, [{ type: "tasks-available" }]);
      const secondPid = await listenerPid(channel);
      assert.notEqual(secondPid, firstPid, "a new connection");
      assert.ok(errors.some((e) => (e as { code?: string }).code === "STORAGE_UNAVAILABLE"), "the loss was reported to onError");

      // And it hears real notifications again.
      await store.adapter.publish({ type: "task-aborted", id: "after-reconnect" });
      const until = Date.now() + 3000;
      while (events.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(events[1], { type: "task-aborted", id: "after-reconnect" });
    } finally {
      unsubscribe();
    }
  });

  it("reports listening once, when its first connection is up", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const events: StorageEvent[] = [];
    const unsubscribe = store.adapter.subscribe((e) => events.push(e));
    try {
      const deadline = Date.now() + 3000;
      while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(events, [{ type: "listening" }]);
      await listenerPid(`stint_${schemaOf(store)}`);
      await store.adapter.publish({ type: "tasks-available" });
      while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(events, [{ type: "listening" }, { type: "tasks-available" }]);
    } finally {
      unsubscribe();
    }
  });

  it("closes the listener connection when the last subscriber leaves", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const channel = `stint_${schemaOf(store)}`;
    const unsubscribe = store.adapter.subscribe(() => {});
    await listenerPid(channel);
    unsubscribe();
    const deadline = Date.now() + 3000;
    let count = 1;
    while (count > 0 && Date.now() < deadline) {
      const { rows } = await admin((c) =>
        c.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'stint-listener' AND query ILIKE $1", [`LISTEN "${channel}"%`]),
      );
      count = rows.length;
      if (count > 0) await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(count, 0);
  });
});

/**
 * Handoff on PostgreSQL (docs/storage.md "Handoff"): an idle worker's claim offers a slot,
 * a trigger of one task due now stores it claimed by that worker and delivers the claim
 * in its NOTIFY. The trigger runs on a second adapter, as another process would.
 */
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { isPostgresReachable, postgresStore, withAdminClient as admin, type TestStore } from "../../helpers/stores.js";
import { createPostgresStorage } from "../../../src/storage/postgres/index.js";
import type { ClaimedTask, StorageAdapter, StorageEvent } from "../../../src/storage/port/index.js";
import { claim, DEF, LEASE_MS, T0, taskParams } from "../../../src/testing/contract/fixtures.js";

const reachable = await isPostgresReachable();
const UNTIL = T0 + 5_000;

describe("postgres handoff", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  let store: TestStore;
  let triggerer: StorageAdapter;
  let handed: ClaimedTask[];
  let unsubscribe: () => void;

  beforeEach(async () => {
    store = await postgresStore.create();
    triggerer = createPostgresStorage({ connectionString: store.url });
    handed = [];
    unsubscribe = store.adapter.subscribe((event: StorageEvent) => {
      if (event.type === "task-handed" && event.workerId === "worker-a") handed.push(event.claim);
    });
  });
  afterEach(async () => {
    unsubscribe();
    await triggerer.close();
    await store.cleanup();
  });

  const schema = () => new URL(store.url).searchParams.get("schema")!;
  const slots = () =>
    admin((c) => c.query<{ worker_id: string; free: number }>(`SELECT worker_id, free FROM "${schema()}".worker_slots ORDER BY worker_id`)).then((r) => r.rows);

  /** Claims with a slot offer until the slot is there (the offer waits for the LISTEN connection). */
  async function offer(options: { limit?: number; slots?: number; now?: number; workerId?: string; definitionIds?: string[]; until?: number } = {}): Promise<ClaimedTask[]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const claimed = await store.adapter.taskClaim({
        workerId: options.workerId ?? "worker-a",
        limit: options.limit ?? 1,
        now: options.now ?? T0,
        leaseMs: LEASE_MS,
        definitionIds: options.definitionIds ?? [DEF],
        handoff: { until: options.until ?? UNTIL, slots: options.slots ?? options.limit ?? 1 },
      });
      if ((await slots()).some((s) => s.worker_id === (options.workerId ?? "worker-a"))) return claimed;
      if (Date.now() > deadline) throw new Error("no slot offered");
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function waitFor(count: number): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (handed.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(handed.length, count, `${count} handoff(s) delivered`);
  }

  it("stores a trigger due now as claimed by the idle worker and delivers the claim", async () => {
    await offer();
    const [task] = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 + 10 })] });
    assert.equal(task.taskStatus, "running");
    assert.equal(task.iterations, 1);
    assert.equal(task.attempt, 1);
    assert.equal(task.executionName, "worker-a");
    assert.equal(task.startedOn?.getTime(), T0 + 10);
    await waitFor(1);
    const [claimed] = handed;
    assert.equal(claimed.kind, "iteration");
    assert.equal(claimed.leaseToken, 1);
    assert.equal(claimed.leaseExpiresAt, UNTIL + LEASE_MS, "from the slot's expiry (the worker's clock)");
    assert.deepEqual(claimed.task, task, "the claim carries the task as stored");
    // It is claimed: nobody else takes it before the lease runs out, and the handed
    // lease fences like a claimed one.
    assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: T0 + 20 }), []);
    const [done] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: 1, now: T0 + 30, status: "success" }] });
    assert.equal(done.applied, true);
    assert.equal(done.task?.taskStatus, "success");
    assert.deepEqual(await slots(), [{ worker_id: "worker-a", free: 0 }]);
  });

  it("hands over as many tasks as the claim left room for, then queues", async () => {
    await offer({ limit: 3 });
    assert.deepEqual(await slots(), [{ worker_id: "worker-a", free: 3 }]);
    const created = [];
    for (let i = 0; i < 4; i++) created.push(...(await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 + i })] }))); // one by one
    assert.deepEqual(created.map((t) => t.taskStatus), ["running", "running", "running", "pending"]);
    await waitFor(3);
    assert.deepEqual(handed.map((c) => c.task.id), created.slice(0, 3).map((t) => t.id));
    // The claim of a task that was queued refreshes the slot with the room now left.
    const claimed = await offer({ limit: 2, now: T0 + 10 });
    assert.deepEqual(claimed.filter((c) => !c.handed).map((c) => c.task.id), [created[3].id]);
    assert.deepEqual(await slots(), [{ worker_id: "worker-a", free: 1 }]);
  });

  it("hands nothing over when the task is delayed, batched, of another definition, or the slot expired", async () => {
    await offer({ limit: 10 });
    const delayed = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0, runAt: T0 + 1_000 })] });
    const batch = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 }), taskParams({ createdOn: T0 })] });
    const other = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0, definitionId: "otherDefinition" })] });
    const late = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: UNTIL })] });
    for (const task of [...delayed, ...batch, ...other, ...late]) assert.equal(task.taskStatus, "pending", task.name);
    assert.deepEqual(await slots(), [{ worker_id: "worker-a", free: 10 }]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(handed.length, 0);
  });

  it("withdraws the slot when a claim fills the limit, when no slot is wanted, and on taskWithdrawHandoff", async () => {
    await offer({ limit: 2 });
    // Delayed tasks are queued, not handed; a claim that takes as many as its limit offers nothing.
    await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0, runAt: T0 + 100 })] });
    await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0, runAt: T0 + 100 })] });
    const full = await store.adapter.taskClaim({ workerId: "worker-a", limit: 2, now: T0 + 100, leaseMs: LEASE_MS, definitionIds: [DEF], handoff: { until: UNTIL, slots: 5 } });
    assert.equal(full.length, 2);
    assert.deepEqual(await slots(), [], "a full claim withdraws it");

    await offer({ limit: 1 });
    await store.adapter.taskClaim({ workerId: "worker-a", limit: 1, now: T0, leaseMs: LEASE_MS, definitionIds: [DEF] });
    assert.deepEqual(await slots(), [], "a claim without an offer withdraws it");

    await offer({ limit: 5 });
    await store.adapter.taskWithdrawHandoff({ workerId: "worker-a" });
    assert.deepEqual(await slots(), []);
    const [task] = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 })] });
    assert.equal(task.taskStatus, "pending");
  });

  it("offers only the free run slots, less what the claim took", async () => {
    await offer(); // the LISTEN connection is up from here on
    await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0, runAt: T0 + 1 })] });
    const claimed = await offer({ limit: 10, slots: 3, now: T0 + 1 });
    assert.equal(claimed.length, 1);
    assert.deepEqual(await slots(), [{ worker_id: "worker-a", free: 2 }]);
    await store.adapter.taskClaim({ workerId: "worker-a", limit: 10, now: T0 + 1, leaseMs: LEASE_MS, definitionIds: [DEF], handoff: { until: UNTIL, slots: 0 } });
    assert.deepEqual(await slots(), [], "no free run slot: nothing offered");
  });

  it("returns the tasks handed since the last claim with the next claim, marked handed, once", async () => {
    await offer({ limit: 5 });
    const first = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 + 1 })] });
    const second = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 + 2 })] });
    await store.adapter.taskFinishMany({ finishes: [{ id: second[0].id, leaseToken: 1, now: T0 + 3, status: "success" }] });
    const claimed = await store.adapter.taskClaim({ workerId: "worker-a", limit: 5, now: T0 + 3, leaseMs: LEASE_MS, definitionIds: [DEF], handoff: { until: UNTIL, slots: 5 } });
    // The settled one is not returned; the running one is, with its handed lease.
    assert.deepEqual(claimed.map((c) => [c.task.id, c.handed, c.leaseToken]), [[first[0].id, true, 1]]);
    assert.equal(claimed[0].leaseExpiresAt, UNTIL + LEASE_MS, "the lease runs from the slot's expiry");
    const again = await store.adapter.taskClaim({ workerId: "worker-a", limit: 5, now: T0 + 4, leaseMs: LEASE_MS, definitionIds: [DEF], handoff: { until: UNTIL, slots: 5 } });
    assert.deepEqual(again, [], "returned once: the claim cleared the list");
  });

  it("starts a handed lease no earlier than the slot's expiry, whatever the trigger's clock", async () => {
    await offer({ until: T0 + 2_000 });
    const [task] = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 - 60_000 })] });
    assert.equal(task.taskStatus, "running");
    await waitFor(1);
    assert.equal(handed[0].leaseExpiresAt, T0 + 2_000 + LEASE_MS);
  });

  it("removes a dead worker's slot once the leases it could have handed out are over", async () => {
    await offer({ workerId: "worker-dead", until: T0 + 1_000 });
    await claim(store.adapter, { workerId: "worker-b", now: T0 + 1_000 + LEASE_MS });
    assert.deepEqual(await slots(), [{ worker_id: "worker-dead", free: 1 }], "kept while a handed lease could run");
    await claim(store.adapter, { workerId: "worker-b", now: T0 + 1_000 + LEASE_MS + 1 });
    assert.deepEqual(await slots(), []);
  });

  it("claims with a lease longer than 2^31 ms", async () => {
    await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 })] });
    const claimed = await store.adapter.taskClaim({ workerId: "worker-a", limit: 5, now: T0, leaseMs: 3_000_000_000, definitionIds: [DEF], handoff: { until: UNTIL, slots: 5 } });
    assert.equal(claimed.length, 1);
    assert.equal(claimed[0].leaseExpiresAt, T0 + 3_000_000_000);
  });

  it("returns from taskWithdrawHandoff the handed tasks no claim brought back", async () => {
    await offer({ limit: 50 });
    const created = [];
    for (let i = 0; i < 3; i++) created.push(...(await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 + i })] })));
    const returned = await store.adapter.taskWithdrawHandoff({ workerId: "worker-a" });
    assert.deepEqual(returned.map((c) => [c.task.id, c.handed, c.leaseToken]).sort(), created.map((t) => [t.id, true, 1]).sort());
    assert.deepEqual(await slots(), []);
    assert.deepEqual(await store.adapter.taskWithdrawHandoff({ workerId: "worker-a" }), [], "nothing twice");
  });

  it("sends a claim too big for a NOTIFY payload by id, and delivers it read back", async () => {
    await offer();
    const input = { blob: "x".repeat(20_000) };
    const [task] = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0, input })] });
    assert.equal(task.taskStatus, "running");
    await waitFor(1);
    assert.deepEqual(handed[0].task, task);
    assert.equal(handed[0].leaseToken, 1);
  });

  it("offers no slot while nothing listens, so triggers queue their tasks", async () => {
    const quiet = createPostgresStorage({ connectionString: store.url });
    try {
      await quiet.taskClaim({ workerId: "worker-q", limit: 5, now: T0, leaseMs: LEASE_MS, definitionIds: [DEF], handoff: { until: UNTIL, slots: 5 } });
      assert.deepEqual(await slots(), []);
    } finally {
      await quiet.close();
    }
  });

  it("lets another worker take a handed task over once its lease expires (its worker died)", async () => {
    await offer();
    const [task] = await triggerer.taskCreateMany({ tasks: [taskParams({ createdOn: T0 })] });
    assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: UNTIL + LEASE_MS - 1 }), []);
    const [taken] = await claim(store.adapter, { workerId: "worker-b", now: UNTIL + LEASE_MS });
    assert.equal(taken.task.id, task.id);
    assert.equal(taken.task.attempt, 2, "a takeover, as after a crash just after a claim");
    assert.equal(taken.task.iterations, 1);
    const [stale] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: 1, now: UNTIL + LEASE_MS + 1, status: "success" }] });
    assert.equal(stale.applied, false, "the dead worker's lease is fenced out");
  });
});

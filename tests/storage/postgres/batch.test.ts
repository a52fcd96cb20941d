import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { isPostgresReachable, postgresStore, type TestStore } from "../../helpers/stores.js";
import { createPostgresStorage } from "../../../src/storage/postgres/index.js";
import { isStintError } from "../../../src/domain/errors.js";
import type { TaskCreateParams } from "../../../src/storage/port/index.js";

const reachable = await isPostgresReachable();

function params(count: number, now: number, prefix = "t"): TaskCreateParams[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${String(i).padStart(6, "0")}`,
    name: `Task ${i}`,
    definitionId: i % 2 === 0 ? "evenTask" : "oddTask",
    parentId: null,
    input: { i, text: `quote " backslash \\ brace { } comma ,` },
    maxIterations: 10,
    runAt: now,
    createdOn: now + i,
    createdBy: { id: "user", displayName: "User", type: null },
    eventResponse: i === 0 ? { some: ["nested", { value: 1 }] } : null,
  }));
}

describe("postgres batches", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  const stores: TestStore[] = [];
  after(() => Promise.all(stores.map((s) => s.cleanup())));

  it("creates 10,000 tasks in one taskCreateMany and returns them in order", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const now = Date.now();
    const input = params(10_000, now);
    const created = await store.adapter.taskCreateMany({ tasks: input });
    assert.equal(created.length, 10_000);
    assert.deepEqual(created.map((t) => t.id), input.map((p) => p.id));
    assert.deepEqual(created[0].input, input[0].input, "JSON with quotes and backslashes round-trips through arrays");
    assert.deepEqual(created[0].eventResponse, { some: ["nested", { value: 1 }] });
    assert.equal(created[9_999].createdOn.getTime(), now + 9_999);
    const page = await store.adapter.taskList({ filters: [], sort: [{ field: "createdOn", direction: "desc" }, { field: "id", direction: "desc" }], limit: 5 });
    assert.equal(page.totalCount, 10_000);
    assert.equal(page.items[0].id, "t009999");
  });

  it("stores nothing of a batch holding a duplicate id, and says which argument is wrong", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const now = Date.now();
    await store.adapter.taskCreateMany({ tasks: params(1, now, "dup") });
    const batch = params(3, now, "new");
    batch[2] = { ...batch[2], id: "dup000000" };
    await assert.rejects(
      store.adapter.taskCreateMany({ tasks: batch }),
      (error) => isStintError(error, "INVALID_ARGUMENT") && (error as unknown as { data: { argument: string } }).data.argument === "id",
    );
    assert.deepEqual(await store.adapter.taskGetMany({ ids: ["new000000", "new000001"] }), []);
  });

  it("hands each due task to exactly one of several workers claiming at once", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const now = Date.now();
    await store.adapter.taskCreateMany({ tasks: params(500, now) });
    // Separate adapters, so the claims really run on different connections at once.
    const workers = Array.from({ length: 4 }, () => createPostgresStorage({ connectionString: store.url, poolSize: 2 }));
    try {
      const claimed = await Promise.all(
        workers.flatMap((w, n) =>
          [0, 1, 2].map(() =>
            w.taskClaim({ workerId: `w${n}`, limit: 50, now, leaseMs: 60_000, definitionIds: ["evenTask", "oddTask"] }),
          ),
        ),
      );
      const ids = claimed.flat().map((c) => c.task.id);
      assert.equal(ids.length, 500, "every task claimed");
      assert.equal(new Set(ids).size, 500, "none claimed twice");
      for (const batch of claimed) {
        const dues = batch.map((c) => c.task.id);
        assert.deepEqual(dues, [...dues].sort(), "each batch in claim order");
      }
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });

  it("finishes a batch of 2,000 in one call, fencing out stale tokens", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const now = Date.now();
    await store.adapter.taskCreateMany({ tasks: params(2_000, now) });
    const claimed = await store.adapter.taskClaim({ workerId: "w", limit: 2_000, now, leaseMs: 60_000, definitionIds: ["evenTask", "oddTask"] });
    assert.equal(claimed.length, 2_000);
    const results = await store.adapter.taskFinishMany({
      finishes: claimed.map((c, i) => ({
        id: c.task.id,
        // Every tenth one presents a stale token.
        leaseToken: i % 10 === 0 ? c.leaseToken - 1 : c.leaseToken,
        now: now + 1,
        status: "success" as const,
        output: { i },
        log: { taskId: c.task.id, iteration: 1, executionName: "w", now: now + 1, items: [{ message: `done ${i}`, type: "info" as const, createdOn: new Date(now + 1) }] },
      })),
    });
    assert.equal(results.filter((r) => r.applied).length, 1_800);
    assert.equal(results[0].applied, false);
    assert.equal(results[0].task?.taskStatus, "running", "fenced out: the task as it stands");
    assert.equal(results[1].task?.taskStatus, "success");
    const logs = await store.adapter.logList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 1 });
    assert.equal(logs.totalCount, 2_000, "logs kept even for fenced-out finishes");
  });

  it("writes a batch naming a task twice all or nothing", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const now = Date.now();
    await store.adapter.taskCreateMany({ tasks: params(2, now) });
    const [a, b] = await store.adapter.taskClaim({ workerId: "w", limit: 2, now, leaseMs: 60_000, definitionIds: ["evenTask", "oddTask"] });
    const log = (id: string, message: string) => ({ taskId: id, iteration: 1, executionName: "w", now: now + 1, items: [{ message, type: "info" as const, createdOn: new Date(now + 1) }] });
    // The second finish of `a` runs as its own statement and fails (PostgreSQL cannot store
    // U+0000; the runner replaces it, the port passes it through): nothing may stay.
    await assert.rejects(
      store.adapter.taskFinishMany({ finishes: [
        { id: a.task.id, leaseToken: a.leaseToken, now: now + 1, status: "running", keepClaim: { leaseMs: 60_000 }, log: log(a.task.id, "first") },
        { id: b.task.id, leaseToken: b.leaseToken, now: now + 1, status: "success", log: log(b.task.id, "b") },
        { id: a.task.id, leaseToken: a.leaseToken + 1, now: now + 2, status: "success", output: { bad: "\u0000" } },
      ] }),
    );
    const [storedA, storedB] = await store.adapter.taskGetMany({ ids: [a.task.id, b.task.id] });
    assert.deepEqual([storedA.taskStatus, storedA.iterations, storedB.taskStatus], ["running", 1, "running"]);
    assert.equal((await store.adapter.logList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 1 })).totalCount, 0);
  });

  it("lets exactly one of a racing finish and abort win, with renewals running alongside", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const now = Date.now();
    await store.adapter.taskCreateMany({ tasks: params(200, now) });
    const worker = createPostgresStorage({ connectionString: store.url });
    const api = createPostgresStorage({ connectionString: store.url });
    try {
      const claimed = await worker.taskClaim({ workerId: "w", limit: 200, now, leaseMs: 60_000, definitionIds: ["evenTask", "oddTask"] });
      const leases = claimed.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken }));
      const [finished, aborts] = await Promise.all([
        worker.taskFinishMany({
          finishes: claimed.map((c) => ({
            id: c.task.id,
            leaseToken: c.leaseToken,
            now: now + 1,
            status: "success" as const,
            log: { taskId: c.task.id, iteration: 1, executionName: "w", now: now + 1, items: [{ message: "done", type: "info" as const, createdOn: new Date(now + 1) }] },
          })),
        }),
        Promise.all(claimed.map((c) => api.taskAbort({ id: c.task.id, now: now + 1, message: "stop", workerId: "api" }))),
        // Renewals in reverse order, to provoke opposite lock orders.
        worker.taskRenewLeases({ workerId: "w", leases: [...leases].reverse(), now: now + 1, leaseMs: 60_000 }),
        worker.taskRenewLeases({ workerId: "w", leases, now: now + 1, leaseMs: 60_000 }),
      ]);
      const stored = await store.adapter.taskGetMany({ ids: claimed.map((c) => c.task.id) });
      for (let i = 0; i < claimed.length; i += 1) {
        const finishWon = finished[i].applied;
        const abortWon = aborts[i].outcome === "aborted";
        assert.notEqual(finishWon, abortWon, `exactly one wins for ${claimed[i].task.id}`);
        assert.equal(stored[i].taskStatus, finishWon ? "success" : "aborted");
        if (!finishWon) assert.equal(finished[i].task?.taskStatus, "aborted", "a fenced-out finish reports the task as it stands");
      }
    } finally {
      await worker.close();
      await api.close();
    }
  });
});

/**
 * Re-run (docs/run-history.md "Re-run"): the input as triggered kept beside the checkpoint,
 * the `rerunOf` link stored and listed, and the bulk re-run walking a large store in
 * batches. The bulk re-run is a TaskService use case; it runs here over the store under
 * test because what it must get right (paging, the finished-only restriction, one write
 * per batch) is the store's part.
 */
import assert from "node:assert/strict";
import type { Task } from "../../domain/task.js";
import type { ReadBudget, StorageAdapter, TaskCreateParams, TaskFinishParams } from "../../storage/port/index.js";
import { DefinitionRegistry } from "../../definition/registry.js";
import { createTaskDefinition } from "../../definition/create-task-definition.js";
import { DefaultTaskService } from "../../service/task-service.js";
import { ManualClock } from "../manual-clock.js";
import type { ContractSuite } from "./suite.js";
import { claim, claimOne, createTask, DEF, LEASE_MS, T0, taskParams, useStore } from "./fixtures.js";

/**
 * Tasks of the bulk case: more than two batches. The same case at 100,000 tasks runs on
 * both stores in tests/service/rerun-bulk.test.ts (too long for every user's contract run).
 */
const BULK_TASKS = 1_250;
/** Rows per seeding insert and per claim-and-finish round. */
const SEED_CHUNK = 5_000;

/**
 * `count` finished (success) tasks of DEF, made through the port: one multi-row insert,
 * one claim and one batch finish per SEED_CHUNK tasks. Task `i` has input `{ n: i }`.
 */
export async function seedFinishedTasks(adapter: StorageAdapter, count: number): Promise<void> {
  for (let start = 0; start < count; start += SEED_CHUNK) {
    const size = Math.min(SEED_CHUNK, count - start);
    const rows: TaskCreateParams[] = Array.from({ length: size }, (_, i) => taskParams({ input: { n: start + i }, createdOn: T0 + start + i }));
    await adapter.taskCreateMany({ tasks: rows });
    const held = await claim(adapter, { limit: size, now: T0 + count + start });
    assert.equal(held.length, size);
    await adapter.taskFinishMany({
      finishes: held.map((h) => ({ id: h.task.id, leaseToken: h.leaseToken, now: T0 + count + start + 1, status: "success", claimed: h.task })),
    });
  }
}

/** A TaskService over `adapter` with DEF registered (no input schema), for the bulk cases. */
export function bulkService(adapter: StorageAdapter): DefaultTaskService {
  const definitions = new DefinitionRegistry();
  definitions.register(createTaskDefinition<{ n: number }>({ id: DEF, title: "Send", run: ({ response }) => response.done() }));
  return new DefaultTaskService({ storage: adapter, definitions, clock: new ManualClock(T0 + 1_000_000_000) });
}

/**
 * Tasks matching `filters`, counted exactly: with a filter always (an unfiltered list may
 * answer a large table's count with the planner's estimate, docs/storage.md "Lists").
 */
export async function countWhere(adapter: StorageAdapter, filters: Parameters<StorageAdapter["taskList"]>[0]["filters"]): Promise<number> {
  const exact = [...filters, { field: "id" as const, op: "not" as const, value: null }];
  return (await adapter.taskList({ filters: exact, sort: [{ field: "id", direction: "asc" }], limit: 1, fields: [] })).totalCount;
}

/**
 * The bulk re-run over `count` seeded finished tasks plus one pending one: a dry run counts
 * the finished ones and stores nothing; the run re-runs each exactly once, with its input.
 */
export async function checkBulkRerun(adapter: StorageAdapter, count: number): Promise<void> {
  await seedFinishedTasks(adapter, count);
  // A pending task of the same definition: matched by the where, but not finished.
  await createTask(adapter, { input: { n: -1 }, createdOn: T0 + 3 * count });
  const tasks = bulkService(adapter);

  const dry = await tasks.rerunMany({ where: { definitionId: DEF }, dryRun: true });
  assert.deepEqual(dry, { count, dryRun: true });
  assert.equal(await countWhere(adapter, []), count + 1, "a dry run stores nothing");

  const result = await tasks.rerunMany({ where: { definitionId: DEF } });
  assert.deepEqual(result, { count, dryRun: false });
  assert.equal(await countWhere(adapter, [{ field: "rerunOf", op: "not", value: null }]), count);
  assert.equal(await countWhere(adapter, [{ field: "taskStatus", op: "eq", value: "pending" }]), count + 1);
  // Each finished task got exactly one re-run, with its input: the oldest and the newest.
  for (const direction of ["asc", "desc"] as const) {
    const [original] = (await adapter.taskList({ filters: [{ field: "taskStatus", op: "eq", value: "success" }], sort: [{ field: "id", direction }], limit: 1 })).items;
    const reruns = await adapter.taskList({ filters: [{ field: "rerunOf", op: "eq", value: original.id }], sort: [{ field: "id", direction }], limit: 10 });
    assert.equal(reruns.items.length, 1);
    assert.deepEqual(reruns.items[0].input, original.input);
  }
}

/** A budget that only adds up what a read charges it. */
function meter(): ReadBudget & { bytes: number } {
  const budget = { bytes: 0, charge: (bytes: number) => void (budget.bytes += bytes) };
  return budget;
}

export function rerunContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("re-run: triggered input and rerunOf", () => {
    const store = useStore(suite);

    async function read(id: string): Promise<Task> {
      const task = await store.adapter.taskGet({ id });
      assert.ok(task, `task ${id} exists`);
      return task;
    }

    /** Bytes a read of the task's input charges, with and without the triggered input. */
    async function inputBytes(id: string): Promise<{ input: number; withTriggered: number }> {
      const input = meter();
      await store.adapter.taskGet({ id, fields: ["input"], budget: input });
      const withTriggered = meter();
      await store.adapter.taskGet({ id, fields: ["input", "triggeredInput"], budget: withTriggered });
      return { input: input.bytes, withTriggered: withTriggered.bytes };
    }

    it("keeps the input as triggered across continues that change the input, and stores no copy while it is unchanged", async () => {
      const created = await createTask(store.adapter, { input: { file: "a.csv" } });
      assert.deepEqual(created.triggeredInput, { file: "a.csv" });
      let held = await claimOne(store.adapter, { now: T0 + 10 });
      assert.deepEqual(held.task.triggeredInput, { file: "a.csv" });

      // A continue with the same input (continue({}) merges nothing): no copy kept.
      const same: TaskFinishParams = { id: created.id, leaseToken: held.leaseToken, now: T0 + 20, status: "running", input: { file: "a.csv" }, runAt: T0 + 30, claimed: held.task };
      const [unchanged] = await store.adapter.taskFinishMany({ finishes: [same] });
      assert.equal(unchanged.applied, true);
      assert.deepEqual(unchanged.task!.triggeredInput, { file: "a.csv" });
      let bytes = await inputBytes(created.id);
      assert.equal(bytes.withTriggered, bytes.input, "an unchanged input is not stored twice");

      // The first change keeps the old input as the triggered one; later ones keep it too.
      held = await claimOne(store.adapter, { now: T0 + 40 });
      const changed: TaskFinishParams = { id: created.id, leaseToken: held.leaseToken, now: T0 + 50, status: "running", input: { file: "a.csv", row: 100 }, runAt: T0 + 60, claimed: held.task };
      const [first] = await store.adapter.taskFinishMany({ finishes: [changed] });
      assert.deepEqual(first.task!.input, { file: "a.csv", row: 100 });
      assert.deepEqual(first.task!.triggeredInput, { file: "a.csv" });
      bytes = await inputBytes(created.id);
      assert.ok(bytes.withTriggered > bytes.input, "a changed input keeps the triggered one beside it");

      held = await claimOne(store.adapter, { now: T0 + 70 });
      assert.deepEqual(held.task.triggeredInput, { file: "a.csv" });
      // Without `claimed` (the whole row read back) and with a done after another change.
      const [second] = await store.adapter.taskFinishMany({
        finishes: [{ id: created.id, leaseToken: held.leaseToken, now: T0 + 80, status: "running", input: { file: "a.csv", row: 200 }, runAt: T0 + 90 }],
      });
      assert.deepEqual(second.task!.triggeredInput, { file: "a.csv" });
      held = await claimOne(store.adapter, { now: T0 + 100 });
      await store.adapter.taskFinishMany({ finishes: [{ id: created.id, leaseToken: held.leaseToken, now: T0 + 110, status: "success", claimed: held.task }] });

      const done = await read(created.id);
      assert.equal(done.taskStatus, "success");
      assert.deepEqual(done.input, { file: "a.csv", row: 200 });
      assert.deepEqual(done.triggeredInput, { file: "a.csv" });
      // Every read gives it: by id, by ids, in a list, and asked for alone.
      const [many] = await store.adapter.taskGetMany({ ids: [created.id] });
      assert.deepEqual(many.triggeredInput, { file: "a.csv" });
      const listed = await store.adapter.taskList({ filters: [{ field: "id", op: "eq", value: created.id }], sort: [{ field: "id", direction: "asc" }], limit: 1 });
      assert.deepEqual(listed.items[0].triggeredInput, { file: "a.csv" });
      const alone = await store.adapter.taskGet({ id: created.id, fields: ["triggeredInput"] });
      assert.deepEqual(alone!.triggeredInput, { file: "a.csv" });
    });

    it("keeps the triggered input when updateInput (taskUpdate) first changes the input, and through a continue in place", async () => {
      const created = await createTask(store.adapter, { input: { n: 1 } });
      const held = await claimOne(store.adapter, { now: T0 + 10 });
      assert.equal(await store.adapter.taskUpdate({ id: created.id, leaseToken: held.leaseToken, now: T0 + 11, input: { n: 1 } }), true);
      let bytes = await inputBytes(created.id);
      assert.equal(bytes.withTriggered, bytes.input, "an update to the same input stores no copy");
      assert.equal(await store.adapter.taskUpdate({ id: created.id, leaseToken: held.leaseToken, now: T0 + 12, input: { n: 2 } }), true);
      assert.deepEqual((await read(created.id)).triggeredInput, { n: 1 });

      const [inPlace] = await store.adapter.taskFinishMany({
        finishes: [{ id: created.id, leaseToken: held.leaseToken, now: T0 + 20, status: "running", input: { n: 3 }, keepClaim: { leaseMs: LEASE_MS }, claimed: held.task }],
      });
      assert.equal(inPlace.applied, true);
      assert.deepEqual(inPlace.task!.input, { n: 3 });
      assert.deepEqual(inPlace.task!.triggeredInput, { n: 1 });
      bytes = await inputBytes(created.id);
      assert.ok(bytes.withTriggered > bytes.input);
    });

    it("writes no triggered input for a task whose iterations never change the input", async () => {
      const created = await createTask(store.adapter, { input: { big: "x".repeat(10_000) } });
      const held = await claimOne(store.adapter, { now: T0 + 10 });
      await store.adapter.taskFinishMany({ finishes: [{ id: created.id, leaseToken: held.leaseToken, now: T0 + 20, status: "success", output: { ok: true }, claimed: held.task }] });
      const bytes = await inputBytes(created.id);
      assert.equal(bytes.withTriggered, bytes.input);
      assert.deepEqual((await read(created.id)).triggeredInput, { big: "x".repeat(10_000) });
    });

    it("stores rerunOf and lists the re-runs of a task by it", async () => {
      const original = await createTask(store.adapter, { name: "original" });
      assert.equal(original.rerunOf, null);
      const [a, b] = await store.adapter.taskCreateMany({
        tasks: [taskParams({ name: "again", rerunOf: original.id, createdOn: T0 + 1 }), taskParams({ name: "again 2", rerunOf: original.id, createdOn: T0 + 2 })],
      });
      // The single-task create (PostgreSQL may hand it to a worker) stores it too.
      const c = await createTask(store.adapter, { name: "other", rerunOf: a.id, createdOn: T0 + 3 });
      assert.equal(a.rerunOf, original.id);
      assert.equal((await read(b.id)).rerunOf, original.id);
      assert.equal((await read(c.id)).rerunOf, a.id);
      const reruns = await store.adapter.taskList({
        filters: [{ field: "rerunOf", op: "eq", value: original.id }],
        sort: [{ field: "createdOn", direction: "asc" }, { field: "id", direction: "asc" }],
        limit: 10,
      });
      assert.deepEqual(reruns.items.map((t) => t.name), ["again", "again 2"]);
      assert.equal(reruns.totalCount, 2);
      const anyRerun = await store.adapter.taskList({ filters: [{ field: "rerunOf", op: "not", value: null }], sort: [{ field: "id", direction: "asc" }], limit: 10 });
      assert.equal(anyRerun.totalCount, 3);
    });
  });

  describe("re-run in bulk", () => {
    const store = useStore(suite);

    it(`re-runs ${BULK_TASKS.toLocaleString("en")} finished tasks in batches; a dry run counts them and stores nothing`, async () => {
      await checkBulkRerun(store.adapter, BULK_TASKS);
    });

    it("stops at the limit, newest first, and refuses a where that names no filter", async () => {
      const { adapter } = store;
      await seedFinishedTasks(adapter, 1_200);
      const tasks = bulkService(adapter);
      assert.deepEqual(await tasks.rerunMany({ where: { definitionId: DEF }, limit: 700, dryRun: true }), { count: 700, dryRun: true });
      assert.deepEqual(await tasks.rerunMany({ where: { definitionId: DEF }, limit: 700 }), { count: 700, dryRun: false });
      const reruns = await adapter.taskList({ filters: [{ field: "rerunOf", op: "not", value: null }], sort: [{ field: "id", direction: "asc" }], limit: 1000 });
      assert.equal(reruns.totalCount, 700);
      const newest = await adapter.taskList({ filters: [{ field: "taskStatus", op: "eq", value: "success" }], sort: [{ field: "createdOn", direction: "desc" }, { field: "id", direction: "desc" }], limit: 700 });
      assert.deepEqual(new Set(reruns.items.map((t) => t.rerunOf)), new Set(newest.items.map((t) => t.id)));
      for (const where of [{}, undefined, null]) {
        await assert.rejects(tasks.rerunMany({ where: where as never }), (error: { code?: string }) => error.code === "INVALID_ARGUMENT");
      }
      assert.equal(await countWhere(adapter, []), 1_900);
    });
  });
}

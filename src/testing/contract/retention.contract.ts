import assert from "node:assert/strict";
import type { StorageAdapter } from "../../storage/port/index.js";
import type { ContractSuite } from "./suite.js";
import { claim, createTask, DEF, LOGS_OLDEST_FIRST, sorted, T0, taskParams, useStore } from "./fixtures.js";

const DAY = 86_400_000;
type Finish = "success" | "failed" | "aborted";

/**
 * Stores `count` tasks of `definitionId` created at `createdOn` and finished `status` at
 * `finishedOn`, with a log record (one item) for every `logEvery`-th; batches of 1,000
 * (one create, one claim, one finish each), so 100,000 take a hundred rounds.
 */
async function seedFinished(
  adapter: StorageAdapter,
  count: number,
  options: { createdOn: number; finishedOn: number; status?: Finish; definitionId?: string; parentId?: string | null; logEvery?: number },
): Promise<string[]> {
  const definitionId = options.definitionId ?? DEF;
  const made: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const size = Math.min(1000, count - start);
    const tasks = await adapter.taskCreateMany({
      tasks: Array.from({ length: size }, () => taskParams({ definitionId, createdOn: options.createdOn, parentId: options.parentId ?? null })),
    });
    const claims = await claim(adapter, { limit: size, now: options.createdOn, definitionIds: [definitionId] });
    assert.equal(claims.length, size, "seed: every created task is claimed");
    const logEvery = options.logEvery ?? 0;
    await adapter.taskFinishMany({
      finishes: claims.map((c, i) => ({
        id: c.task.id,
        leaseToken: c.leaseToken,
        now: options.finishedOn,
        status: options.status ?? "success",
        ...(logEvery > 0 && (start + i) % logEvery === 0
          ? { log: { taskId: c.task.id, iteration: 1, executionName: "w", now: options.finishedOn, items: [{ message: "old", type: "info" as const, createdOn: new Date(options.finishedOn) }] } }
          : {}),
      })),
    });
    made.push(...tasks.map((t) => t.id));
  }
  return made;
}

/** Sweeps in batches of `limit` until a batch comes back short; the total deleted. */
async function sweepAll(adapter: StorageAdapter, params: { finishedBefore: number; limit: number; definitionIds?: string[]; excludeDefinitionIds?: string[] }): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await adapter.taskSweepFinished(params);
    assert.ok(n <= params.limit, `a batch deletes at most its limit (${n} > ${params.limit})`);
    total += n;
    if (n < params.limit) return total;
  }
}

async function logTaskIds(adapter: StorageAdapter): Promise<string[]> {
  const page = await adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 1000 });
  return sorted(page.items.map((l) => l.taskId));
}

async function allTaskIds(adapter: StorageAdapter): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await adapter.taskList({ filters: [], sort: [{ field: "createdOn", direction: "desc" }, { field: "id", direction: "desc" }], limit: 1000, ...(after ? { after } : {}) });
    ids.push(...page.items.map((t) => t.id));
    if (!page.cursor) return sorted(ids);
    after = page.cursor;
  }
}

export function retentionContract(suite: ContractSuite): void {
  const { describe, it } = suite;

  describe("settings", () => {
    const store = useStore(suite);

    it("reads null until a value is stored, then the stored value from every connection", async () => {
      assert.deepEqual(await store.adapter.settingsGet(), { retentionDays: null });
      assert.deepEqual(await store.adapter.settingsUpdate({ retentionDays: 30, now: T0 }), { retentionDays: 30 });
      const [other] = await store.connections(1);
      assert.deepEqual(await other!.settingsGet(), { retentionDays: 30 });
      await other!.settingsUpdate({ retentionDays: 0, now: T0 + 1 });
      assert.deepEqual(await store.adapter.settingsGet(), { retentionDays: 0 });
    });
  });

  describe("leaseAcquire", () => {
    const store = useStore(suite);
    const lease = { name: "retention-sweep", ttlMs: 10_000 };

    it("admits one holder until its lease expires, then the next", async () => {
      assert.equal(await store.adapter.leaseAcquire({ ...lease, holder: "a", now: T0 }), true);
      assert.equal(await store.adapter.leaseAcquire({ ...lease, holder: "b", now: T0 + 1 }), false);
      // The holder renews: its lease now runs to T0 + 5000 + ttl.
      assert.equal(await store.adapter.leaseAcquire({ ...lease, holder: "a", now: T0 + 5_000 }), true);
      assert.equal(await store.adapter.leaseAcquire({ ...lease, holder: "b", now: T0 + 12_000 }), false);
      // A holder that stopped renewing (died) loses it once it expired.
      assert.equal(await store.adapter.leaseAcquire({ ...lease, holder: "b", now: T0 + 15_000 }), true);
      assert.equal(await store.adapter.leaseAcquire({ ...lease, holder: "a", now: T0 + 15_001 }), false);
      // Another name is another lease.
      assert.equal(await store.adapter.leaseAcquire({ ...lease, name: "other", holder: "a", now: T0 + 15_001 }), true);
    });

    it("is free at once after its holder releases it; a release by another holder does nothing", async () => {
      await store.adapter.leaseAcquire({ ...lease, holder: "a", now: T0 });
      await store.adapter.leaseRelease({ name: lease.name, holder: "b" });
      assert.equal(await store.adapter.leaseAcquire({ ...lease, holder: "b", now: T0 + 1 }), false);
      await store.adapter.leaseRelease({ name: lease.name, holder: "a" });
      assert.equal(await store.adapter.leaseAcquire({ ...lease, holder: "b", now: T0 + 2 }), true);
    });

    it("gives a free lease to exactly one of several racing connections", async () => {
      const connections = await store.connections(4);
      for (let round = 0; round < 5; round += 1) {
        const now = T0 + round * 20_000; // each round starts after the last round's lease expired
        const won = await Promise.all(connections.map((c, i) => c.leaseAcquire({ ...lease, holder: `w${i}`, now })));
        assert.equal(won.filter(Boolean).length, 1, `round ${round}: ${won}`);
      }
    });
  });

  describe("taskSweepFinished", () => {
    const store = useStore(suite);
    const now = T0 + 100 * DAY;
    const cutoff = now - 90 * DAY;

    it("deletes the finished tasks that finished before the cutoff, with their logs, and nothing else", async () => {
      const a = store.adapter;
      const expired = [
        ...(await seedFinished(a, 3, { createdOn: T0, finishedOn: T0 + 1000, status: "success", logEvery: 1 })),
        ...(await seedFinished(a, 2, { createdOn: T0, finishedOn: T0 + 1000, status: "failed", logEvery: 1 })),
      ];
      const aborted = await createTask(a, { createdOn: T0 });
      await a.taskAbort({ id: aborted.id, now: T0 + 10, message: "stop", workerId: "w" });
      expired.push(aborted.id);
      // Kept: finished after the cutoff (a long run), finished recently, still pending,
      // still running, and a finished task whose terminal hook was never confirmed.
      const keep = [
        ...(await seedFinished(a, 1, { createdOn: T0, finishedOn: cutoff + 1, logEvery: 1 })),
        ...(await seedFinished(a, 1, { createdOn: now - DAY, finishedOn: now - DAY + 5, logEvery: 1 })),
      ];
      keep.push((await createTask(a, { createdOn: T0, runAt: now + DAY })).id);
      const running = await createTask(a, { createdOn: T0 + 1 });
      const [held] = await claim(a, { now: T0 + 1 });
      assert.equal(held!.task.id, running.id);
      keep.push(running.id);
      const hooked = await createTask(a, { createdOn: T0 + 2 });
      const [hookClaim] = await claim(a, { now: T0 + 2 });
      await a.taskFinishMany({ finishes: [{ id: hooked.id, leaseToken: hookClaim!.leaseToken, now: T0 + 3, status: "success", hookLeaseMs: 5_000 }] });
      keep.push(hooked.id);

      assert.equal(await sweepAll(a, { finishedBefore: cutoff, limit: 2 }), expired.length);
      assert.deepEqual(await allTaskIds(a), sorted(keep));
      for (const id of expired) assert.equal(await a.taskGet({ id }), null);
      // Only the kept tasks' log records remain (their items went with the swept ones).
      assert.deepEqual(await logTaskIds(a), sorted(keep.slice(0, 2)));
      assert.equal((await a.logList({ filters: [], search: "old", sort: LOGS_OLDEST_FIRST, limit: 10 })).totalCount, 2);
      // Once its hook is confirmed, the hooked task goes too.
      await a.taskHooksDone({ items: [{ id: hooked.id, leaseToken: hookClaim!.leaseToken }] });
      assert.equal(await a.taskSweepFinished({ finishedBefore: cutoff, limit: 10 }), 1);
    });

    it("limits itself to the given definitions, or leaves the excluded ones", async () => {
      const a = store.adapter;
      const mine = await seedFinished(a, 3, { createdOn: T0, finishedOn: T0 + 1, definitionId: DEF, logEvery: 1 });
      const other = await seedFinished(a, 2, { createdOn: T0, finishedOn: T0 + 1, definitionId: "otherDefinition", logEvery: 1 });
      assert.equal(await a.taskSweepFinished({ finishedBefore: cutoff, limit: 100, definitionIds: [] }), 0);
      assert.equal(await sweepAll(a, { finishedBefore: cutoff, limit: 100, excludeDefinitionIds: [DEF] }), 2);
      assert.deepEqual(await allTaskIds(a), sorted(mine));
      assert.equal(await sweepAll(a, { finishedBefore: cutoff, limit: 2, definitionIds: [DEF] }), 3);
      assert.deepEqual(await allTaskIds(a), []);
      assert.deepEqual(await logTaskIds(a), []);
      assert.equal(other.length, 2);
    });

    it("sweeps a child on its own finish time, whatever its parent's", async () => {
      const a = store.adapter;
      const [parent] = await seedFinished(a, 1, { createdOn: T0, finishedOn: T0 + 1 });
      const [oldChild] = await seedFinished(a, 1, { createdOn: T0, finishedOn: T0 + 2, parentId: parent });
      const [newChild] = await seedFinished(a, 1, { createdOn: now - 5, finishedOn: now - 1, parentId: parent });
      assert.equal(await sweepAll(a, { finishedBefore: cutoff, limit: 10 }), 2);
      assert.equal(await a.taskGet({ id: oldChild! }), null);
      assert.equal((await a.taskGet({ id: newChild! }))?.parentId, parent);
    });

    it(`sweeps ${suite.largeCount.toLocaleString("en")} expired tasks in batches and keeps every other`, async () => {
      const a = store.adapter;
      await seedFinished(a, suite.largeCount, { createdOn: T0, finishedOn: T0 + 1000, logEvery: 100 });
      const keep = [
        ...(await seedFinished(a, 500, { createdOn: now - DAY, finishedOn: now - DAY + 1, logEvery: 100 })),
        ...(await a.taskCreateMany({ tasks: Array.from({ length: 500 }, () => taskParams({ createdOn: T0, runAt: now + DAY })) })).map((t) => t.id),
      ];
      assert.equal(await sweepAll(a, { finishedBefore: cutoff, limit: 1000 }), suite.largeCount);
      assert.deepEqual(await allTaskIds(a), sorted(keep));
      assert.equal((await a.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 100 })).totalCount, 5);
    });
  });

  describe("taskDeleteFinishedTrees", () => {
    const store = useStore(suite);

    it("deletes a finished root with its finished descendants and their logs; unfinished ones and what is under them stay", async () => {
      const a = store.adapter;
      const [root] = await seedFinished(a, 1, { createdOn: T0, finishedOn: T0 + 10, logEvery: 1 });
      const [child] = await seedFinished(a, 1, { createdOn: T0 + 1, finishedOn: T0 + 10, status: "failed", parentId: root, logEvery: 1 });
      const [grandchild] = await seedFinished(a, 1, { createdOn: T0 + 2, finishedOn: T0 + 10, status: "aborted", parentId: child, logEvery: 1 });
      const pending = await createTask(a, { createdOn: T0 + 3, parentId: root!, runAt: T0 + 10 * DAY });
      const [underPending] = await seedFinished(a, 1, { createdOn: T0 + 4, finishedOn: T0 + 10, parentId: pending.id, logEvery: 1 });
      const [unrelated] = await seedFinished(a, 1, { createdOn: T0 + 5, finishedOn: T0 + 10, logEvery: 1 });

      assert.equal(await a.taskDeleteFinishedTrees({ ids: [root!] }), 3);
      assert.deepEqual(await allTaskIds(a), sorted([pending.id, underPending!, unrelated!]));
      assert.deepEqual(await logTaskIds(a), sorted([underPending!, unrelated!]));
      assert.equal(await a.taskDeleteFinishedTrees({ ids: [] }), 0);
    });

    it("deletes nothing under a root that is not finished", async () => {
      const a = store.adapter;
      const root = await createTask(a, { createdOn: T0, runAt: T0 + DAY });
      const [child] = await seedFinished(a, 1, { createdOn: T0 + 1, finishedOn: T0 + 2, parentId: root.id });
      assert.equal(await a.taskDeleteFinishedTrees({ ids: [root.id, "missing"] }), 0);
      assert.deepEqual(await allTaskIds(a), sorted([root.id, child!]));
    });
  });
}

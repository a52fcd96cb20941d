import assert from "node:assert/strict";
import type { StorageAdapter } from "../../storage/port/index.js";
import type { ClaimedTask, TaskFinishResult } from "../../storage/port/types.js";
import type { Task } from "../../domain/task.js";
import type { ContractSuite } from "./suite.js";
import { claim, claimOne, createTask, DEF, ids, T0, useStore } from "./fixtures.js";

const CHILD = "childTask";
/** Far later than any wait here, within the longest delay (355 days). */
const MUCH_LATER = T0 + 300 * 24 * 3600 * 1000;

/** A parent waiting for its children (`continue(input, { waitForChildren: true, seconds? })`, docs/run-history.md). */
export function waitForChildrenContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("waiting for children", () => {
    const store = useStore(suite);

    /** A claimed parent (DEF) and `count` pending children (CHILD) of it. */
    async function family(count: number): Promise<{ parent: ClaimedTask; children: Task[] }> {
      await createTask(store.adapter, { runAt: T0 - 1 });
      const parent = await claimOne(store.adapter);
      const children: Task[] = [];
      for (let i = 0; i < count; i += 1) {
        children.push(await createTask(store.adapter, { definitionId: CHILD, parentId: parent.task.id, runAt: T0 + i }));
      }
      return { parent, children };
    }

    async function claimChildren(count: number, now = T0 + 10): Promise<ClaimedTask[]> {
      const claimed = await claim(store.adapter, { definitionIds: [CHILD], now, limit: count });
      assert.equal(claimed.length, count);
      return claimed;
    }

    async function wait(parent: ClaimedTask, now: number, runAt?: number, adapter: StorageAdapter = store.adapter): Promise<TaskFinishResult> {
      const [result] = await adapter.taskFinishMany({
        finishes: [
          {
            id: parent.task.id,
            leaseToken: parent.leaseToken,
            now,
            status: "running",
            input: { step: "collect" },
            waitForChildren: true,
            ...(runAt !== undefined ? { runAt } : {}),
          },
        ],
      });
      assert.equal(result.applied, true);
      return result;
    }

    async function end(child: ClaimedTask, now: number, status: "success" | "failed" = "success", adapter: StorageAdapter = store.adapter): Promise<TaskFinishResult> {
      const [result] = await adapter.taskFinishMany({ finishes: [{ id: child.task.id, leaseToken: child.leaseToken, now, status }] });
      assert.equal(result.applied, true);
      return result;
    }

    const claimParent = (now: number, workerId = "worker-a") => claim(store.adapter, { now, workerId });

    it("is not claimed while a child runs, and the last child's finish makes it due at once", async () => {
      const { parent, children } = await family(2);
      const waited = await wait(parent, T0 + 1);
      assert.equal(waited.woken, undefined);
      assert.equal(waited.task?.taskStatus, "running");
      assert.deepEqual(waited.task?.input, { step: "collect" });
      assert.deepEqual(await claimParent(MUCH_LATER), [], "a wait without a timeout is not due, however late");
      const [first, second] = await claimChildren(2);
      assert.equal((await end(first, T0 + 20)).woken, undefined, "a child is still running");
      assert.deepEqual(await claimParent(MUCH_LATER), []);
      assert.equal((await end(second, T0 + 30, "failed")).woken, true, "failed counts as finished");
      const again = await claimOne(store.adapter, { now: T0 + 30 });
      assert.equal(again.task.id, parent.task.id);
      assert.equal(again.task.iterations, 2);
      assert.equal(again.task.runAt.getTime(), T0 + 30);
      assert.deepEqual(ids(children).sort(), ids([first.task, second.task]).sort());
    });

    it("wakes the parent when its last unfinished child is aborted, pending or running", async () => {
      const { parent, children } = await family(2);
      await wait(parent, T0 + 1);
      const [running] = await claimChildren(1);
      const aborted = await store.adapter.taskAbort({ id: running.task.id, now: T0 + 20, message: "Stop.", workerId: "api" });
      assert.equal(aborted.outcome, "aborted");
      assert.equal(aborted.outcome === "aborted" && aborted.woken, undefined, "the other child is still pending");
      assert.deepEqual(await claimParent(MUCH_LATER), []);
      const pending = children.find((c) => c.id !== running.task.id)!;
      const last = await store.adapter.taskAbort({ id: pending.id, now: T0 + 30, message: "Stop.", workerId: "api" });
      assert.equal(last.outcome === "aborted" && last.woken, true);
      assert.deepEqual(ids((await claimParent(T0 + 30)).map((c) => c.task)), [parent.task.id]);
    });

    it("is due at once when every child has already finished, or there is none", async () => {
      const { parent } = await family(1);
      const [child] = await claimChildren(1);
      assert.equal((await end(child, T0 + 20)).woken, undefined, "the parent does not wait yet");
      const waited = await wait(parent, T0 + 30);
      assert.equal(waited.woken, true);
      assert.deepEqual(ids((await claimParent(T0 + 30)).map((c) => c.task)), [parent.task.id]);

      const lonely = await family(0);
      assert.equal((await wait(lonely.parent, T0 + 40)).woken, true);
      assert.deepEqual(ids((await claimParent(T0 + 40)).map((c) => c.task)), [lonely.parent.task.id]);
    });

    it("is due at its timeout with children unfinished; a child finishing later then changes nothing", async () => {
      const { parent } = await family(1);
      await wait(parent, T0 + 1, T0 + 1_000);
      assert.deepEqual(await claimParent(T0 + 999), []);
      const next = await claimOne(store.adapter, { now: T0 + 1_000 });
      assert.equal(next.task.id, parent.task.id);
      const [child] = await claimChildren(1, T0 + 1_001);
      assert.equal((await end(child, T0 + 1_002)).woken, undefined, "the wait is over: the parent's next iteration holds it");
      assert.deepEqual(await claimParent(T0 + 1_003, "worker-b"), [], "still held by its claim, not made due");
      // Its next iteration continues plainly: still not due before the wait it asks for.
      const [plain] = await store.adapter.taskFinishMany({
        finishes: [{ id: parent.task.id, leaseToken: next.leaseToken, now: T0 + 1_004, status: "running", runAt: T0 + 5_000 }],
      });
      assert.equal(plain.applied, true);
      assert.deepEqual(await claimParent(T0 + 4_999), []);
    });

    it("wakes a parent at its timeout's time or earlier, never later", async () => {
      const { parent } = await family(1);
      await wait(parent, T0 + 1, T0 + 1_000);
      const [child] = await claimChildren(1);
      assert.equal((await end(child, T0 + 500)).woken, true);
      assert.deepEqual(ids((await claimParent(T0 + 500)).map((c) => c.task)), [parent.task.id]);
    });

    it("leaves a parent that does not wait as it is when a child finishes", async () => {
      const { parent } = await family(1);
      await store.adapter.taskFinishMany({
        finishes: [{ id: parent.task.id, leaseToken: parent.leaseToken, now: T0 + 1, status: "running", runAt: T0 + 1_000 }],
      });
      const [child] = await claimChildren(1);
      assert.equal((await end(child, T0 + 20)).woken, undefined);
      assert.deepEqual(await claimParent(T0 + 999), []);
      assert.deepEqual(ids((await claimParent(T0 + 1_000)).map((c) => c.task)), [parent.task.id]);
    });

    it("wakes the parent once both of its last two children, finishing at the same time, are finished", async () => {
      for (let round = 0; round < 10; round += 1) {
        const [a, b] = await store.connections(2);
        const { parent } = await family(2);
        await wait(parent, T0 + 1);
        const [first, second] = await claimChildren(2);
        const results = await Promise.all([end(first, T0 + 20, "success", a), end(second, T0 + 20, "success", b)]);
        assert.equal(results.filter((r) => r.woken).length >= 1, true, `round ${round}: one of them woke the parent`);
        assert.deepEqual(ids((await claimParent(T0 + 20)).map((c) => c.task)), [parent.task.id], `round ${round}`);
        await store.adapter.taskFinishMany({ finishes: [{ id: parent.task.id, leaseToken: parent.leaseToken + 1, now: T0 + 21, status: "success" }] });
      }
    });

    it("wakes the parent whose wait is written while its last child finishes", async () => {
      for (let round = 0; round < 10; round += 1) {
        const [a, b] = await store.connections(2);
        const { parent } = await family(1);
        const [child] = await claimChildren(1);
        await Promise.all([wait(parent, T0 + 20, undefined, a), end(child, T0 + 20, "success", b)]);
        assert.deepEqual(ids((await claimParent(T0 + 20)).map((c) => c.task)), [parent.task.id], `round ${round}`);
        await store.adapter.taskFinishMany({ finishes: [{ id: parent.task.id, leaseToken: parent.leaseToken + 1, now: T0 + 21, status: "success" }] });
      }
    });

    it("wakes the parent when its wait and its last child's finish come in one batch", async () => {
      const { parent } = await family(1);
      const [child] = await claimChildren(1);
      const results = await store.adapter.taskFinishMany({
        finishes: [
          { id: parent.task.id, leaseToken: parent.leaseToken, now: T0 + 20, status: "running", waitForChildren: true },
          { id: child.task.id, leaseToken: child.leaseToken, now: T0 + 20, status: "success" },
        ],
      });
      assert.deepEqual(results.map((r) => r.applied), [true, true]);
      assert.deepEqual(ids((await claimParent(T0 + 20)).map((c) => c.task)), [parent.task.id]);
    });

    it("does not wake an aborted parent", async () => {
      const { parent } = await family(1);
      await wait(parent, T0 + 1);
      await store.adapter.taskAbort({ id: parent.task.id, now: T0 + 2, message: "Stop.", workerId: "api" });
      const [child] = await claimChildren(1);
      assert.equal((await end(child, T0 + 20)).woken, undefined);
      assert.equal((await store.adapter.taskGet({ id: parent.task.id }))?.taskStatus, "aborted");
      assert.deepEqual(await claimParent(MUCH_LATER), []);
    });
  });
}

import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import { claimOne, createTask, DEF, LEASE_MS, T0, useStore } from "./fixtures.js";

export function nextDueContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskNextDueAt", () => {
    const store = useStore(suite);

    it("is null when no task of the definitions is waiting", async () => {
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [DEF] }), null);
      await createTask(store.adapter, { definitionId: "otherTask", runAt: T0 });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [DEF] }), null);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [] }), null);
    });

    it("is the earliest due time over the given definitions, future ones included", async () => {
      await createTask(store.adapter, { runAt: T0 + 500 });
      await createTask(store.adapter, { definitionId: "otherTask", runAt: T0 + 100 });
      await createTask(store.adapter, { definitionId: "thirdTask", runAt: T0 + 50 });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [DEF] }), T0 + 500);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [DEF, "otherTask"] }), T0 + 100);
    });

    it("follows a held task's lease expiry", async () => {
      await createTask(store.adapter, { runAt: T0 });
      const held = await claimOne(store.adapter, { now: T0 + 5 });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [DEF] }), T0 + 5 + LEASE_MS);
      assert.equal(held.leaseExpiresAt, T0 + 5 + LEASE_MS);
    });
  });
}

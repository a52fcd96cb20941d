import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import { createTask, useStore } from "./fixtures.js";

export function migrateContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("migrate / ping / capabilities", () => {
    const store = useStore(suite);

    it("migrates again without touching stored data", async () => {
      const task = await createTask(store.adapter);
      await store.adapter.migrate();
      await store.adapter.migrate();
      assert.deepEqual(await store.adapter.taskGet({ id: task.id }), task);
    });

    it("says it applied nothing to a current store, and the version it is at", async () => {
      const again = await store.adapter.migrate();
      assert.deepEqual(again.applied, []);
      assert.ok(Number.isInteger(again.version) && again.version > 0);
      assert.equal(await store.adapter.storedVersion(), again.version, "the version recorded in the store");
    });

    it("migrates safely when called several times at once", async () => {
      const results = await Promise.all([store.adapter.migrate(), store.adapter.migrate(), store.adapter.migrate()]);
      assert.ok(results.every((r) => r.applied.length === 0));
      const task = await createTask(store.adapter);
      assert.equal((await store.adapter.taskGet({ id: task.id }))?.id, task.id);
    });

    it("answers a ping and names itself", async () => {
      await store.adapter.ping();
      assert.equal(store.adapter.name, suite.name);
      for (const flag of ["supportsNotify", "supportsHandoff"] as const) {
        assert.equal(typeof store.adapter.capabilities[flag], "boolean");
      }
    });

    it("hands back an unsubscribe function from subscribe", async () => {
      const unsubscribe = store.adapter.subscribe(() => {});
      assert.equal(typeof unsubscribe, "function");
      unsubscribe();
      await store.adapter.publish({ type: "tasks-available" });
    });
  });
}

import assert from "node:assert/strict";
import type { ContractSuite } from "./suite.js";
import type { TaskStatsRow } from "../../storage/port/index.js";
import { claimOne, createTask, LEASE_MS, T0, useStore } from "./fixtures.js";

const byKey = (rows: TaskStatsRow[]) =>
  Object.fromEntries(rows.map((row) => [`${row.definitionId}/${row.status}`, { count: row.count, oldestDueAt: row.oldestDueAt }]));

export function taskStatsContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskStats", () => {
    const store = useStore(suite);

    it("is empty for an empty store", async () => {
      assert.deepEqual(await store.adapter.taskStats({ now: T0 }), []);
    });

    it("counts tasks by definition and status, with the oldest due time of those waiting for a claim", async () => {
      await createTask(store.adapter, { definitionId: "a", runAt: T0 - 5000 });
      await createTask(store.adapter, { definitionId: "a", runAt: T0 - 2000 });
      await createTask(store.adapter, { definitionId: "a", runAt: T0 + 60_000 }); // not due yet
      await createTask(store.adapter, { definitionId: "b", runAt: T0 + 1 });
      await createTask(store.adapter, { definitionId: "c", runAt: T0 - 1 });
      await claimOne(store.adapter, { definitionIds: ["c"] });
      await createTask(store.adapter, { definitionId: "d" });
      const done = await claimOne(store.adapter, { definitionIds: ["d"] });
      await store.adapter.taskFinishMany({ finishes: [{ id: done.task.id, leaseToken: done.leaseToken, now: T0 + 1, status: "success", output: null }] });

      assert.deepEqual(byKey(await store.adapter.taskStats({ now: T0 })), {
        "a/pending": { count: 3, oldestDueAt: T0 - 5000 },
        "b/pending": { count: 1, oldestDueAt: null },
        // Held: due only when its lease runs out.
        "c/running": { count: 1, oldestDueAt: null },
        "d/success": { count: 1, oldestDueAt: null },
      });
      // A dead worker's task waits for a takeover once its lease has run out.
      const later = await store.adapter.taskStats({ now: T0 + LEASE_MS });
      assert.deepEqual(byKey(later)["c/running"], { count: 1, oldestDueAt: T0 + LEASE_MS });
    });
  });
}

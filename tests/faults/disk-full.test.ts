/**
 * Disk full, simulated at the adapter: for a while `taskCreateMany` and `taskFinishMany`
 * throw STORAGE_FULL. A trigger refused meanwhile stores nothing; the worker keeps the
 * finished iterations' outcomes and retries writing them, so nothing is lost or repeated.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { createStint } from "../../src/stint.js";
import { isStintError } from "../../src/domain/errors.js";
import { storeKinds, type TestStore } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";
import { checkAllDone, fullDisk, stepsDefinition } from "./helpers.js";

/** Every port method that writes. */
const WRITES = [
  "taskCreateMany", "taskFinishMany", "taskHooksDone", "taskRenewLeases", "taskReleaseLeases",
  "taskUpdate", "taskClaim", "logAppend", "taskAbort", "taskDelete",
] as const;

for (const kind of await storeKinds()) {
  describe(`disk full at the adapter (${kind.name})`, () => {
    const stores: TestStore[] = [];
    after(() => Promise.all(stores.map((s) => s.cleanup())));

    it("refuses triggers with STORAGE_FULL storing nothing, and workers retry their finishes until the space is back", async () => {
      const store = await kind.create();
      stores.push(store);
      const disk = fullDisk(store.adapter);
      const onDone = new Map<string, number>();
      const stint = await createStint({ storage: disk.adapter, definitions: [stepsDefinition(onDone)], useEnv: false });
      try {
        const errors: unknown[] = [];
        const worker = await stint.startWorker({ concurrency: 8, leaseMs: 3000, pollIntervalMs: 50 });
        worker.events.on("worker:error", ({ error }) => errors.push(error));
        const first = await stint.tasks.triggerMany(Array.from({ length: 24 }, () => ({ definition: "steps", input: { k: 4, workMs: 30 } })));
        await waitFor(() => stint.tasks.listTasks({ where: { iterations_gte: 2 }, limit: 1 }), (p) => p.meta.totalCount > 0);

        disk.full = true;
        const refused = await Promise.allSettled([
          stint.tasks.trigger({ definition: "steps", name: "while-full", input: { k: 1 } }),
          stint.tasks.triggerMany(Array.from({ length: 10 }, () => ({ definition: "steps", name: "while-full", input: { k: 1 } }))),
        ]);
        await new Promise((r) => setTimeout(r, 1200));
        disk.full = false;

        for (const result of refused) {
          assert.equal(result.status, "rejected");
          assert.ok(isStintError((result as PromiseRejectedResult).reason, "STORAGE_FULL"), String((result as PromiseRejectedResult).reason));
        }
        assert.ok((disk.refused.taskFinishMany ?? 0) > 0, "iteration ends were attempted while the disk was full");
        assert.ok(errors.length > 0 && errors.every((e) => isStintError(e, "STORAGE_FULL")), "the worker reported typed STORAGE_FULL errors");

        const tasks = await waitFor(
          () => Promise.all(first.map((t) => stint.tasks.getTask(t.id))),
          (list) => list.every((t) => t?.taskStatus === "success"),
          30_000,
        );
        await waitFor(() => onDone.size, (n) => n === first.length);
        assert.deepEqual(checkAllDone(tasks, onDone), []);
        const named = await stint.tasks.listTasks({ where: { name: "while-full" }, limit: 1 });
        assert.equal(named.meta.totalCount, 0, "the refused triggers stored nothing");
        assert.equal((await stint.tasks.listTasks({ limit: 1 })).meta.totalCount, first.length);
      } finally {
        await stint.close();
      }
    });

    // Found by this test: a refused taskHooksDone was not retried, the claim was handed
    // back and onDone ran twice with no crash. Worker.finishHooks now retries it.
    it("loses nothing and runs each onDone once when every write fails for a while (hooks confirmations included)", async () => {
      const store = await kind.create();
      stores.push(store);
      const disk = fullDisk(store.adapter, WRITES);
      const onDone = new Map<string, number>();
      const stint = await createStint({ storage: disk.adapter, definitions: [stepsDefinition(onDone)], useEnv: false });
      try {
        await stint.startWorker({ concurrency: 8, leaseMs: 3000, hookLeaseMs: 1500, pollIntervalMs: 50 });
        const first = await stint.tasks.triggerMany(Array.from({ length: 40 }, (_, i) => ({ definition: "steps", input: { k: 1 + (i % 3), workMs: 10 + (i % 7) * 10, hookMs: 300 } })));
        await waitFor(() => onDone.size, (n) => n > 0);
        disk.full = true;
        await new Promise((r) => setTimeout(r, 1200));
        disk.full = false;
        const tasks = await waitFor(
          () => Promise.all(first.map((t) => stint.tasks.getTask(t.id))),
          (list) => list.every((t) => t?.taskStatus === "success"),
          30_000,
        );
        await waitFor(() => onDone.size, (n) => n === first.length, 10_000).catch(() => undefined);
        // Wait out a hook lease: a hook whose confirmation was lost would run again now.
        await new Promise((r) => setTimeout(r, 2500));
        assert.ok((disk.refused.taskHooksDone ?? 0) > 0, `hook confirmations were refused too: ${JSON.stringify(disk.refused)}`);
        assert.deepEqual(checkAllDone(tasks, onDone), [], `refused writes: ${JSON.stringify(disk.refused)}`);
      } finally {
        await stint.close();
      }
    });
  });
}

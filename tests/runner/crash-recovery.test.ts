import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { storeKinds, type TestStore } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";
import { createStint } from "../../src/stint.js";
import { checkpointed } from "../fixtures/crash-definitions.js";

const workerScript = fileURLToPath(new URL("../fixtures/crash-worker.ts", import.meta.url));

for (const kind of await storeKinds()) {
  describe(`crash recovery (${kind.name})`, () => {
    const stores: TestStore[] = [];
    after(() => Promise.all(stores.map((s) => s.cleanup())));

    it("takes over a task whose worker was SIGKILLed mid-iteration and finishes it from the last checkpoint", async () => {
      const store = await kind.create();
      stores.push(store);
      const stint = await createStint({ storage: store.adapter, definitions: [checkpointed], useEnv: false });
      const { id } = await stint.tasks.trigger({ definition: checkpointed, input: { step: 0 } });

      const child = spawn(process.execPath, ["--import", "tsx", workerScript, store.url], {
        env: { ...process.env, STINT_CRASH_CHILD: "1" },
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      try {
        // The child checkpoints step 1, then hangs inside iteration 2.
        await waitFor(() => stint.tasks.getTask(id), (t) => t?.iterations === 2 && (t.output as any)?.reachedStep1In === "child", 20_000);
        // ...and its log item of the hanging attempt has been flushed.
        await waitFor(
          () => stint.tasks.listLogs({ where: { task: id, iteration: 2 } }),
          (logs) => logs.items[0]?.items.length === 1,
        );
      } finally {
        child.kill("SIGKILL");
      }
      await exited;
      const orphan = (await stint.tasks.getTask(id))!;
      assert.equal(orphan.taskStatus, "running", "the dead worker's task is still claimed");

      const worker = await stint.startWorker({ leaseMs: 1000, pollIntervalMs: 100 });
      const done = (await waitFor(() => stint.tasks.getTask(id), (t) => t?.taskStatus === "success", 15_000))!;

      assert.equal(done.iterations, 2, "a re-run after a crash does not count as a new iteration");
      assert.equal(done.attempt, 2);
      assert.deepEqual(done.input, { step: 1 }, "resumed from the saved checkpoint");
      assert.deepEqual(done.output, { finishedAt: 1 });
      assert.equal(done.executionName, worker.workerId);

      const logs = await store.adapter.logList({
        filters: [{ field: "task", op: "eq", value: id }],
        sort: [{ field: "iteration", direction: "asc" }, { field: "id", direction: "asc" }],
        limit: 10,
      });
      const second = logs.items.find((l) => l.iteration === 2)!;
      assert.deepEqual(
        second.items.map((i) => [i.attempt, i.message]),
        [
          [1, "step 1 in child"],
          [2, "step 1 in parent"],
          [2, "Task done."],
        ],
        "the crashed attempt's log items stay, tagged with their attempt",
      );
      await stint.close();
    });
  });
}

/**
 * The worker registry from a worker's side: a started worker registers at once and keeps
 * beating while idle, lists the tasks it holds, and removes itself when stopped.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { createStint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { STINT_VERSION } from "../../src/version.js";
import { storeKinds } from "../helpers/stores.js";
import { deferred, waitFor } from "../helpers/stint.js";

describe("STINT_VERSION", () => {
  it("is package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    assert.equal(STINT_VERSION, pkg.version);
  });
});

for (const kind of await storeKinds()) {
  describe(`worker registry (${kind.name})`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it("registers a started worker at once, beats while idle, lists what it holds, and unregisters at stop", async () => {
      const store = await kind.create();
      cleanups.push(() => store.cleanup());
      const release = deferred();
      const running = deferred();
      const hold = createTaskDefinition({
        id: "hold",
        title: "Hold",
        run: async ({ response }) => {
          running.resolve();
          await release.promise;
          return response.done({});
        },
      });
      const stint = await createStint({ storage: store.adapter, definitions: [hold], useEnv: false, metrics: false });
      cleanups.push(async () => {
        release.resolve();
        await stint.close();
      });
      const worker = stint.createWorker({ leaseMs: 600, concurrency: 3, workerId: "registry-test-worker" });
      worker.start();

      const [idle] = await waitFor(() => stint.tasks.listWorkers(), (list) => list.length === 1);
      assert.equal(idle.id, "registry-test-worker");
      assert.equal(idle.state, "alive");
      assert.equal(idle.host, hostname());
      assert.equal(idle.pid, process.pid);
      assert.equal(idle.version, STINT_VERSION);
      assert.equal(idle.concurrency, 3);
      assert.equal(idle.leaseMs, 600);
      assert.equal(idle.heartbeatMs, 200);
      assert.deepEqual(idle.tasks, []);
      // Idle, it still beats: its last heartbeat moves on.
      await waitFor(() => stint.tasks.listWorkers(), (list) => list[0]?.lastHeartbeatOn > idle.lastHeartbeatOn, 5000);

      const task = await stint.tasks.trigger({ definition: "hold" });
      await running.promise;
      const [busy] = await waitFor(() => stint.tasks.listWorkers(), (list) => list[0]?.tasks.length === 1, 5000);
      assert.deepEqual(busy.tasks, [{ id: task.id, name: task.name, definitionId: "hold", iteration: 1, attempt: 1 }]);

      release.resolve();
      await worker.stop();
      assert.deepEqual(await stint.tasks.listWorkers(), [], "a clean stop removes the registration");
    });

    it("registers nothing for a worker that only drains", async () => {
      const store = await kind.create();
      cleanups.push(() => store.cleanup());
      const quick = createTaskDefinition({ id: "quick", title: "Quick", run: async ({ response }) => response.done({}) });
      const stint = await createStint({ storage: store.adapter, definitions: [quick], useEnv: false, metrics: false });
      cleanups.push(() => stint.close());
      await stint.tasks.trigger({ definition: "quick" });
      await stint.createWorker().drain();
      assert.deepEqual(await stint.tasks.listWorkers(), []);
    });
  });
}

/**
 * A continue that releases its claim (it waits, or something else was queued here) is due
 * again as soon as its write commits. The worker's next claim can take the task back
 * before that write's answer arrives (the claim and the finish go on different
 * connections; a loaded machine reads the claim's answer first): the task is then still
 * in flight here, its outcome being stored. That claim is the task's next iteration, and
 * it must run. (It was taken for a re-claim of the iteration being stored, after a
 * lapsed lease: its token went to that iteration's claim, nothing ran under it, and the
 * task stayed `running`, claimed by this worker, until the lease ran out.)
 *
 * The interleaving is forced: the first iteration's finish is written, the clock passes
 * its wait, and its answer is held until the worker's claim has brought the task back.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds, type TestStore } from "../helpers/stores.js";
import { withOverrides } from "../helpers/adapter-overrides.js";
import { createStint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import type { ClaimedTask, TaskClaimParams, TaskFinishManyParams } from "../../src/storage/port/index.js";
import { ManualClock } from "../../src/testing/manual-clock.js";

for (const kind of await storeKinds()) {
  describe(`a task claimed again while its outcome is being stored (${kind.name})`, () => {
    const stores: TestStore[] = [];
    after(() => Promise.all(stores.map((s) => s.cleanup())));

    it("runs the claimed next iteration once the stored one settles", async () => {
      const store = await kind.create();
      stores.push(store);
      const clock = new ManualClock();
      let target = "";
      let claimedBack!: () => void;
      const claimSeen = new Promise<void>((resolve) => (claimedBack = resolve));
      const adapter = withOverrides(store.adapter, {
        taskFinishMany: (real) => async (params: TaskFinishManyParams) => {
          const results = await real(params);
          if (params.finishes.some((p) => p.id === target && p.status === "running")) {
            // Stored (due after its wait): the wait passes and the worker claims the task
            // again; this write's answer arrives only after that claim's.
            clock.advance(1_000);
            await claimSeen;
            await new Promise((resolve) => setImmediate(resolve));
          }
          return results;
        },
        taskClaim: (real) => async (params: TaskClaimParams) => {
          const claims: ClaimedTask[] = await real(params);
          if (claims.some((c) => c.task.id === target && c.task.iterations === 2)) claimedBack();
          return claims;
        },
      });
      const runs: number[] = [];
      const steps = createTaskDefinition<{ step?: number }>({
        id: "steps",
        title: "Steps",
        run: ({ input, response }) => {
          runs.push(input.step ?? 0);
          return input.step ? response.done({ steps: 2 }) : response.continue({ step: 1 }, { seconds: 1 });
        },
      });
      const stint = await createStint({ storage: adapter, definitions: [steps], clock, useEnv: false });
      const worker = stint.createWorker({ leaseMs: 60_000, concurrency: 4 });
      const firstStored = new Promise<void>((resolve) =>
        worker.events.on("task:iteration", ({ task }) => {
          if (task.id === target) resolve();
        }),
      );
      target = (await stint.tasks.trigger({ definition: steps, input: {} })).id;
      worker.start();
      await firstStored;
      await claimSeen;
      // The first iteration's execution has settled (what it does next is done in microtasks).
      await new Promise((resolve) => setImmediate(resolve));
      await worker.drain();

      const task = (await stint.tasks.getTask(target))!;
      assert.equal(task.taskStatus, "success", `the task ended (it is ${task.taskStatus}, iteration ${task.iterations})`);
      assert.deepEqual(task.output, { steps: 2 });
      assert.equal(task.iterations, 2);
      assert.deepEqual(runs, [0, 1], "each iteration ran once");
      await worker.stop();
      await stint.close();
    });
  });
}

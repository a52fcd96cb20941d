/**
 * Abort races: many tasks, each aborted at a random moment while its iterations finish
 * concurrently. Rule 3 ("abort wins") says the final status is `aborted` exactly when the
 * abort call succeeded (it was stored before the terminal write) and TASK_ABORT_ERROR
 * exactly when the terminal write won; onAbort runs once per aborted task, never for
 * the others, and onDone never for an aborted one.
 *
 * ABORT_RACE_TASKS=1000 is the full size (default 1000 on SQLite and PostgreSQL).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";
import { createStint, type Stint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";

const TASKS = Number(process.env.ABORT_RACE_TASKS ?? 1000);
const ITERATIONS = 3;

type AbortResult = { ok: true } | { ok: false; code: string };

for (const kind of await storeKinds()) {
  describe(`abort races (${kind.name})`, () => {
    it(`ends ${TASKS} tasks aborted exactly when their abort call succeeded, with onAbort once each`, { timeout: 120_000 }, async () => {
      const onAbort = new Map<string, number>();
      const onDone = new Map<string, number>();
      const aborts = new Map<string, Promise<AbortResult>>();
      const inRunAbortAt = new Map<string, number>(); // iteration whose end races an abort
      let stint: Stint | undefined;
      const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);
      const abortNow = (id: string) => {
        if (aborts.has(id)) return;
        aborts.set(
          id,
          stint!.tasks.abort({ id, message: "race" }).then(
            (): AbortResult => ({ ok: true }),
            (error): AbortResult => ({ ok: false, code: isStintError(error) ? error.code : `not a StintError: ${String(error)}` }),
          ),
        );
      };

      const racer = createTaskDefinition<{ n: number; step?: number }>({
        id: "racer",
        title: "Racer",
        run: async ({ input, response, store }) => {
          const id = store.getTask().id;
          const step = (input.step ?? 0) + 1;
          await new Promise((r) => setTimeout(r, Math.random() * 6));
          // Fire the abort just as this iteration hands its outcome to the worker: either
          // before returning, or a moment after (racing the batched terminal write).
          const plan = inRunAbortAt.get(id);
          if (plan !== undefined && Math.floor(plan) === step) {
            if (plan % 1 === 0) abortNow(id);
            else setTimeout(() => abortNow(id), (plan % 1) * 10);
          }
          if (step < ITERATIONS) return response.continue({ step });
          return response.done({ step });
        },
        onAbort: async ({ task }) => void bump(onAbort, task.id),
        onDone: async ({ task }) => void bump(onDone, task.id),
      });

      const store = await kind.create();
      try {
        stint = await createStint({ storage: store.adapter, definitions: [racer], useEnv: false });
        const ids: string[] = [];
        for (let i = 0; i < TASKS; i += 250) {
          const batch = Array.from({ length: Math.min(250, TASKS - i) }, (_, j) => ({ definition: "racer", input: { n: i + j } }));
          ids.push(...(await stint.tasks.triggerMany(batch)).map((t) => t.id));
        }
        // A third of the tasks are aborted from inside their own run right before an
        // iteration returns, a third 0-10 ms after it returned (while its outcome is being
        // written), the rest by a timer at a random moment of the run (before, during or
        // after the task's life).
        const timers: NodeJS.Timeout[] = [];
        ids.forEach((id, i) => {
          const iteration = 1 + Math.floor(Math.random() * ITERATIONS);
          if (i % 3 === 0) inRunAbortAt.set(id, iteration);
          else if (i % 3 === 1) inRunAbortAt.set(id, iteration + 0.01 + Math.random() * 0.98);
          else timers.push(setTimeout(() => abortNow(id), Math.random() * Math.max(500, TASKS * 3)));
        });
        const started = Date.now();
        await stint.startWorker({ concurrency: 20, pollIntervalMs: 20, leaseMs: 10_000 });

        await waitFor(
          () => stint!.tasks.listTasks({ where: { taskStatus_in: ["pending", "running"] }, limit: 1 }),
          (page) => page.meta.totalCount === 0,
          90_000,
        );
        // Tasks that ended before their timer fired still get their (refused) abort.
        await waitFor(() => aborts.size, (n) => n === TASKS, 30_000);
        const results = new Map<string, AbortResult>();
        for (const [id, promise] of aborts) results.set(id, await promise);
        const tasks = new Map((await Promise.all(ids.map((id) => stint!.tasks.getTask(id)))).map((t) => [t!.id, t!]));
        const successes = [...tasks.values()].filter((t) => t.taskStatus === "success").length;
        await waitFor(() => [...onDone.values()].length, (n) => n >= successes, 10_000).catch(() => undefined);
        for (const timer of timers) clearTimeout(timer);

        const problems: string[] = [];
        let aborted = 0;
        for (const id of ids) {
          const task = tasks.get(id)!;
          const result = results.get(id)!;
          if (result.ok) aborted++;
          if (result.ok !== (task.taskStatus === "aborted")) {
            problems.push(`${id}: abort ${result.ok ? "succeeded" : `failed (${(result as { code: string }).code})`} but the status is ${task.taskStatus}`);
          }
          if (!result.ok && result.code !== "TASK_ABORT_ERROR") problems.push(`${id}: abort rejected with ${result.code}`);
          if (task.taskStatus !== "aborted" && task.taskStatus !== "success") problems.push(`${id}: status ${task.taskStatus}`);
          const abortHooks = onAbort.get(id) ?? 0;
          const doneHooks = onDone.get(id) ?? 0;
          if (task.taskStatus === "aborted" && abortHooks !== 1) problems.push(`${id}: aborted, onAbort ran ${abortHooks} times`);
          if (task.taskStatus !== "aborted" && abortHooks !== 0) problems.push(`${id}: ${task.taskStatus}, but onAbort ran ${abortHooks} times`);
          if (task.taskStatus === "aborted" && doneHooks !== 0) problems.push(`${id}: aborted, but onDone ran ${doneHooks} times`);
          if (task.taskStatus === "success" && doneHooks !== 1) problems.push(`${id}: success, onDone ran ${doneHooks} times`);
        }
        console.log(
          `abort race ${kind.name}: tasks=${TASKS}, aborted=${aborted}, finished first=${TASKS - aborted}, ` +
            `mismatches=${problems.length}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        assert.deepEqual(problems.slice(0, 20), []);
        assert.ok(aborted > 0 && aborted < TASKS, "the race went both ways");
      } finally {
        await stint?.close();
        await store.cleanup();
      }
    });
  });
}

/**
 * A finish the store refuses (its data, not the store's state) must not wedge a worker:
 * the finishes that shared its batch are stored, the task at fault fails with
 * TASK_OUTCOME_REFUSED (its onError hook runs, as for any failure) instead of being handed
 * back to fail the same way forever, and no worker error carries the task's data.
 * Values JSON cannot encode (a BigInt in a log item: the runner refuses one in an output or
 * a checkpoint itself) are what both stores refuse alike.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds, type TestStore } from "../helpers/stores.js";
import { withOverrides } from "../helpers/adapter-overrides.js";
import { createStint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import type { TaskFinishManyParams } from "../../src/storage/port/index.js";
import { ManualClock } from "../../src/testing/manual-clock.js";

const SECRET = "s3cret-task-data";
const TASKS = 20;

for (const kind of await storeKinds()) {
  describe(`refused finishes (${kind.name})`, () => {
    const stores: TestStore[] = [];
    after(() => Promise.all(stores.map((s) => s.cleanup())));

    it("stores the batch's other finishes and fails the task at fault with its hooks, once", async () => {
      const store = await kind.create();
      stores.push(store);
      // Every finish batch as written (ids), to show neighbours really shared one.
      const batches: string[][] = [];
      const adapter = withOverrides(store.adapter, {
        taskFinishMany: (real) => (params: TaskFinishManyParams) => {
          batches.push(params.finishes.map((p) => p.id));
          return real(params);
        },
      });
      // All runs end together, so their finishes go to the store as one batch.
      let started = 0;
      let release!: () => void;
      const together = new Promise<void>((resolve) => (release = resolve));
      const arrive = async () => {
        if (++started === TASKS) release();
        await together;
      };
      const errored: { id: string; taskStatus: string }[] = [];
      let runs = 0;
      const poison = createTaskDefinition<{ kind: string; i?: number }>({
        id: "poison",
        title: "Poison",
        run: async ({ input, response, store: taskStore }) => {
          runs++;
          await arrive();
          if (input.kind === "log") await taskStore.addInfoLog({ message: `about ${SECRET}`, data: { secret: SECRET, n: 1n } as never });
          if (input.kind === "checkpoint") {
            // A checkpoint in the same finish as a log item the store refuses.
            await taskStore.addInfoLog({ message: "odd", data: { secret: SECRET, n: 2n } as never });
            return response.continue({ secret: SECRET, step: 2 } as never);
          }
          return response.done({ secret: SECRET, fine: input.kind });
        },
        onError: ({ task }) => void errored.push(task),
      });
      const clock = new ManualClock();
      const stint = await createStint({ storage: adapter, definitions: [poison], clock, useEnv: false });
      const worker = stint.createWorker({ leaseMs: 60_000, concurrency: TASKS, logFlushIntervalMs: 60_000 });
      const workerErrors: unknown[] = [];
      worker.events.on("worker:error", ({ error }) => workerErrors.push(error));
      const kinds = Array.from({ length: TASKS }, (_, i) => (i === 3 ? "log" : i === 11 ? "checkpoint" : "fine"));
      const tasks = await stint.tasks.triggerMany(kinds.map((k) => ({ definition: poison, input: { kind: k } })));
      await worker.drain();

      assert.equal(runs, TASKS, "every task ran once: none was handed back to run again");
      const stored = await stint.tasks.listTasks({ limit: 100 });
      const byId = new Map(stored.items.map((t) => [t.id, t]));
      tasks.forEach((task, i) => {
        const now = byId.get(task.id)!;
        if (kinds[i] === "fine") {
          assert.equal(now.taskStatus, "success", `neighbour ${i}`);
          assert.deepEqual(now.output, { secret: SECRET, fine: "fine" });
          return;
        }
        assert.equal(now.taskStatus, "failed", `poison ${i}`);
        const error = (now.output as { error: { code: string; message: string } }).error;
        assert.equal(error.code, "TASK_OUTCOME_REFUSED");
        assert.match(error.message, /not JSON/);
        assert.doesNotMatch(error.message, new RegExp(SECRET));
      });
      // The checkpoint was not stored either.
      assert.deepEqual(byId.get(tasks[11]!.id)!.input, { kind: "checkpoint" });
      assert.deepEqual(errored.map((t) => t.id).sort(), [tasks[3]!.id, tasks[11]!.id].sort(), "onError once for each task at fault");
      assert.ok(errored.every((t) => t.taskStatus === "failed"));

      const first = batches[0]!;
      assert.ok(first.includes(tasks[3]!.id) && first.includes(tasks[0]!.id), `a neighbour shared the refused batch: ${JSON.stringify(batches.map((b) => b.length))}`);
      const logs = await stint.tasks.listLogs({ where: { task: tasks[3]!.id } });
      const messages = logs.items.flatMap((log) => log.items.map((item) => item.message));
      assert.equal(messages.length, 1, "only the failure's own item: what run() logged may be the refused value");
      assert.match(messages[0]!, /refused what this iteration produced/);

      assert.ok(workerErrors.length > 0, "the refusals were reported");
      for (const error of workerErrors) {
        assert.equal((error as { code?: string }).code, "STORAGE_VALUE_REFUSED");
        assert.doesNotMatch(`${(error as Error).message} ${JSON.stringify(error)}`, new RegExp(SECRET));
      }
      await stint.close();
    });

    it("fails a task whose output the store itself refuses (a lone surrogate past the runner), quoting none of it in worker errors", {
      skip: kind.name !== "postgres" && "only PostgreSQL refuses a lone surrogate in JSON",
    }, async () => {
      const store = await kind.create();
      stores.push(store);
      // As if the runner had let a lone surrogate through: PostgreSQL's own refusal, whose
      // detail and where quote the value.
      const adapter = withOverrides(store.adapter, {
        taskFinishMany: (real) => ({ finishes }: TaskFinishManyParams) =>
          real({ finishes: finishes.map((p) => ((p.output as { raw?: boolean } | undefined)?.raw ? { ...p, output: { secret: `${SECRET}${"😀".slice(0, 1)}` } } : p)) }),
      });
      let started = 0;
      let release!: () => void;
      const together = new Promise<void>((resolve) => (release = resolve));
      const task = createTaskDefinition<{ raw: boolean }>({
        id: "task",
        title: "Task",
        run: async ({ input, response }) => {
          if (++started === 6) release();
          await together;
          return response.done({ raw: input.raw });
        },
      });
      const stint = await createStint({ storage: adapter, definitions: [task], clock: new ManualClock(), useEnv: false });
      const worker = stint.createWorker({ leaseMs: 60_000, concurrency: 6 });
      const workerErrors: unknown[] = [];
      worker.events.on("worker:error", ({ error }) => workerErrors.push(error));
      const tasks = await stint.tasks.triggerMany([0, 1, 2, 3, 4, 5].map((i) => ({ definition: task, input: { raw: i === 2 } })));
      await worker.drain();
      const stored = await Promise.all(tasks.map((t) => stint.tasks.getTask(t.id)));
      assert.deepEqual(stored.map((t) => t!.taskStatus), ["success", "success", "failed", "success", "success", "success"]);
      const error = (stored[2]!.output as { error: { code: string; message: string } }).error;
      assert.equal(error.code, "TASK_OUTCOME_REFUSED");
      assert.match(error.message, /SQLSTATE 22P02/);
      assert.ok(workerErrors.length > 0);
      for (const e of workerErrors) assert.doesNotMatch(`${(e as Error).message} ${JSON.stringify(e)} ${String((e as Error).cause ?? "")}`, new RegExp(SECRET));
      await stint.close();
    });

    it("costs no extra store call when nothing is refused: one finish batch", async () => {
      const store = await kind.create();
      stores.push(store);
      let finishCalls = 0;
      const adapter = withOverrides(store.adapter, {
        taskFinishMany: (real) => (params: TaskFinishManyParams) => {
          finishCalls++;
          return real(params);
        },
      });
      let started = 0;
      let release!: () => void;
      const together = new Promise<void>((resolve) => (release = resolve));
      const fine = createTaskDefinition({
        id: "fine",
        title: "Fine",
        run: async ({ response }) => {
          if (++started === TASKS) release();
          await together;
          return response.done({ ok: true, text: "😀 \\ud83d" });
        },
      });
      const stint = await createStint({ storage: adapter, definitions: [fine], clock: new ManualClock(), useEnv: false });
      const worker = stint.createWorker({ leaseMs: 60_000, concurrency: TASKS });
      await stint.tasks.triggerMany(Array.from({ length: TASKS }, () => ({ definition: fine })));
      await worker.drain();
      assert.equal(finishCalls, 1);
      assert.equal((await stint.tasks.listTasks({ where: { taskStatus: "success" } })).meta.totalCount, TASKS);
      await stint.close();
    });
  });
}

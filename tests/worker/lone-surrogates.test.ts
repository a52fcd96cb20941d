/**
 * A lone UTF-16 surrogate (what `"😀".slice(0, 1)` gives) in anything a task produces is
 * stored as U+FFFD on both stores, as NUL is: PostgreSQL's jsonb refused it, and with it
 * the whole finish batch, which the worker retried forever with the batch's other tasks
 * left `running`. The tasks here end together, so their finishes share one batch.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";

const HIGH = "😀".slice(0, 1);
const LOW = "😀".slice(1);
const R = "\uFFFD";
const KINDS = ["output", "checkpoint", "log", "progress", "progressCut", "error", "throw", "update", "fine", "fine", "fine", "fine"] as const;

for (const kind of await storeKinds()) {
  describe(`lone surrogates in what tasks produce (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));

    it("stores them replaced by U+FFFD, and every task of the batch ends", async () => {
      let arrived = 0;
      let release!: () => void;
      const together = new Promise<void>((resolve) => (release = resolve));
      const producer = createTaskDefinition<{ kind: (typeof KINDS)[number]; step?: number }>({
        id: "producer",
        title: "Producer",
        run: async ({ input, response, store, progress }) => {
          if (!input.step) {
            if (++arrived === KINDS.length) release();
            await together;
          }
          switch (input.kind) {
            case "output":
              return response.done({ s: `a${HIGH}`, [`k${LOW}`]: [LOW, "😀"] });
            case "checkpoint":
              if (!input.step) return response.continue({ step: 1, note: `c${HIGH}` } as never);
              return response.done({ saw: (input as { note?: string }).note });
            case "log":
              await store.addInfoLog({ message: `m${HIGH}`, data: { [`k${HIGH}`]: `v${LOW}` } });
              return response.done();
            case "progress":
              progress.set({ done: 1, total: 2, message: `p${HIGH}` });
              return response.done();
            case "progressCut":
              // 500 units would end inside the pair: the cut drops the whole pair instead.
              progress.set({ done: 1, message: `${"x".repeat(499)}😀` });
              return response.done();
            case "error":
              return response.error({ message: `e${HIGH}` });
            case "throw":
              throw new Error(`t${LOW}`);
            case "update":
              await store.updateOutput({ u: `u${HIGH}` } as never);
              return response.done({ more: 1 });
            default:
              return response.done({ ok: true });
          }
        },
      });
      const f = await stintFixture(kind, [producer], { worker: { concurrency: KINDS.length } });
      fixtures.push(f);
      const tasks = await f.stint.tasks.triggerMany(KINDS.map((k) => ({ definition: producer, input: { kind: k } })));
      await f.worker.drain();
      const get = async (i: number) => (await f.stint.tasks.getTask(tasks[i]!.id))!;
      const logsOf = async (i: number) => (await f.stint.tasks.listLogs({ where: { task: tasks[i]!.id }, sort: ["iteration_ASC"] })).items;

      const statuses = await Promise.all(KINDS.map((_, i) => get(i).then((t) => t.taskStatus)));
      assert.deepEqual(statuses, KINDS.map((k) => (k === "error" || k === "throw" ? "failed" : "success")));
      assert.deepEqual((await get(0)).output, { s: `a${R}`, [`k${R}`]: [R, "😀"] });
      assert.equal(((await get(1)).input as { note: string }).note, `c${R}`);
      assert.deepEqual((await get(1)).output, { saw: `c${R}` });
      const logItem = (await logsOf(2))[0]!.items[0]!;
      assert.equal(logItem.message, `m${R}`);
      assert.deepEqual(logItem.data, { [`k${R}`]: `v${R}` });
      assert.equal((await get(3)).progress?.message, `p${R}`);
      assert.equal((await get(4)).progress?.message, "x".repeat(499));
      assert.equal(((await get(5)).output as { error: { message: string } }).error.message, `e${R}`);
      assert.equal(((await get(6)).output as { error: { message: string } }).error.message, `t${R}`);
      assert.equal((await logsOf(6))[0]!.items.at(-1)!.message, `t${R}`);
      assert.deepEqual((await get(7)).output, { more: 1 });
      for (let i = 8; i < KINDS.length; i++) assert.deepEqual((await get(i)).output, { ok: true });

      const pending = await f.stint.tasks.trigger({ definition: producer, input: { kind: "fine" }, delay: 60 });
      await f.stint.tasks.abort({ id: pending.id, message: `stop${HIGH}` });
      const aborted = await f.stint.tasks.listLogs({ where: { task: pending.id } });
      assert.equal(aborted.items[0]!.items[0]!.message, `stop${R}`);
    });
  });
}

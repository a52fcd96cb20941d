import assert from "node:assert/strict";
import type { LogItem } from "../../domain/log.js";
import { isStintError } from "../../domain/errors.js";
import type { ClaimedTask, TaskFinishParams } from "../../storage/port/index.js";
import type { ContractSuite } from "./suite.js";
import { claim, createTask, LOGS_OLDEST_FIRST, T0, useStore } from "./fixtures.js";

const SECRET = "s3cret-task-data";
const item = (message: string, data?: unknown): LogItem => ({ message, type: "info", createdOn: new Date(T0 + 20), attempt: 1, ...(data !== undefined ? { data } : {}) });

/** A value refused, typed, and without the task's data in anything a log line would print. */
function refusedValue(error: unknown): boolean {
  assert.ok(isStintError(error, "STORAGE_VALUE_REFUSED"), String(error));
  assert.doesNotMatch(`${error.message} ${JSON.stringify(error)} ${String(error.cause ?? "")}`, new RegExp(SECRET));
  return true;
}

/**
 * A value the store cannot keep (here: one JSON cannot encode, which both stores refuse
 * alike) fails its whole write with STORAGE_VALUE_REFUSED and stores nothing of it: the
 * worker's completion batcher relies on both to isolate the finish at fault.
 */
export function refusedValuesContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("refused values", () => {
    const store = useStore(suite);

    async function threeHeld(): Promise<ClaimedTask[]> {
      for (const name of ["a", "b", "c"]) await createTask(store.adapter, { name });
      const held = await claim(store.adapter, { limit: 3 });
      assert.equal(held.length, 3);
      return held;
    }

    const finish = (h: ClaimedTask, extra: Partial<TaskFinishParams> = {}): TaskFinishParams => ({
      id: h.task.id,
      leaseToken: h.leaseToken,
      now: T0 + 20,
      status: "success",
      claimed: h.task,
      output: { fine: true },
      log: { taskId: h.task.id, iteration: 1, executionName: "worker-a", now: T0 + 20, items: [item("done")] },
      ...extra,
    });

    it("refuses a finish batch with a value that is not JSON as STORAGE_VALUE_REFUSED, storing none of the batch", async () => {
      const held = await threeHeld();
      const cycle: Record<string, unknown> = { secret: SECRET };
      cycle.self = cycle;
      const poisons: Partial<TaskFinishParams>[] = [
        { output: { secret: SECRET, n: 1n } as never },
        { status: "running", input: cycle as never },
        { log: { taskId: held[1]!.task.id, iteration: 1, executionName: "worker-a", now: T0 + 20, items: [item(SECRET, { n: 2n })] } },
      ];
      for (const poison of poisons) {
        await assert.rejects(store.adapter.taskFinishMany({ finishes: [finish(held[0]!), finish(held[1]!, poison), finish(held[2]!)] }), refusedValue);
        // Alone too (a batch of one may take another statement).
        await assert.rejects(store.adapter.taskFinishMany({ finishes: [finish(held[1]!, poison)] }), refusedValue);
      }
      const stored = await store.adapter.taskGetMany({ ids: held.map((h) => h.task.id) });
      assert.deepEqual(stored.map((t) => t.taskStatus), ["running", "running", "running"]);
      const logs = await store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 10 });
      assert.equal(logs.totalCount, 0, "no log of a refused batch stays");
      // The same batch without the value at fault is stored as any other.
      const results = await store.adapter.taskFinishMany({ finishes: held.map((h) => finish(h)) });
      assert.deepEqual(results.map((r) => r.applied), [true, true, true]);
    });

    it("refuses a log append with a value that is not JSON, appending nothing", async () => {
      const task = await createTask(store.adapter);
      await assert.rejects(
        store.adapter.logAppend({ taskId: task.id, iteration: 1, executionName: "w", now: T0, items: [item("fine"), item("bad", { secret: SECRET, n: 3n })] }),
        refusedValue,
      );
      assert.equal((await store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 10 })).totalCount, 0);
    });

    it("refuses a fenced update with a value that is not JSON, changing nothing", async () => {
      const [h] = await threeHeld();
      await assert.rejects(
        store.adapter.taskUpdate({ id: h!.task.id, leaseToken: h!.leaseToken, now: T0 + 5, output: { secret: SECRET, n: 4n } as never }),
        refusedValue,
      );
      const stored = await store.adapter.taskGet({ id: h!.task.id });
      assert.equal(stored!.output, null);
      assert.ok(await store.adapter.taskUpdate({ id: h!.task.id, leaseToken: h!.leaseToken, now: T0 + 5, output: { fine: 1 } }));
    });

    it("stores numbers JSON cannot hold (NaN, ±Infinity) as null, as JSON.stringify writes them, and keeps huge and tiny ones", async () => {
      const [a, b] = (await threeHeld()).slice(0, 2);
      const produced = { nan: NaN, list: [Infinity, -Infinity, 1], big: 1e308, tiny: 5e-324, negative: -2.5e-300 };
      const expected = { nan: null, list: [null, null, 1], big: 1e308, tiny: 5e-324, negative: -2.5e-300 };
      const results = await store.adapter.taskFinishMany({ finishes: [
        finish(a!, { output: produced, log: { taskId: a!.task.id, iteration: 1, executionName: "worker-a", now: T0 + 20, items: [item("m", produced)] } }),
        finish(b!, { status: "running", input: produced, runAt: T0 + 1000 }),
      ] });
      assert.deepEqual(results.map((r) => r.applied), [true, true]);
      assert.deepEqual(results[0]!.task!.output, expected, "the returned task as stored");
      assert.deepEqual(results[1]!.task!.input, expected);
      const [storedA, storedB] = await store.adapter.taskGetMany({ ids: [a!.task.id, b!.task.id] });
      assert.deepEqual(storedA!.output, expected);
      assert.deepEqual(storedB!.input, expected);
      const logs = await store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 10 });
      assert.deepEqual(logs.items[0]!.items[0]!.data, expected);
    });
  });
}

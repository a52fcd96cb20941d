import assert from "node:assert/strict";
import { isStintError } from "../../domain/errors.js";
import type { Task } from "../../domain/task.js";
import { ByteBudget } from "../../storage/read-budget.js";
import type { ReadBudget, TaskReadOptions } from "../../storage/port/types.js";
import type { ContractSuite } from "./suite.js";
import { claimOne, createTask, DEF, LOGS_OLDEST_FIRST, NEWEST_FIRST, T0, useStore } from "./fixtures.js";

/** Tasks of the budget tests; more than a PostgreSQL cursor fetches at once (FETCH_ROWS). */
const BIG_TASKS = Number(process.env.STINT_READ_BUDGET_TASKS ?? 40);
const BIG_INPUT_CHARS = 10_000;

/** A budget that records what it was charged, then charges a real ByteBudget. */
class RecordingBudget implements ReadBudget {
  readonly charges: number[] = [];
  private readonly inner: ByteBudget;
  constructor(max: number) {
    this.inner = new ByteBudget(max);
  }
  charge(bytes: number): void {
    this.charges.push(bytes);
    this.inner.charge(bytes);
  }
}

/** The cheap fields of a task (everything a projection always reads). */
function cheap(task: Task): Partial<Task> {
  const { input: _i, output: _o, eventResponse: _e, progress: _p, triggeredInput: _t, ...rest } = task;
  return rest;
}

export function readFieldsContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("task reads: fields and byte budget", () => {
    const store = useStore(suite);

    /** A finished task with every heavy column set. */
    async function fullTask(): Promise<Task> {
      const created = await createTask(store.adapter, { input: { big: "x".repeat(100) }, eventResponse: { dispatcher: "test" } });
      const claimed = await claimOne(store.adapter, { now: T0 + 10, definitionIds: [DEF] });
      const [finished] = await store.adapter.taskFinishMany({ finishes: [
        { id: created.id, leaseToken: claimed.leaseToken, now: T0 + 20, status: "success", output: { result: 42 }, progress: { done: 3, total: 3 } },
      ] });
      assert.equal(finished.applied, true);
      return (await store.adapter.taskGet({ id: created.id }))!;
    }

    async function readAll(id: string, options: TaskReadOptions): Promise<Task[]> {
      const one = await store.adapter.taskGet({ id, ...options });
      const many = await store.adapter.taskGetMany({ ids: [id], ...options });
      const listed = await store.adapter.taskList({ filters: [], sort: NEWEST_FIRST, limit: 10, ...options });
      return [one!, many[0], listed.items[0]];
    }

    it("reads every field when no fields are named", async () => {
      const full = await fullTask();
      assert.deepEqual(full.output, { result: 42 });
      assert.deepEqual(full.progress, { done: 3, total: 3 });
      for (const task of await readAll(full.id, {})) assert.deepEqual(task, full);
    });

    it("leaves out the heavy fields not named, keeping every cheap field", async () => {
      const full = await fullTask();
      for (const task of await readAll(full.id, { fields: ["id", "name", "taskStatus"] })) {
        assert.deepEqual(cheap(task), cheap(full));
        assert.deepEqual(task.input, {});
        assert.deepEqual(task.triggeredInput, {});
        assert.equal(task.output, null);
        assert.equal(task.eventResponse, null);
        assert.equal(task.progress, null);
      }
    });

    it("reads exactly the heavy fields named", async () => {
      const full = await fullTask();
      for (const task of await readAll(full.id, { fields: ["id", "output", "progress"] })) {
        assert.deepEqual(task.output, full.output);
        assert.deepEqual(task.progress, full.progress);
        assert.deepEqual(task.input, {});
        assert.equal(task.eventResponse, null);
      }
      for (const task of await readAll(full.id, { fields: ["input", "eventResponse"] })) {
        assert.deepEqual(task.input, full.input);
        assert.deepEqual(task.eventResponse, full.eventResponse);
        assert.equal(task.output, null);
        assert.equal(task.progress, null);
      }
    });

    it("keeps the list's cursor and order under a projection", async () => {
      for (let i = 1; i <= 3; i += 1) await createTask(store.adapter, { createdOn: T0 + i });
      const first = await store.adapter.taskList({ filters: [], sort: NEWEST_FIRST, limit: 2, fields: ["id"] });
      assert.equal(first.hasMoreItems, true);
      const second = await store.adapter.taskList({ filters: [], sort: NEWEST_FIRST, limit: 2, fields: ["id"], after: first.cursor! });
      const all = await store.adapter.taskList({ filters: [], sort: NEWEST_FIRST, limit: 10 });
      assert.deepEqual([...first.items, ...second.items].map((t) => t.id), all.items.map((t) => t.id));
    });

    it("charges a budget with the heavy bytes read, and only those asked for", async () => {
      const full = await fullTask();
      const withInput = new RecordingBudget(1_000_000);
      await store.adapter.taskGet({ id: full.id, fields: ["input"], budget: withInput });
      const without = new RecordingBudget(1_000_000);
      await store.adapter.taskGet({ id: full.id, fields: ["id"], budget: without });
      assert.equal(withInput.charges.length, 1);
      assert.equal(without.charges.length, 1);
      // The input's JSON is at least its 100 characters of payload.
      assert.ok(withInput.charges[0] - without.charges[0] >= 100, `${withInput.charges} vs ${without.charges}`);
    });

    it("stops a list over budget early with RESPONSE_TOO_LARGE", async () => {
      const params = Array.from({ length: BIG_TASKS }, (_, i) => ({ createdOn: T0 + i, input: { blob: "y".repeat(BIG_INPUT_CHARS) } }));
      for (const p of params) await createTask(store.adapter, p);
      // Room for about five rows' inputs.
      const budget = new RecordingBudget(BIG_INPUT_CHARS * 5);
      await assert.rejects(
        store.adapter.taskList({ filters: [], sort: NEWEST_FIRST, limit: BIG_TASKS, fields: ["input"], budget }),
        (error) => isStintError(error, "RESPONSE_TOO_LARGE"),
      );
      // Row by row: the read ended at the row that passed the budget, not after all of them.
      assert.ok(budget.charges.length <= 6, `charged ${budget.charges.length} rows of ${BIG_TASKS}`);

      // The same list without the input fits the same budget: only what is asked for counts.
      const light = new RecordingBudget(BIG_INPUT_CHARS * 5);
      const page = await store.adapter.taskList({ filters: [], sort: NEWEST_FIRST, limit: BIG_TASKS, fields: ["id"], budget: light });
      assert.equal(page.items.length, BIG_TASKS);
    });

    it("stops a getMany over budget with RESPONSE_TOO_LARGE", async () => {
      const ids: string[] = [];
      for (let i = 0; i < BIG_TASKS; i += 1) ids.push((await createTask(store.adapter, { createdOn: T0 + i, input: { blob: "z".repeat(BIG_INPUT_CHARS) } })).id);
      const budget = new RecordingBudget(BIG_INPUT_CHARS * 5);
      await assert.rejects(store.adapter.taskGetMany({ ids, budget }), (error) => isStintError(error, "RESPONSE_TOO_LARGE"));
      assert.ok(budget.charges.length <= 6, `charged ${budget.charges.length} rows of ${BIG_TASKS}`);
      // Within budget every task comes back, in the order asked, fully read.
      const roomy = new RecordingBudget(BIG_INPUT_CHARS * BIG_TASKS * 2);
      const tasks = await store.adapter.taskGetMany({ ids: [...ids].reverse(), budget: roomy });
      assert.deepEqual(tasks.map((t) => t.id), [...ids].reverse());
      assert.equal((tasks[0].input as { blob: string }).blob.length, BIG_INPUT_CHARS);
    });

    it("reads log items only when asked for, and charges them to a budget", async () => {
      const task = await createTask(store.adapter);
      const items = Array.from({ length: BIG_TASKS }, (_, i) => ({ message: `item ${i} ${"m".repeat(BIG_INPUT_CHARS)}`, createdOn: new Date(T0 + i), type: "info" as const }));
      await store.adapter.logAppend({ taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + 10, items });
      const list = (options: { fields?: string[]; budget?: ReadBudget }) =>
        store.adapter.logList({ filters: [{ field: "task", op: "eq", value: task.id }], sort: LOGS_OLDEST_FIRST, limit: 10, ...options });

      const full = await list({});
      assert.equal(full.items[0].items.length, BIG_TASKS);
      const bare = await list({ fields: ["id", "iteration"] });
      assert.equal(bare.items.length, 1);
      assert.deepEqual(bare.items[0].items, []);
      assert.deepEqual({ ...bare.items[0], items: full.items[0].items }, full.items[0]);

      const budget = new RecordingBudget(BIG_INPUT_CHARS * 5);
      await assert.rejects(list({ budget }), (error) => isStintError(error, "RESPONSE_TOO_LARGE"));
      // One charge for the record, then one per item until the budget ran out.
      assert.ok(budget.charges.length <= 7, `charged ${budget.charges.length} times for ${BIG_TASKS} items`);
      const light = new RecordingBudget(BIG_INPUT_CHARS * 5);
      assert.equal((await list({ fields: ["id"], budget: light })).items.length, 1);
    });
  });
}

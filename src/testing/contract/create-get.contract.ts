import assert from "node:assert/strict";
import { isStintError } from "../../domain/errors.js";
import type { ContractSuite } from "./suite.js";
import { claim, createTask, ids, sorted, T0, taskParams, USER, useStore } from "./fixtures.js";

export function createGetContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskCreateMany / taskGet / taskGetMany", () => {
    const store = useStore(suite);

    it("stores a new task as pending with zeroed counters, as the caller described it", async () => {
      const params = taskParams({
        name: "Welcome mail",
        parentId: "parent-1",
        input: { nested: { list: [1, "two", null], flag: true } },
        maxIterations: 7,
        createdOn: T0 + 123,
        runAt: T0 + 5_000,
        eventResponse: { source: "test" },
      });
      const [created] = await store.adapter.taskCreateMany({ tasks: [params] });
      assert.deepEqual(created, {
        id: params.id,
        name: "Welcome mail",
        definitionId: params.definitionId,
        parentId: "parent-1",
        executionName: "",
        iterations: 0,
        input: { nested: { list: [1, "two", null], flag: true } },
        output: null,
        taskStatus: "pending",
        startedOn: null,
        finishedOn: null,
        eventResponse: { source: "test" },
        createdOn: new Date(T0 + 123),
        savedOn: new Date(T0 + 123),
        createdBy: USER,
        progress: null,
        maxIterations: 7,
        runAt: new Date(T0 + 5_000),
        attempt: 0,
        priority: 0,
        idempotencyKey: null,
        concurrencyKey: null,
        triggeredInput: { nested: { list: [1, "two", null], flag: true } },
        rerunOf: null,
      });
      assert.deepEqual(await store.adapter.taskGet({ id: params.id }), created);
    });

    it("makes a new task due at its runAt and not before", async () => {
      const task = await createTask(store.adapter, { runAt: T0 + 1_000 });
      assert.deepEqual(await claim(store.adapter, { now: T0 + 999 }), []);
      assert.deepEqual(ids((await claim(store.adapter, { now: T0 + 1_000 })).map((c) => c.task)), [task.id]);
    });

    it("returns null for an id that was never stored", async () => {
      assert.equal(await store.adapter.taskGet({ id: "no-such-task" }), null);
    });

    it("gets many tasks at once, skipping ids that do not exist", async () => {
      const a = await createTask(store.adapter);
      const b = await createTask(store.adapter);
      await createTask(store.adapter);
      const got = await store.adapter.taskGetMany({ ids: [b.id, "missing", a.id] });
      assert.deepEqual(sorted(ids(got)), sorted([a.id, b.id]));
      assert.deepEqual(await store.adapter.taskGetMany({ ids: [] }), []);
    });

    it("stores a batch in one go and returns every task as stored", async () => {
      const batch = [taskParams({ name: "one" }), taskParams({ name: "two" }), taskParams({ name: "three" })];
      const created = await store.adapter.taskCreateMany({ tasks: batch });
      assert.deepEqual(ids(created), ids(batch));
      assert.deepEqual(created.map((t) => t.name), ["one", "two", "three"]);
      assert.equal((await store.adapter.taskGetMany({ ids: ids(batch) })).length, 3);
    });

    it("returns each task of a batch exactly as it reads back", async () => {
      // PostgreSQL builds a batch's tasks from what it bound rather than reading the rows
      // back: every field must still be what a read gives.
      const batch = [
        taskParams({
          name: "first",
          parentId: "parent-1",
          input: { nested: { list: [1, "two", null, 2.5, 1e21], flag: false }, text: 'quote " backslash \\ é 日本' },
          maxIterations: 3,
          createdOn: T0 + 7,
          runAt: T0 + 60_000,
          eventResponse: { dispatcher: "test", runAt: new Date(T0 + 60_000).toISOString() },
          priority: -4,
          concurrencyKey: "tenant-a",
          idempotencyKey: "key-1",
          traceContext: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        }),
        taskParams({ name: "second", input: {}, createdBy: { id: "u2", type: "user", displayName: "Two" } }),
      ];
      const created = await store.adapter.taskCreateMany({ tasks: batch });
      assert.deepEqual(created, await store.adapter.taskGetMany({ ids: ids(batch) }));
      assert.equal(created[0].taskStatus, "pending");
      assert.deepEqual(created[0].input, batch[0].input);
    });

    it("stores nothing from a batch when one id already exists", async () => {
      const existing = await createTask(store.adapter);
      const fresh = taskParams();
      await assert.rejects(
        store.adapter.taskCreateMany({ tasks: [fresh, taskParams({ id: existing.id, name: "dup" })] }),
        (error) => isStintError(error, "INVALID_ARGUMENT"),
      );
      assert.equal(await store.adapter.taskGet({ id: fresh.id }), null);
      assert.equal((await store.adapter.taskGet({ id: existing.id }))?.name, existing.name);
    });

    it("stores nothing when a batch repeats an id within itself", async () => {
      const first = taskParams();
      await assert.rejects(
        store.adapter.taskCreateMany({ tasks: [first, taskParams(), { ...first, name: "again" }] }),
        (error) => isStintError(error, "INVALID_ARGUMENT"),
      );
      assert.equal(await store.adapter.taskGet({ id: first.id }), null);
    });

    it("keeps millisecond precision of every time", async () => {
      const task = await createTask(store.adapter, { createdOn: T0 + 1, runAt: T0 + 987_654_321 });
      const got = await store.adapter.taskGet({ id: task.id });
      assert.equal(got?.createdOn.getTime(), T0 + 1);
      assert.equal(got?.runAt.getTime(), T0 + 987_654_321);
    });
  });
}

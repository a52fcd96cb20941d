import assert from "node:assert/strict";
import type { TaskCreateOrGetItem } from "../../storage/port/index.js";
import type { ContractSuite } from "./suite.js";
import { claimOne, createTask, DEF, taskParams, T0, useStore } from "./fixtures.js";

export function idempotencyContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskCreateOrGet / taskFindByIdempotencyKey (idempotency keys)", () => {
    const store = useStore(suite);

    const keyed = (key: string, overrides: Partial<TaskCreateOrGetItem> = {}): TaskCreateOrGetItem =>
      taskParams({ idempotencyKey: key, ...overrides });

    it("stores the first task with a key and returns it, not a new one, for the same key", async () => {
      const [first] = await store.adapter.taskCreateOrGet({ tasks: [keyed("order-1", { name: "first" })] });
      assert.equal(first.created, true);
      assert.equal(first.task.idempotencyKey, "order-1");
      const [again] = await store.adapter.taskCreateOrGet({ tasks: [keyed("order-1", { name: "second", createdOn: T0 + 5 })] });
      assert.equal(again.created, false);
      assert.equal(again.task.id, first.task.id);
      assert.equal(again.task.name, "first");
      const list = await store.adapter.taskList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 10 });
      assert.equal(list.totalCount, 1);
    });

    it("keeps keys apart per definition, and stores tasks without a key as usual", async () => {
      const [a, b, c, d] = await store.adapter.taskCreateOrGet({ tasks: [
        keyed("k"),
        keyed("k", { definitionId: "otherTask" }),
        taskParams(),
        taskParams(),
      ] });
      assert.deepEqual([a.created, b.created, c.created, d.created], [true, true, true, true]);
      assert.equal(new Set([a.task.id, b.task.id, c.task.id, d.task.id]).size, 4);
      assert.equal(c.task.idempotencyKey, null);
    });

    it("returns the task a repeated key in one batch stored, once", async () => {
      const results = await store.adapter.taskCreateOrGet({ tasks: [keyed("dup"), keyed("dup"), keyed("dup")] });
      assert.deepEqual(results.map((r) => r.created), [true, false, false]);
      assert.equal(new Set(results.map((r) => r.task.id)).size, 1);
    });

    it("still counts the key of a finished task when no TTL is given", async () => {
      const [first] = await store.adapter.taskCreateOrGet({ tasks: [keyed("done-key")] });
      const held = await claimOne(store.adapter);
      await store.adapter.taskFinishMany({ finishes: [{ id: first.task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success" }] });
      const [again] = await store.adapter.taskCreateOrGet({ tasks: [keyed("done-key", { createdOn: T0 + 10 })] });
      assert.equal(again.created, false);
      assert.equal(again.task.id, first.task.id);
      assert.equal(again.task.taskStatus, "success");
    });

    it("with a TTL, releases the key of a task created before it and stores a new task", async () => {
      const [old] = await store.adapter.taskCreateOrGet({ tasks: [keyed("ttl")] });
      // Created at T0; a trigger at T0 + 60 s with a 30 s TTL: T0 is before T0 + 30 s.
      const [fresh] = await store.adapter.taskCreateOrGet({ tasks: [keyed("ttl", { createdOn: T0 + 60_000, runAt: T0 + 60_000, keyReleaseBefore: T0 + 30_000 })] });
      assert.equal(fresh.created, true);
      assert.notEqual(fresh.task.id, old.task.id);
      assert.equal((await store.adapter.taskGet({ id: old.task.id }))?.idempotencyKey, null, "the old task let the key go");
      assert.equal((await store.adapter.taskGet({ id: fresh.task.id }))?.idempotencyKey, "ttl");
      // Within the TTL of the new holder, the key counts again.
      const [within] = await store.adapter.taskCreateOrGet({ tasks: [keyed("ttl", { createdOn: T0 + 70_000, keyReleaseBefore: T0 + 40_000 })] });
      assert.equal(within.created, false);
      assert.equal(within.task.id, fresh.task.id);
    });

    it("finds the task holding a key, and only one created since the time given", async () => {
      const [stored] = await store.adapter.taskCreateOrGet({ tasks: [keyed("find-me")] });
      assert.equal((await store.adapter.taskFindByIdempotencyKey({ definitionId: DEF, idempotencyKey: "find-me" }))?.id, stored.task.id);
      assert.equal((await store.adapter.taskFindByIdempotencyKey({ definitionId: DEF, idempotencyKey: "find-me", createdSince: T0 }))?.id, stored.task.id);
      assert.equal(await store.adapter.taskFindByIdempotencyKey({ definitionId: DEF, idempotencyKey: "find-me", createdSince: T0 + 1 }), null);
      assert.equal(await store.adapter.taskFindByIdempotencyKey({ definitionId: "otherTask", idempotencyKey: "find-me" }), null);
      assert.equal(await store.adapter.taskFindByIdempotencyKey({ definitionId: DEF, idempotencyKey: "nope" }), null);
    });

    it("taskCreateMany refuses a key already held, storing nothing of the batch", async () => {
      await store.adapter.taskCreateOrGet({ tasks: [keyed("taken")] });
      const other = taskParams();
      await assert.rejects(store.adapter.taskCreateMany({ tasks: [other, keyed("taken")] }), (error: Error & { code?: string }) => {
        assert.equal(error.code, "INVALID_ARGUMENT");
        assert.match(error.message, /idempotencyKey/);
        return true;
      });
      assert.equal(await store.adapter.taskGet({ id: other.id }), null);
    });

    it("stores one task for 50 concurrent creates with one key, over several connections", async () => {
      const adapters = [store.adapter, ...(await store.connections(2))];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => adapters[i % adapters.length].taskCreateOrGet({ tasks: [keyed("race", { createdOn: T0 + i })] })),
      );
      const flat = results.map(([r]) => r);
      assert.equal(flat.filter((r) => r.created).length, 1, "exactly one create stored a task");
      assert.equal(new Set(flat.map((r) => r.task.id)).size, 1, "every caller got that task");
      const list = await store.adapter.taskList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 100 });
      assert.equal(list.totalCount, 1);
    });

    it("stores one task for concurrent creates with one key and a TTL that passes the old holder over", async () => {
      await createTask(store.adapter, { idempotencyKey: "ttl-race" });
      const adapters = [store.adapter, ...(await store.connections(2))];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          adapters[i % adapters.length].taskCreateOrGet({ tasks: [keyed("ttl-race", { createdOn: T0 + 60_000 + i, keyReleaseBefore: T0 + 30_000 })] }),
        ),
      );
      const flat = results.map(([r]) => r);
      assert.equal(flat.filter((r) => r.created).length, 1);
      assert.equal(new Set(flat.map((r) => r.task.id)).size, 1);
      const list = await store.adapter.taskList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 100 });
      assert.equal(list.totalCount, 2, "the old task and one new one");
    });
  });
}

import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { openStorage } from "../../../src/config/database.js";
import type { StorageAdapter, TaskCreateOrGetParams } from "../../../src/storage/port/index.js";
import type { StoreKind } from "../../helpers/stores.js";
import { claimOne, createTask, DEF, taskParams, T0, useStore } from "./fixtures.js";

export function idempotencyContract(kind: StoreKind): void {
  describe("taskCreateOrGet / taskFindByIdempotencyKey (idempotency keys)", () => {
    const store = useStore(kind);
    const extra: StorageAdapter[] = [];
    afterEach(async () => {
      for (const adapter of extra.splice(0)) await adapter.close();
    });

    const keyed = (key: string, overrides: Partial<TaskCreateOrGetParams> = {}): TaskCreateOrGetParams =>
      taskParams({ idempotencyKey: key, ...overrides });

    it("stores the first task with a key and returns it, not a new one, for the same key", async () => {
      const [first] = await store.adapter.taskCreateOrGet([keyed("order-1", { name: "first" })]);
      assert.equal(first.created, true);
      assert.equal(first.task.idempotencyKey, "order-1");
      const [again] = await store.adapter.taskCreateOrGet([keyed("order-1", { name: "second", createdOn: T0 + 5 })]);
      assert.equal(again.created, false);
      assert.equal(again.task.id, first.task.id);
      assert.equal(again.task.name, "first");
      const list = await store.adapter.taskList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 10 });
      assert.equal(list.totalCount, 1);
    });

    it("keeps keys apart per definition, and stores tasks without a key as usual", async () => {
      const [a, b, c, d] = await store.adapter.taskCreateOrGet([
        keyed("k"),
        keyed("k", { definitionId: "otherTask" }),
        taskParams(),
        taskParams(),
      ]);
      assert.deepEqual([a.created, b.created, c.created, d.created], [true, true, true, true]);
      assert.equal(new Set([a.task.id, b.task.id, c.task.id, d.task.id]).size, 4);
      assert.equal(c.task.idempotencyKey, null);
    });

    it("returns the task a repeated key in one batch stored, once", async () => {
      const results = await store.adapter.taskCreateOrGet([keyed("dup"), keyed("dup"), keyed("dup")]);
      assert.deepEqual(results.map((r) => r.created), [true, false, false]);
      assert.equal(new Set(results.map((r) => r.task.id)).size, 1);
    });

    it("still counts the key of a finished task when no TTL is given", async () => {
      const [first] = await store.adapter.taskCreateOrGet([keyed("done-key")]);
      const held = await claimOne(store.adapter);
      await store.adapter.taskFinishMany([{ id: first.task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success" }]);
      const [again] = await store.adapter.taskCreateOrGet([keyed("done-key", { createdOn: T0 + 10 })]);
      assert.equal(again.created, false);
      assert.equal(again.task.id, first.task.id);
      assert.equal(again.task.taskStatus, "success");
    });

    it("with a TTL, releases the key of a task created before it and stores a new task", async () => {
      const [old] = await store.adapter.taskCreateOrGet([keyed("ttl")]);
      // Created at T0; a trigger at T0 + 60 s with a 30 s TTL: T0 is before T0 + 30 s.
      const [fresh] = await store.adapter.taskCreateOrGet([keyed("ttl", { createdOn: T0 + 60_000, runAt: T0 + 60_000, keyReleaseBefore: T0 + 30_000 })]);
      assert.equal(fresh.created, true);
      assert.notEqual(fresh.task.id, old.task.id);
      assert.equal((await store.adapter.taskGet(old.task.id))?.idempotencyKey, null, "the old task let the key go");
      assert.equal((await store.adapter.taskGet(fresh.task.id))?.idempotencyKey, "ttl");
      // Within the TTL of the new holder, the key counts again.
      const [within] = await store.adapter.taskCreateOrGet([keyed("ttl", { createdOn: T0 + 70_000, keyReleaseBefore: T0 + 40_000 })]);
      assert.equal(within.created, false);
      assert.equal(within.task.id, fresh.task.id);
    });

    it("finds the task holding a key, and only one created since the time given", async () => {
      const [stored] = await store.adapter.taskCreateOrGet([keyed("find-me")]);
      assert.equal((await store.adapter.taskFindByIdempotencyKey({ definitionId: DEF, idempotencyKey: "find-me" }))?.id, stored.task.id);
      assert.equal((await store.adapter.taskFindByIdempotencyKey({ definitionId: DEF, idempotencyKey: "find-me", createdSince: T0 }))?.id, stored.task.id);
      assert.equal(await store.adapter.taskFindByIdempotencyKey({ definitionId: DEF, idempotencyKey: "find-me", createdSince: T0 + 1 }), null);
      assert.equal(await store.adapter.taskFindByIdempotencyKey({ definitionId: "otherTask", idempotencyKey: "find-me" }), null);
      assert.equal(await store.adapter.taskFindByIdempotencyKey({ definitionId: DEF, idempotencyKey: "nope" }), null);
    });

    it("taskCreateMany refuses a key already held, storing nothing of the batch", async () => {
      await store.adapter.taskCreateOrGet([keyed("taken")]);
      const other = taskParams();
      await assert.rejects(store.adapter.taskCreateMany([other, keyed("taken")]), (error: Error & { code?: string }) => {
        assert.equal(error.code, "INVALID_ARGUMENT");
        assert.match(error.message, /idempotencyKey/);
        return true;
      });
      assert.equal(await store.adapter.taskGet(other.id), null);
    });

    it("stores one task for 50 concurrent creates with one key, over several connections", async () => {
      for (let i = 0; i < 2; i += 1) extra.push(await openStorage(store.url));
      const adapters = [store.adapter, ...extra];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => adapters[i % adapters.length].taskCreateOrGet([keyed("race", { createdOn: T0 + i })])),
      );
      const flat = results.map(([r]) => r);
      assert.equal(flat.filter((r) => r.created).length, 1, "exactly one create stored a task");
      assert.equal(new Set(flat.map((r) => r.task.id)).size, 1, "every caller got that task");
      const list = await store.adapter.taskList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 100 });
      assert.equal(list.totalCount, 1);
    });

    it("stores one task for concurrent creates with one key and a TTL that passes the old holder over", async () => {
      await createTask(store.adapter, { idempotencyKey: "ttl-race" });
      for (let i = 0; i < 2; i += 1) extra.push(await openStorage(store.url));
      const adapters = [store.adapter, ...extra];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          adapters[i % adapters.length].taskCreateOrGet([keyed("ttl-race", { createdOn: T0 + 60_000 + i, keyReleaseBefore: T0 + 30_000 })]),
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

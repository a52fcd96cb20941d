import { describe, it, after, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";

function invalid(argument: string) {
  return (error: unknown) => {
    assert.ok(isStintError(error), `expected a StintError, got ${String(error)}`);
    assert.equal(error.code, "INVALID_ARGUMENT");
    assert.equal((error.data as { argument: string }).argument, argument);
    return true;
  };
}

describe("concurrency option at definition creation", () => {
  const bad: [string, unknown][] = [
    ["a zero limit", { limit: 0 }],
    ["a fractional limit", { limit: 1.5 }],
    ["a limit given as text", { limit: "2" }],
    ["a missing limit", {}],
    ["a key that is not a function", { limit: 1, key: "tenant" }],
    ["a value that is not an object", 3],
  ];
  for (const [what, concurrency] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => createTaskDefinition({ id: "limited", title: "L", concurrency: concurrency as never, run: ({ response }) => response.done() }),
        (error: unknown) => isStintError(error) && error.code === "TASK_DEFINITION_INVALID" && /concurrency/.test(error.message),
      );
    });
  }

  it("keeps a valid limit and key", () => {
    const definition = createTaskDefinition<{ tenant: string }>({
      id: "limited",
      title: "L",
      concurrency: { limit: 3, key: (input) => input.tenant },
      run: ({ response }) => response.done(),
    });
    assert.equal(definition.concurrency?.limit, 3);
    assert.equal(definition.concurrency?.key?.({ tenant: "acme" }), "acme");
  });
});

for (const kind of await storeKinds()) {
  describe(`flow control at trigger (${kind.name})`, () => {
    let f: StintFixture;
    let hookRuns = 0;
    const hooked = createTaskDefinition<{ n?: number }>({
      id: "hooked",
      title: "Hooked",
      onBeforeTrigger: () => {
        hookRuns += 1;
      },
      run: ({ response }) => response.done(),
    });
    const perTenant = createTaskDefinition<{ tenant?: unknown }>({
      id: "perTenant",
      title: "Per tenant",
      concurrency: {
        limit: 2,
        key: (input) => {
          if (input.tenant === "boom") throw new Error("no tenant");
          return input.tenant as string;
        },
      },
      run: ({ response }) => response.done(),
    });
    const wide = createTaskDefinition({ id: "wide", title: "Wide", concurrency: { limit: 1 }, run: ({ response }) => response.done() });
    before(async () => {
      f = await stintFixture(kind, [hooked, perTenant, wide]);
    });
    after(() => f.close());
    beforeEach(async () => {
      hookRuns = 0;
      for (const task of (await f.stint.tasks.listTasks({ limit: 1000 })).items) await f.stint.tasks.deleteTask(task.id);
    });

    async function count(): Promise<number> {
      return (await f.stint.tasks.listTasks()).meta.totalCount;
    }

    const refusals: [string, string, Record<string, unknown>][] = [
      ["a fractional priority", "priority", { priority: 1.5 }],
      ["a priority given as text", "priority", { priority: "high" }],
      ["a priority out of range", "priority", { priority: 2_000_000 }],
      ["an empty idempotency key", "idempotencyKey", { idempotencyKey: "" }],
      ["an idempotency key over 255 characters", "idempotencyKey", { idempotencyKey: "k".repeat(256) }],
      ["an idempotency key that is not a string", "idempotencyKey", { idempotencyKey: 42 }],
      ["an idempotency key with a NUL", "idempotencyKey", { idempotencyKey: "a\u0000b" }],
      ["a TTL without a key", "idempotencyKeyTtlSeconds", { idempotencyKeyTtlSeconds: 60 }],
      ["a zero TTL", "idempotencyKeyTtlSeconds", { idempotencyKey: "k", idempotencyKeyTtlSeconds: 0 }],
      ["a negative TTL", "idempotencyKeyTtlSeconds", { idempotencyKey: "k", idempotencyKeyTtlSeconds: -5 }],
      ["a TTL that is not a number", "idempotencyKeyTtlSeconds", { idempotencyKey: "k", idempotencyKeyTtlSeconds: "1h" }],
      ["a concurrency key for a definition without a limit", "concurrencyKey", { concurrencyKey: "tenant-a" }],
    ];
    for (const [what, argument, extra] of refusals) {
      it(`refuses ${what}, runs no hook and stores nothing`, async () => {
        await assert.rejects(f.stint.tasks.trigger({ definition: "hooked", ...extra }), invalid(argument));
        assert.equal(hookRuns, 0);
        assert.equal(await count(), 0);
      });
    }

    it("refuses a concurrency key(input) that throws or returns no key, storing nothing", async () => {
      await assert.rejects(f.stint.tasks.trigger({ definition: "perTenant", input: { tenant: "boom" } }), invalid("concurrencyKey"));
      await assert.rejects(f.stint.tasks.trigger({ definition: "perTenant", input: { tenant: 7 } }), invalid("concurrencyKey"));
      await assert.rejects(f.stint.tasks.trigger({ definition: "perTenant", input: { tenant: "" } }), invalid("concurrencyKey"));
      assert.equal(await count(), 0);
    });

    it("refuses a whole triggerMany when one trigger's flow values are bad", async () => {
      await assert.rejects(
        f.stint.tasks.triggerMany([{ definition: "hooked" }, { definition: "hooked", priority: 0.5 }]),
        invalid("priority"),
      );
      assert.equal(await count(), 0);
    });

    it("stores the priority and the concurrency key (computed, or the trigger's own)", async () => {
      const computed = await f.stint.tasks.trigger({ definition: "perTenant", input: { tenant: "acme" }, priority: 7 });
      assert.equal(computed.priority, 7);
      assert.equal(computed.concurrencyKey, "acme");
      const explicit = await f.stint.tasks.trigger({ definition: "perTenant", input: { tenant: "acme" }, concurrencyKey: "vip" });
      assert.equal(explicit.concurrencyKey, "vip");
      assert.equal(explicit.priority, 0);
      const definitionWide = await f.stint.tasks.trigger({ definition: "wide" });
      assert.equal(definitionWide.concurrencyKey, undefined);
      const plain = await f.stint.tasks.trigger({ definition: "hooked" });
      assert.equal(plain.concurrencyKey, undefined);
      assert.equal(plain.idempotencyKey, undefined);
    });

    it("returns the task holding an idempotency key, running onBeforeTrigger once", async () => {
      const first = await f.stint.tasks.trigger({ definition: "hooked", idempotencyKey: "order-7", input: { n: 1 } });
      const second = await f.stint.tasks.trigger({ definition: "hooked", idempotencyKey: "order-7", input: { n: 2 } });
      assert.equal(second.id, first.id);
      assert.deepEqual(second.input, { n: 1 });
      assert.equal(hookRuns, 1);
      assert.equal(await count(), 1);
    });

    it("stores a new task once the holder is older than the trigger's TTL", async () => {
      const first = await f.stint.tasks.trigger({ definition: "hooked", idempotencyKey: "daily", idempotencyKeyTtlSeconds: 60 });
      f.clock.advance(30_000);
      assert.equal((await f.stint.tasks.trigger({ definition: "hooked", idempotencyKey: "daily", idempotencyKeyTtlSeconds: 60 })).id, first.id);
      f.clock.advance(31_000);
      const fresh = await f.stint.tasks.trigger({ definition: "hooked", idempotencyKey: "daily", idempotencyKeyTtlSeconds: 60 });
      assert.notEqual(fresh.id, first.id);
      assert.equal(fresh.idempotencyKey, "daily");
      assert.equal((await f.stint.tasks.getTask(first.id))?.idempotencyKey, undefined, "the old task let the key go");
      assert.equal(hookRuns, 2);
    });

    it("keeps triggerMany's order with keyed, repeated and plain triggers", async () => {
      const held = await f.stint.tasks.trigger({ definition: "hooked", idempotencyKey: "held" });
      const results = await f.stint.tasks.triggerMany([
        { definition: "hooked", name: "plain" },
        { definition: "hooked", idempotencyKey: "held" },
        { definition: "hooked", idempotencyKey: "new", name: "new" },
        { definition: "hooked", idempotencyKey: "new", name: "again" },
      ]);
      assert.equal(results[0].name, "plain");
      assert.equal(results[1].id, held.id);
      assert.equal(results[2].name, "new");
      assert.equal(results[3].id, results[2].id);
      assert.equal(await count(), 3);
    });

    it("stores one task for 50 concurrent triggers with one key", async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => f.stint.tasks.trigger({ definition: "hooked", idempotencyKey: "burst" })));
      assert.equal(new Set(results.map((r) => r.id)).size, 1);
      assert.equal(await count(), 1);
    });

    it("shows a definition's concurrency limit", () => {
      const infos = f.stint.tasks.listDefinitions();
      assert.equal(infos.find((d) => d.id === "perTenant")?.concurrencyLimit, 2);
      assert.equal(infos.find((d) => d.id === "hooked")?.concurrencyLimit, null);
    });
  });
}

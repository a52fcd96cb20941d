/**
 * Schedule rows and ticks (port/schedules.ts). The race case runs its ticks concurrently
 * on the one adapter: PostgreSQL's pool gives each its own connection and transaction;
 * SQLite serializes them on its connection. Races across separate connections and
 * processes are in tests/schedules/ticker.test.ts.
 */
import assert from "node:assert/strict";
import { ErrorCode } from "../../domain/errors.js";
import type { Task } from "../../domain/task.js";
import type { StorageAdapter, ScheduleTickParams, ScheduleWriteParams } from "../../storage/port/index.js";
import type { ContractSuite } from "./suite.js";
import { createTask, DEF, T0, taskParams, useStore } from "./fixtures.js";

const MINUTE = 60_000;

/** Every task of the store, oldest first. */
async function allTasks(adapter: StorageAdapter): Promise<Task[]> {
  const sort = [
    { field: "createdOn", direction: "asc" },
    { field: "id", direction: "asc" },
  ] as const;
  return (await adapter.taskList({ filters: [], sort, limit: 1000 })).items;
}

function scheduleParams(overrides: Partial<ScheduleWriteParams> = {}): ScheduleWriteParams {
  return {
    id: "nightly",
    definitionId: DEF,
    cron: "* * * * *",
    timezone: "UTC",
    input: { to: "everyone" },
    name: null,
    enabled: true,
    overlap: "allow",
    backfillSeconds: 0,
    source: "api",
    nextRunAt: T0 + MINUTE,
    now: T0,
    ...overrides,
  };
}

function tickParams(overrides: Partial<ScheduleTickParams> = {}): ScheduleTickParams {
  return {
    id: "nightly",
    expectedNextRunAt: T0 + MINUTE,
    nextRunAt: T0 + 2 * MINUTE,
    lastRunAt: T0 + MINUTE,
    tasks: [taskParams({ createdOn: T0 + MINUTE, name: "tick" })],
    skipWhileUnfinished: false,
    now: T0 + MINUTE,
    ...overrides,
  };
}

export function schedulesContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("schedules", () => {
    const store = useStore(suite);

    it("stores, reads, lists by source, updates and deletes a schedule", async () => {
      const created = await store.adapter.scheduleCreate(scheduleParams({ name: "Nightly", input: { a: [1, "b"] } }));
      assert.equal(created.id, "nightly");
      assert.deepEqual(created.input, { a: [1, "b"] });
      assert.equal(created.name, "Nightly");
      assert.equal(created.enabled, true);
      assert.deepEqual(created.nextRunAt, new Date(T0 + MINUTE));
      assert.equal(created.lastRunAt, null);
      assert.equal(created.lastTaskId, null);
      assert.deepEqual(created.createdOn, new Date(T0));
      assert.deepEqual(await store.adapter.scheduleGet({ id: "nightly" }), created);
      await store.adapter.scheduleCreate(scheduleParams({ id: "fromConfig", source: "config" }));

      assert.deepEqual((await store.adapter.scheduleList({})).map((s) => s.id), ["fromConfig", "nightly"]);
      assert.deepEqual((await store.adapter.scheduleList({ source: "config" })).map((s) => s.id), ["fromConfig"]);

      const updated = await store.adapter.scheduleUpdate(
        scheduleParams({ cron: "0 * * * *", timezone: "Europe/Paris", overlap: "skip", backfillSeconds: 30, name: null, nextRunAt: T0 + 60 * MINUTE, now: T0 + 5 }),
      );
      assert.equal(updated?.cron, "0 * * * *");
      assert.equal(updated?.timezone, "Europe/Paris");
      assert.equal(updated?.overlap, "skip");
      assert.equal(updated?.backfillSeconds, 30);
      assert.equal(updated?.name, null);
      assert.deepEqual(updated?.nextRunAt, new Date(T0 + 60 * MINUTE));
      assert.deepEqual(updated?.createdOn, new Date(T0));
      assert.deepEqual(updated?.savedOn, new Date(T0 + 5));
      assert.equal(await store.adapter.scheduleUpdate(scheduleParams({ id: "missing" })), null);

      assert.equal(await store.adapter.scheduleDelete({ id: "nightly" }), true);
      assert.equal(await store.adapter.scheduleDelete({ id: "nightly" }), false);
      assert.equal(await store.adapter.scheduleGet({ id: "nightly" }), null);
    });

    it("refuses a second schedule of the same id with SCHEDULE_DUPLICATE, changing nothing", async () => {
      await store.adapter.scheduleCreate(scheduleParams());
      await assert.rejects(store.adapter.scheduleCreate(scheduleParams({ cron: "0 0 * * *" })), { code: ErrorCode.ScheduleDuplicate });
      assert.equal((await store.adapter.scheduleGet({ id: "nightly" }))?.cron, "* * * * *");
    });

    it("lists due enabled schedules of the given definitions, earliest first, and the next due time", async () => {
      await store.adapter.scheduleCreate(scheduleParams({ id: "late", nextRunAt: T0 + 3 * MINUTE }));
      await store.adapter.scheduleCreate(scheduleParams({ id: "early", nextRunAt: T0 + MINUTE }));
      await store.adapter.scheduleCreate(scheduleParams({ id: "other", definitionId: "otherTask", nextRunAt: T0 }));
      await store.adapter.scheduleCreate(scheduleParams({ id: "off", enabled: false, nextRunAt: null }));

      assert.deepEqual(await store.adapter.scheduleListDue({ now: T0 + MINUTE - 1, definitionIds: [DEF], limit: 10 }), []);
      const due = await store.adapter.scheduleListDue({ now: T0 + 3 * MINUTE, definitionIds: [DEF], limit: 10 });
      assert.deepEqual(due.map((s) => s.id), ["early", "late"]);
      assert.deepEqual((await store.adapter.scheduleListDue({ now: T0 + 3 * MINUTE, definitionIds: [DEF], limit: 1 })).map((s) => s.id), ["early"]);
      assert.deepEqual(await store.adapter.scheduleListDue({ now: T0 + 3 * MINUTE, definitionIds: [], limit: 10 }), []);

      assert.equal(await store.adapter.scheduleNextDueAt({ definitionIds: [DEF] }), T0 + MINUTE);
      assert.equal(await store.adapter.scheduleNextDueAt({ definitionIds: [DEF, "otherTask"] }), T0);
      assert.equal(await store.adapter.scheduleNextDueAt({ definitionIds: ["nobody"] }), null);
    });

    it("a tick advances the schedule and creates its task in one step, recording the task", async () => {
      await store.adapter.scheduleCreate(scheduleParams());
      const result = await store.adapter.scheduleTick(tickParams());
      assert.equal(result.outcome, "ticked");
      assert.equal(result.tasks.length, 1);
      assert.equal(result.tasks[0].name, "tick");
      assert.equal(result.tasks[0].taskStatus, "pending");
      const after = await store.adapter.scheduleGet({ id: "nightly" });
      assert.deepEqual(after?.nextRunAt, new Date(T0 + 2 * MINUTE));
      assert.deepEqual(after?.lastRunAt, new Date(T0 + MINUTE));
      assert.equal(after?.lastTaskId, result.tasks[0].id);
      assert.deepEqual((await store.adapter.taskGet({ id: result.tasks[0].id }))?.input, { to: "someone@example.com" });
    });

    it("a tick of a next run that moved (taken by another ticker) is stale and writes nothing", async () => {
      await store.adapter.scheduleCreate(scheduleParams());
      assert.equal((await store.adapter.scheduleTick(tickParams())).outcome, "ticked");
      const again = await store.adapter.scheduleTick(tickParams({ tasks: [taskParams({ createdOn: T0 + MINUTE })] }));
      assert.equal(again.outcome, "stale");
      assert.deepEqual(again.tasks, []);
      assert.equal((await allTasks(store.adapter)).length, 1);
    });

    it("one task per tick when several tickers race for every tick", async () => {
      await store.adapter.scheduleCreate(scheduleParams({ cron: "* * * * * *", nextRunAt: T0 + 1000 }));
      const connections = [store.adapter, store.adapter, store.adapter];
      const TICKS = 10;
      for (let n = 1; n <= TICKS; n++) {
        const at = T0 + n * 1000;
        const results = await Promise.all(
          connections.map((adapter) =>
            adapter.scheduleTick(
              tickParams({ expectedNextRunAt: at, nextRunAt: at + 1000, lastRunAt: at, now: at, tasks: [taskParams({ createdOn: at, name: `tick ${n}` })] }),
            ),
          ),
        );
        assert.equal(results.filter((r) => r.outcome === "ticked").length, 1, `tick ${n}: one winner`);
        assert.equal(results.filter((r) => r.outcome === "stale").length, connections.length - 1);
      }
      const tasks = (await allTasks(store.adapter));
      assert.deepEqual(
        tasks.map((t) => t.name),
        Array.from({ length: TICKS }, (_, i) => `tick ${i + 1}`),
      );
      assert.deepEqual((await store.adapter.scheduleGet({ id: "nightly" }))?.nextRunAt, new Date(T0 + (TICKS + 1) * 1000));
    });

    it("a tick whose task insert fails rolls back whole: the tick stays due, no gap, no duplicate", async () => {
      await store.adapter.scheduleCreate(scheduleParams());
      const existing = await createTask(store.adapter, { createdOn: T0 });
      // A task id already taken: the insert fails inside the tick's transaction (as a crash
      // between the advance and the insert would end it).
      await assert.rejects(store.adapter.scheduleTick(tickParams({ tasks: [taskParams({ id: existing.id, createdOn: T0 + MINUTE })] })));
      const untouched = await store.adapter.scheduleGet({ id: "nightly" });
      assert.deepEqual(untouched?.nextRunAt, new Date(T0 + MINUTE));
      assert.equal(untouched?.lastRunAt, null);
      assert.equal(untouched?.lastTaskId, null);
      assert.equal((await allTasks(store.adapter)).length, 1);

      // The same tick, taken again (by any ticker), creates its task once.
      const retry = await store.adapter.scheduleTick(tickParams());
      assert.equal(retry.outcome, "ticked");
      assert.equal((await store.adapter.scheduleTick(tickParams({ tasks: [taskParams({ createdOn: T0 + MINUTE })] }))).outcome, "stale");
      assert.equal((await allTasks(store.adapter)).length, 2);
    });

    it("overlap skip: no task while the last one is pending or running; the tick still advances", async () => {
      await store.adapter.scheduleCreate(scheduleParams({ overlap: "skip" }));
      const first = await store.adapter.scheduleTick(tickParams({ skipWhileUnfinished: true }));
      assert.equal(first.outcome, "ticked");
      const at = T0 + 2 * MINUTE;
      const second = await store.adapter.scheduleTick(
        tickParams({ expectedNextRunAt: at, nextRunAt: at + MINUTE, lastRunAt: at, now: at, skipWhileUnfinished: true, tasks: [taskParams({ createdOn: at })] }),
      );
      assert.equal(second.outcome, "skipped");
      assert.deepEqual(second.tasks, []);
      const skipped = await store.adapter.scheduleGet({ id: "nightly" });
      assert.deepEqual(skipped?.nextRunAt, new Date(at + MINUTE));
      assert.equal(skipped?.lastTaskId, first.tasks[0].id);

      // Finished (aborted here): the next tick creates again.
      await store.adapter.taskAbort({ id: first.tasks[0].id, now: at, message: "stop", workerId: "test" });
      const third = await store.adapter.scheduleTick(
        tickParams({ expectedNextRunAt: at + MINUTE, nextRunAt: at + 2 * MINUTE, lastRunAt: at + MINUTE, now: at + MINUTE, skipWhileUnfinished: true, tasks: [taskParams({ createdOn: at + MINUTE })] }),
      );
      assert.equal(third.outcome, "ticked");
      assert.equal(third.tasks.length, 1);
    });

    it("overlap allow creates a task although the last one is unfinished", async () => {
      await store.adapter.scheduleCreate(scheduleParams());
      await store.adapter.scheduleTick(tickParams());
      const at = T0 + 2 * MINUTE;
      const second = await store.adapter.scheduleTick(
        tickParams({ expectedNextRunAt: at, nextRunAt: at + MINUTE, lastRunAt: at, now: at, tasks: [taskParams({ createdOn: at })] }),
      );
      assert.equal(second.outcome, "ticked");
    });

    it("a tick of only missed ticks advances without a task and keeps the last run", async () => {
      await store.adapter.scheduleCreate(scheduleParams());
      const at = T0 + 100 * MINUTE;
      const result = await store.adapter.scheduleTick(tickParams({ nextRunAt: at + MINUTE, lastRunAt: null, now: at, tasks: [] }));
      assert.equal(result.outcome, "ticked");
      const after = await store.adapter.scheduleGet({ id: "nightly" });
      assert.deepEqual(after?.nextRunAt, new Date(at + MINUTE));
      assert.equal(after?.lastRunAt, null);
      assert.equal((await allTasks(store.adapter)).length, 0);
    });

    it("a disabled or deleted schedule does not tick", async () => {
      await store.adapter.scheduleCreate(scheduleParams());
      await store.adapter.scheduleUpdate(scheduleParams({ enabled: false, nextRunAt: null }));
      assert.equal((await store.adapter.scheduleTick(tickParams())).outcome, "stale");
      assert.equal(await store.adapter.scheduleNextDueAt({ definitionIds: [DEF] }), null);
      await store.adapter.scheduleDelete({ id: "nightly" });
      assert.equal((await store.adapter.scheduleTick(tickParams())).outcome, "stale");
      assert.equal((await allTasks(store.adapter)).length, 0);
    });

    it("a tick may create several tasks (a backfill) at once, the last one recorded", async () => {
      await store.adapter.scheduleCreate(scheduleParams());
      const at = T0 + 3 * MINUTE;
      const result = await store.adapter.scheduleTick(
        tickParams({ nextRunAt: at + MINUTE, lastRunAt: at, now: at, tasks: [1, 2, 3].map((n) => taskParams({ createdOn: at, name: `tick ${n}` })) }),
      );
      assert.deepEqual(result.tasks.map((t) => t.name), ["tick 1", "tick 2", "tick 3"]);
      assert.equal((await store.adapter.scheduleGet({ id: "nightly" }))?.lastTaskId, result.tasks[2].id);
    });
  });
}

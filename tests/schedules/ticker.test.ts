/**
 * The schedule ticker over real stores, on a manual clock: several tickers (each on its
 * own connection, as worker processes would be) race for every tick; a ticker that dies
 * at a tick leaves it to the others; backfill, overlap and enable/disable as a user sees
 * them through `stint.schedules`.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createStint, type Stint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { openStorage } from "../../src/config/database.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { ScheduleTicker, type ScheduleTickerEventMap } from "../../src/schedules/ticker.js";
import type { StorageAdapter } from "../../src/storage/port/index.js";
import type { TaskRecord } from "../../src/domain/task-record.js";
import { storeKinds, type TestStore } from "../helpers/stores.js";

const T = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

const report = createTaskDefinition<{ kind?: string }>({
  id: "report",
  title: "Report",
  run: ({ response }) => response.done(),
});

type TickEvent = ScheduleTickerEventMap["schedule:tick"][0];

/** Resolves with the first tick event of any of `tickers` that `match` accepts. */
function nextTick(tickers: readonly ScheduleTicker[], match: (event: TickEvent) => boolean): Promise<TickEvent> {
  return new Promise((resolve) => {
    const listeners = tickers.map((ticker) => {
      const listener = (event: TickEvent) => {
        if (!match(event)) return;
        tickers.forEach((t, i) => t.events.off("schedule:tick", listeners[i]));
        resolve(event);
      };
      ticker.events.on("schedule:tick", listener);
      return listener;
    });
  });
}

async function scheduledTasks(stint: Stint, scheduleId: string): Promise<TaskRecord[]> {
  const page = await stint.tasks.listTasks({ where: { createdBy: `schedule:${scheduleId}` }, sort: ["createdOn_ASC"], limit: 1000 });
  return page.items;
}

function scheduledFor(task: TaskRecord): string {
  return (task.eventResponse as { scheduledFor: string }).scheduledFor;
}

for (const kind of await storeKinds()) {
  describe(`schedule ticker (${kind.name})`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    async function setup(): Promise<{ store: TestStore; stint: Stint; clock: ManualClock; connect(): Promise<StorageAdapter> }> {
      const store = await kind.create();
      const clock = new ManualClock(T);
      const stint = await createStint({ storage: store.adapter, definitions: [report], clock, useEnv: false });
      const extra: StorageAdapter[] = [];
      cleanups.push(async () => {
        await stint.close();
        await Promise.all(extra.map((a) => a.close()));
        await store.cleanup();
      });
      return {
        store,
        stint,
        clock,
        async connect() {
          const adapter = await openStorage(store.url);
          extra.push(adapter);
          return adapter;
        },
      };
    }

    it("three tickers on three connections: one task per tick, no gap, no duplicate, one of them dying at a tick", async () => {
      const { stint, clock, connect } = await setup();
      await stint.schedules.create({ id: "every2s", definition: "report", cron: "*/2 * * * * *" });
      const adapters = [await connect(), await connect(), await connect()];
      // The third is killed at the fourth tick, inside its tick: its transaction never
      // commits (as a process killed mid-tick leaves it rolled back) and it never ticks again.
      const KILLED_AT = T + 8000;
      let killed = false;
      const dying: StorageAdapter = Object.create(adapters[2], {
        scheduleTick: {
          value: async (params: Parameters<StorageAdapter["scheduleTick"]>[0]) => {
            if (killed || params.expectedNextRunAt === KILLED_AT) {
              killed = true;
              throw new Error("killed mid-tick");
            }
            return adapters[2].scheduleTick(params);
          },
        },
      });
      const start = (storage: StorageAdapter) => {
        const ticker = new ScheduleTicker({ storage, definitions: stint.definitions, clock });
        ticker.start();
        return ticker;
      };
      const dyingTicker = start(dying);
      let tickers = [start(adapters[0]), start(adapters[1]), dyingTicker];
      const TICKS = 10;
      for (let n = 1; n <= TICKS; n++) {
        const at = T + 2000 * n;
        if (at === KILLED_AT) {
          // The dying one alone takes this tick (the others are down), so it surely
          // dies inside it; then the others come back and must still create it.
          await Promise.all(tickers.slice(0, 2).map((t) => t.stop()));
          const died = new Promise((resolve) => dyingTicker.events.once("schedule:error", resolve));
          clock.set(at);
          await died;
          assert.equal((await scheduledTasks(stint, "every2s")).length, n - 1, "the killed tick created nothing");
          tickers = [start(adapters[0]), start(adapters[1]), dyingTicker];
          await nextTick(tickers, (e) => e.outcome === "ticked" && e.scheduledFor.includes(at));
          continue;
        }
        const ticked = nextTick(tickers, (e) => e.outcome === "ticked" && e.scheduledFor.includes(at));
        clock.set(at);
        await ticked;
      }
      await Promise.all(tickers.map((t) => t.stop()));
      const tasks = await scheduledTasks(stint, "every2s");
      assert.deepEqual(
        tasks.map(scheduledFor),
        Array.from({ length: TICKS }, (_, i) => new Date(T + 2000 * (i + 1)).toISOString()),
      );
      assert.equal(killed, true);
      const schedule = await stint.schedules.get("every2s");
      assert.equal(schedule?.nextRunAt, new Date(T + 2000 * (TICKS + 1)).toISOString());
      assert.equal(schedule?.lastTaskId, tasks.at(-1)?.id);
    });

    it("a started worker ticks its schedules and runs their tasks; stopping it stops ticking", async () => {
      const { stint, clock } = await setup();
      await stint.schedules.create({ id: "minutely", definition: "report", cron: "* * * * *", input: { kind: "daily" }, name: "Minutely report" });
      const worker = await stint.startWorker();
      const done = new Promise<string>((resolve) => worker.events.on("task:done", (event) => resolve(event.task.id)));
      clock.set(T + MINUTE);
      const id = await done;
      const task = await stint.tasks.getTask(id);
      assert.equal(task?.name, "Minutely report");
      assert.deepEqual(task?.input, { kind: "daily" });
      assert.equal(task?.createdBy.id, "schedule:minutely");
      assert.equal(task?.taskStatus, "success");
      await worker.stop();
      clock.set(T + 2 * MINUTE);
      assert.equal((await scheduledTasks(stint, "minutely")).length, 1);
    });

    it("ticks missed while no ticker ran: none without backfill, exactly those in the window with it", async () => {
      const { stint, clock, connect } = await setup();
      await stint.schedules.create({ id: "plain", definition: "report", cron: "* * * * *" });
      await stint.schedules.create({ id: "backfilled", definition: "report", cron: "* * * * *", backfillSeconds: 180 });
      // Ten minutes and a half with no ticker.
      clock.set(T + 10 * MINUTE + 30_000);
      const ticker = new ScheduleTicker({ storage: await connect(), definitions: stint.definitions, clock });
      const plain = nextTick([ticker], (e) => e.scheduleId === "plain");
      const backfilled = nextTick([ticker], (e) => e.scheduleId === "backfilled");
      ticker.start();
      assert.deepEqual((await plain).tasks, []);
      assert.equal((await backfilled).tasks.length, 3);
      await ticker.stop();
      assert.deepEqual(await scheduledTasks(stint, "plain"), []);
      assert.deepEqual(
        (await scheduledTasks(stint, "backfilled")).map(scheduledFor),
        [8, 9, 10].map((m) => new Date(T + m * MINUTE).toISOString()),
      );
      for (const id of ["plain", "backfilled"]) assert.equal((await stint.schedules.get(id))?.nextRunAt, new Date(T + 11 * MINUTE).toISOString());
    });

    it("overlap skip: no new task while the previous one is unfinished", async () => {
      const { stint, clock, connect } = await setup();
      await stint.schedules.create({ id: "single", definition: "report", cron: "* * * * *", overlap: "skip" });
      const ticker = new ScheduleTicker({ storage: await connect(), definitions: stint.definitions, clock });
      ticker.start();
      let tick = nextTick([ticker], (e) => e.scheduleId === "single");
      clock.set(T + MINUTE);
      assert.equal((await tick).outcome, "ticked");
      // Nobody runs it: still pending at the next tick.
      tick = nextTick([ticker], (e) => e.scheduleId === "single");
      clock.set(T + 2 * MINUTE);
      assert.equal((await tick).outcome, "skipped");
      const [first] = await scheduledTasks(stint, "single");
      await stint.tasks.abort({ id: first.id });
      tick = nextTick([ticker], (e) => e.scheduleId === "single");
      clock.set(T + 3 * MINUTE);
      assert.equal((await tick).outcome, "ticked");
      await ticker.stop();
      assert.equal((await scheduledTasks(stint, "single")).length, 2);
    });

    it("disable stops the ticks; enable starts again from the next tick after now; delete ends them", async () => {
      const { stint, clock, connect } = await setup();
      await stint.schedules.create({ id: "toggled", definition: "report", cron: "* * * * *" });
      const ticker = new ScheduleTicker({ storage: await connect(), definitions: stint.definitions, clock });
      ticker.start();
      const disabled = await stint.schedules.update("toggled", { enabled: false });
      assert.equal(disabled.nextRunAt, null);
      clock.set(T + 5 * MINUTE + 1);
      const enabled = await stint.schedules.update("toggled", { enabled: true });
      assert.equal(enabled.nextRunAt, new Date(T + 6 * MINUTE).toISOString());
      const tick = nextTick([ticker], (e) => e.scheduleId === "toggled");
      clock.set(T + 6 * MINUTE);
      assert.equal((await tick).tasks.length, 1);
      await stint.schedules.delete("toggled");
      clock.set(T + 7 * MINUTE);
      await ticker.stop();
      assert.deepEqual((await scheduledTasks(stint, "toggled")).map(scheduledFor), [new Date(T + 6 * MINUTE).toISOString()]);
    });
  });
}

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileCron } from "../../src/schedules/cron.js";
import { LATE_TOLERANCE_MS, MAX_TICKS_PER_TICK, planTick } from "../../src/schedules/plan-tick.js";

const T = Date.UTC(2026, 0, 1); // a whole minute
const MINUTE = 60_000;
const everyMinute = compileCron("* * * * *");

describe("planTick", () => {
  it("creates the tick that is due now and moves to the next one", () => {
    assert.deepEqual(planTick(everyMinute, { nextRunAt: T, backfillSeconds: 0, overlap: "allow" }, T), { ticks: [T], lastRunAt: T, nextRunAt: T + MINUTE });
  });

  it("still creates a tick a little late (within the tolerance)", () => {
    const now = T + LATE_TOLERANCE_MS;
    assert.deepEqual(planTick(everyMinute, { nextRunAt: T, backfillSeconds: 0, overlap: "allow" }, now).ticks, [T]);
  });

  it("creates every tick a slow worker passed within the tolerance, each once: no gap", () => {
    const every2s = compileCron("*/2 * * * * *");
    const plan = planTick(every2s, { nextRunAt: T, backfillSeconds: 0, overlap: "allow" }, T + 5_000);
    assert.deepEqual(plan.ticks, [T, T + 2_000, T + 4_000]);
    assert.equal(plan.nextRunAt, T + 6_000);
    // Older than the tolerance: missed (no worker ran), only the ones inside it are made.
    const late = planTick(every2s, { nextRunAt: T, backfillSeconds: 0, overlap: "allow" }, T + LATE_TOLERANCE_MS + 3_000);
    assert.deepEqual(late.ticks, [T + 4_000, T + 6_000, T + 8_000, T + 10_000, T + 12_000, T + 14_000, T + 16_000, T + 18_000]);
    // overlap skip: the latest only.
    assert.deepEqual(planTick(every2s, { nextRunAt: T, backfillSeconds: 0, overlap: "skip" }, T + 5_000).ticks, [T + 4_000]);
  });

  it("creates no task for ticks missed while no worker ran, without backfill", () => {
    const now = T + 10 * MINUTE + LATE_TOLERANCE_MS + 1;
    const plan = planTick(everyMinute, { nextRunAt: T, backfillSeconds: 0, overlap: "allow" }, now);
    assert.deepEqual(plan.ticks, []);
    assert.equal(plan.nextRunAt, T + 11 * MINUTE);
  });

  it("with backfill creates each missed tick inside the window, once, oldest first", () => {
    const now = T + 10 * MINUTE + 30_000;
    const plan = planTick(everyMinute, { nextRunAt: T, backfillSeconds: 180, overlap: "allow" }, now);
    // The window is [now - 180 s, now]: ticks at 8, 9 and 10 minutes.
    assert.deepEqual(plan.ticks, [T + 8 * MINUTE, T + 9 * MINUTE, T + 10 * MINUTE]);
    assert.equal(plan.lastRunAt, T + 10 * MINUTE);
    assert.equal(plan.nextRunAt, T + 11 * MINUTE);
  });

  it("backfills in batches: the rest stays due for the next transaction", () => {
    const everySecond = compileCron("* * * * * *");
    const now = T + 150_000;
    const first = planTick(everySecond, { nextRunAt: T + 1000, backfillSeconds: 3600, overlap: "allow" }, now);
    assert.equal(first.ticks.length, MAX_TICKS_PER_TICK);
    assert.equal(first.ticks[0], T + 1000);
    assert.equal(first.nextRunAt, T + 101_000);
    const second = planTick(everySecond, { nextRunAt: first.nextRunAt!, backfillSeconds: 3600, overlap: "allow" }, now);
    assert.equal(second.ticks.length, 50);
    assert.equal(second.ticks.at(-1), now);
    assert.equal(second.nextRunAt, now + 1000);
  });

  it("overlap skip creates at most the latest tick", () => {
    const now = T + 3 * MINUTE;
    assert.deepEqual(planTick(everyMinute, { nextRunAt: T, backfillSeconds: 600, overlap: "skip" }, now).ticks, [now]);
  });

  it("reads the cron in its timezone", () => {
    const paris = compileCron("0 9 * * *", "Europe/Paris");
    // 09:00 in Paris in January is 08:00 UTC.
    assert.equal(paris.next(T), Date.UTC(2026, 0, 1, 8));
  });
});

/**
 * Which ticks of a due schedule get a task, and where its next tick is: pure, so the
 * rules are tested without a store.
 *
 * - Every tick up to {@link LATE_TOLERANCE_MS} (15 s) old still runs, each once (a worker
 *   restarting over a tick, a busy event loop, a ticker that slept a little long): a
 *   schedule every 2 s handled 5 s late gets its two passed ticks, so a slow worker leaves
 *   no gap. Older ticks were missed while no worker ran, and get no task...
 * - ...unless `backfillSeconds` is set: then every tick inside that window gets one,
 *   oldest first, at most {@link MAX_TICKS_PER_TICK} per transaction. When more remain,
 *   the next tick stays due and the ticker goes on at once, so each is created once.
 * - `overlap: "skip"` creates at most the latest of them: backfilled ticks would
 *   otherwise overlap each other.
 *
 * croner computes forwards only, about 0.7 ms a time in a timezone; enumeration starts at
 * the window's edge, never at a next tick long past.
 */
import type { CronTimes } from "./cron.js";

/** How late a tick may be handled and still count as on time (not missed). */
export const LATE_TOLERANCE_MS = 15_000;
/** The most ticks one transaction creates (backfill catches up in several). */
export const MAX_TICKS_PER_TICK = 100;
/** The largest `backfillSeconds` accepted: 7 days. */
export const MAX_BACKFILL_SECONDS = 7 * 24 * 3600;

export interface TickPlan {
  /** The ticks that get a task, oldest first. */
  ticks: number[];
  /** The latest tick handled (null: every passed tick was missed and none is known). */
  lastRunAt: number | null;
  /** The schedule's next tick (may be ≤ now while a backfill catches up); null: never again. */
  nextRunAt: number | null;
}

export function planTick(
  times: CronTimes,
  schedule: { nextRunAt: number; backfillSeconds: number; overlap: "allow" | "skip" },
  now: number,
): TickPlan {
  const windowMs = Math.max(schedule.backfillSeconds * 1000, LATE_TOLERANCE_MS);
  const start = Math.max(schedule.nextRunAt, now - windowMs);
  // The first tick at or after `start`: croner's next() is strictly after its argument.
  let tick: number | null = start === schedule.nextRunAt ? schedule.nextRunAt : times.next(start - 1);
  const passed: number[] = [];
  while (tick !== null && tick <= now && passed.length < MAX_TICKS_PER_TICK) {
    passed.push(tick);
    tick = times.next(tick);
  }
  const nextRunAt = tick;
  const lastRunAt = passed.length > 0 ? passed[passed.length - 1] : null;
  // `start` is inside the window (the backfill, or at least the late tolerance), so every
  // passed tick gets a task; when the cap stopped the walk, the rest come in the next call.
  let ticks = passed;
  if (schedule.overlap === "skip" && ticks.length > 1) ticks = ticks.slice(-1);
  return { ticks, lastRunAt, nextRunAt };
}

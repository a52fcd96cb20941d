/**
 * Cron expressions, through `croner` (Stint parses none itself): five fields, or six with
 * seconds first (`*／2 * * * * *`), and croner's nicknames (`@daily`), evaluated in an
 * IANA timezone (default UTC). Times in and out are epoch milliseconds.
 */
import { Cron } from "croner";
import { Errors, describeValue } from "../domain/errors.js";

/** The timezone of a schedule that names none. */
export const DEFAULT_TIMEZONE = "UTC";

/** A checked cron expression in its timezone. */
export interface CronTimes {
  readonly cron: string;
  readonly timezone: string;
  /** The first tick strictly after `after`, or null when there is none (never again). */
  next(after: number): number | null;
  /** The next `count` ticks strictly after `after`. */
  nextRuns(after: number, count: number): number[];
}

/**
 * Checks `cron` and `timezone` and returns their tick times; a bad one is refused with
 * SCHEDULE_INVALID naming the field. croner checks a timezone only when it first computes
 * a time, so one time is computed here: nothing is stored for a zone that cannot be used.
 */
export function compileCron(cron: unknown, timezone: unknown = DEFAULT_TIMEZONE): CronTimes {
  if (typeof cron !== "string" || cron.trim() === "") throw Errors.scheduleInvalid("cron", "expected a cron expression such as \"0 * * * *\"");
  const zone = timezone ?? DEFAULT_TIMEZONE;
  if (typeof zone !== "string" || zone === "" || !isTimeZone(zone)) {
    throw Errors.scheduleInvalid("timezone", `"${describeValue(zone)}" is not an IANA timezone (e.g. "Europe/Paris", "UTC")`);
  }
  let job: Cron;
  try {
    // paused + no function: croner only computes times, it never starts a timer.
    job = new Cron(cron.trim(), { paused: true, timezone: zone });
  } catch (error) {
    throw Errors.scheduleInvalid("cron", `"${describeValue(cron)}" is not a cron expression (${(error as Error).message})`);
  }
  const next = (after: number): number | null => job.nextRun(new Date(after))?.getTime() ?? null;
  if (next(Date.now()) === null) throw Errors.scheduleInvalid("cron", `"${describeValue(cron)}" never runs`);
  return {
    cron: cron.trim(),
    timezone: zone,
    next,
    nextRuns(after, count) {
      const times: number[] = [];
      for (let at = after; times.length < count; ) {
        const tick = next(at);
        if (tick === null) break;
        times.push(tick);
        at = tick;
      }
      return times;
    },
  };
}

/** True when the runtime's Intl knows `zone` (the same database croner uses). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

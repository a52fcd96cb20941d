/**
 * A schedule: a definition triggered on a cron expression. The stored form keeps the
 * tick state too (`nextRunAt`, `lastRunAt`, `lastTaskId`), which the ticker advances.
 */
import type { TaskInput } from "./task.js";

/** What a tick does while the schedule's previous task is unfinished: `allow` (default) creates one anyway, `skip` creates none (the tick still passes). */
export type ScheduleOverlap = "allow" | "skip";

/** Where a schedule came from: the config's `schedules` (synced at each start) or the API (`stint.schedules.create`). */
export type ScheduleSource = "config" | "api";

/** A stored schedule. */
export interface Schedule {
  id: string;
  definitionId: string;
  /** Five fields, or six with seconds first. */
  cron: string;
  /** IANA timezone the cron is read in. */
  timezone: string;
  /** The input of every task it creates. */
  input: TaskInput;
  /** The name of the tasks it creates; null: the definition's title. */
  name: string | null;
  enabled: boolean;
  overlap: ScheduleOverlap;
  /** Missed ticks at most this old are still created (0: none). */
  backfillSeconds: number;
  source: ScheduleSource;
  /** The next tick due; null while disabled. */
  nextRunAt: Date | null;
  /** The last tick that was handled (a task created, or skipped). */
  lastRunAt: Date | null;
  /** The id of the last task it created. */
  lastTaskId: string | null;
  createdOn: Date;
  savedOn: Date;
}

/** The identity id of the tasks a schedule creates (`createdBy.id`): lists filter on it. */
export function scheduleIdentityId(scheduleId: string): string {
  return `schedule:${scheduleId}`;
}

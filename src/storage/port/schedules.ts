/**
 * The schedule operations of the storage port. A schedule row holds its declaration and
 * its tick state; `scheduleTick` is the one operation that makes ticks exactly-once: it
 * advances `next_run_at` only from the value the caller read (compare-and-set) and
 * inserts the tick's tasks in the same transaction. Any number of tickers may race for a
 * tick: one wins, the others see `stale`. A tick that fails (crash, store error) rolls
 * back whole: the tick stays due, nothing was created.
 */
import type { Schedule, ScheduleOverlap, ScheduleSource } from "../../domain/schedule.js";
import type { Task, TaskInput } from "../../domain/task.js";
import type { TaskCreateParams } from "./types.js";

/** Every stored field of a schedule the service decides (create and update replace them all). */
export interface ScheduleWriteParams {
  id: string;
  definitionId: string;
  cron: string;
  timezone: string;
  input: TaskInput;
  name: string | null;
  enabled: boolean;
  overlap: ScheduleOverlap;
  backfillSeconds: number;
  source: ScheduleSource;
  /** The next tick (null when disabled), computed by the service from the cron. */
  nextRunAt: number | null;
  now: number;
}

export interface ScheduleIdParams {
  id: string;
}

export interface ScheduleListParams {
  /** Only schedules from this source. */
  source?: ScheduleSource;
}

export interface ScheduleListDueParams {
  now: number;
  /** Only schedules of these definitions (the ones the ticking worker can run). */
  definitionIds: readonly string[];
  limit: number;
}

export interface ScheduleNextDueParams {
  definitionIds: readonly string[];
}

export interface ScheduleTickParams {
  id: string;
  /** The `nextRunAt` the ticker read: the tick happens only if it is still the stored one. */
  expectedNextRunAt: number;
  /** The schedule's next tick after this one (null: the cron never runs again). */
  nextRunAt: number | null;
  /** The last tick handled (stored as `lastRunAt`); null keeps the stored one (only missed ticks passed). */
  lastRunAt: number | null;
  /** The tasks of this tick (none for a tick that was missed). */
  tasks: readonly TaskCreateParams[];
  /** `overlap: "skip"`: create no task while the last one is pending or running. */
  skipWhileUnfinished: boolean;
  now: number;
}

export interface ScheduleTickResult {
  /**
   * `ticked`: the tick advanced and `tasks` were created; `skipped`: it advanced, no task
   * (the previous one is unfinished); `stale`: another ticker (or an update) moved the
   * schedule first, or it was disabled or deleted: nothing was written.
   */
  outcome: "ticked" | "skipped" | "stale";
  tasks: Task[];
}

/** Schedule operations every adapter implements (the contract suite's schedules part says what each guarantees). */
export interface ScheduleStorage {
  /** Stores a new schedule; SCHEDULE_DUPLICATE when the id is taken. */
  scheduleCreate(params: ScheduleWriteParams): Promise<Schedule>;
  /** Replaces a schedule's declaration and next tick (its last tick and task stay); null when it does not exist. */
  scheduleUpdate(params: ScheduleWriteParams): Promise<Schedule | null>;
  /** The schedule, or null. */
  scheduleGet(params: ScheduleIdParams): Promise<Schedule | null>;
  /** Every schedule (of `source` when given), by id. */
  scheduleList(params: ScheduleListParams): Promise<Schedule[]>;
  /** False when it did not exist. Its tasks stay. */
  scheduleDelete(params: ScheduleIdParams): Promise<boolean>;
  /** Enabled schedules due at `now`, earliest due first. */
  scheduleListDue(params: ScheduleListDueParams): Promise<Schedule[]>;
  /** The earliest next tick of the enabled schedules of these definitions, or null. */
  scheduleNextDueAt(params: ScheduleNextDueParams): Promise<number | null>;
  /** One tick, all or nothing (see the file header). */
  scheduleTick(params: ScheduleTickParams): Promise<ScheduleTickResult>;
}

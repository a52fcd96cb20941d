/**
 * The ScheduleService contract (`stint.schedules`): schedules declared in the config or
 * managed at run time. Arguments arrive untrusted (GraphQL, CLI, user code); a bad one is
 * refused with a StintError and nothing is stored.
 */
import type { ScheduleOverlap, ScheduleSource } from "../domain/schedule.js";
import type { TaskInput } from "../domain/task.js";

/** A schedule as declared: in the config's `schedules`, or given to `stint.schedules.create`. */
export interface ScheduleDeclaration {
  /** Unique; letters, digits, `_` and `-`, at most 64. */
  id: string;
  /** The id of a registered definition. */
  definition: string;
  /** Five fields (`0 3 * * *`), or six with seconds first (`*\/10 * * * * *`). */
  cron: string;
  /**
   * IANA timezone the cron is read in.
   * @defaultValue "UTC"
   */
  timezone?: string;
  /**
   * The input of every task it creates (checked against the definition's schema now).
   * @defaultValue {}
   */
  input?: TaskInput;
  /**
   * The name of the tasks it creates.
   * @defaultValue the definition's title
   */
  name?: string;
  /**
   * A disabled schedule keeps its declaration and creates nothing.
   * @defaultValue true
   */
  enabled?: boolean;
  /**
   * `skip`: no task while the previous one is pending or running (the tick passes).
   * @defaultValue "allow"
   */
  overlap?: ScheduleOverlap;
  /**
   * Ticks missed while no worker ran, up to this many seconds old, are still created
   * (at most 7 days). 0: a missed tick is skipped (a tick up to 15 s late still runs).
   * @defaultValue 0
   */
  backfillSeconds?: number;
}

/** What `update` may change: any field of the declaration but its id. */
export type ScheduleChanges = Partial<Omit<ScheduleDeclaration, "id">>;

/** A schedule as the service returns it: dates as ISO strings. */
export interface ScheduleRecord {
  id: string;
  definitionId: string;
  cron: string;
  timezone: string;
  input: TaskInput;
  /** The name of the tasks it creates (null: the definition's title). */
  name: string | null;
  enabled: boolean;
  overlap: ScheduleOverlap;
  backfillSeconds: number;
  /** `config`: from the config file, synced at each start; `api`: made at run time. */
  source: ScheduleSource;
  /** The next tick (null while disabled). */
  nextRunAt: string | null;
  /** The last tick handled. */
  lastRunAt: string | null;
  /** The last task it created (its tasks are also listed with `where: { createdBy: "schedule:<id>" }`). */
  lastTaskId: string | null;
  createdOn: string;
  savedOn: string;
}

/** Schedules at run time: `stint.schedules`. Changes reach every worker's ticker (in this process at once; others at their next check, or at once on PostgreSQL). */
export interface ScheduleService {
  /** Every schedule, by id. */
  list(): Promise<ScheduleRecord[]>;
  /** The schedule, or null. */
  get(id: string): Promise<ScheduleRecord | null>;
  /** Stores a new schedule (source `api`); SCHEDULE_DUPLICATE when the id is taken. */
  create(declaration: ScheduleDeclaration): Promise<ScheduleRecord>;
  /** Changes some fields; a new cron, timezone or re-enable recomputes the next tick from now. SCHEDULE_NOT_FOUND when absent. */
  update(id: string, changes: ScheduleChanges): Promise<ScheduleRecord>;
  /** Deletes it (its tasks stay); SCHEDULE_NOT_FOUND when absent. */
  delete(id: string): Promise<boolean>;
  /** The next `count` ticks (1..100) of a schedule, from its next due tick (ISO strings; empty while disabled). */
  nextRuns(schedule: ScheduleRecord, count?: number): string[];
}

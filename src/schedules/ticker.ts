/**
 * The schedule ticker: a worker's collaborator (started and stopped with it, through
 * its lifecycle events) that creates the tasks of due schedules. It sleeps until the
 * earliest next tick of the schedules it can run (its worker's definitions), and wakes
 * sooner when a schedule changes in this process (WorkerSignals), when another process
 * says so (PostgreSQL NOTIFY), or after {@link RECHECK_MS} at most (SQLite has no
 * cross-process signal).
 *
 * Exactly once: every ticker of every process may try the same tick; `scheduleTick` is
 * a compare-and-set on the `nextRunAt` read, in the transaction that inserts the tasks,
 * so one wins and the rest see `stale`. A ticker that dies mid-tick leaves the
 * transaction rolled back: the tick stays due and the next ticker takes it.
 */
import { EventEmitter } from "node:events";
import type { Clock } from "../domain/clock.js";
import { newId } from "../domain/ids.js";
import { scheduleIdentityId, type Schedule } from "../domain/schedule.js";
import type { Task } from "../domain/task.js";
import type { DefinitionRegistry } from "../definition/registry.js";
import type { StorageAdapter, TaskCreateParams } from "../storage/port/index.js";
import { concurrencyKeyOf } from "../service/trigger-values.js";
import type { WorkerSignals } from "../worker/signals.js";
import { compileCron } from "./cron.js";
import { planTick } from "./plan-tick.js";

/** The longest a ticker sleeps before it re-reads the next due tick. */
export const RECHECK_MS = 5_000;
/** Due schedules read per round. */
const DUE_BATCH = 50;
/** The pause after a failed round (store away). */
const ERROR_PAUSE_MS = 1_000;

/** What a ticker reports: each tick it handled (`stale` ones, lost to another ticker, too), and errors it carried on after. */
export interface ScheduleTickerEventMap {
  "schedule:tick": [{ scheduleId: string; outcome: "ticked" | "skipped" | "stale"; tasks: Task[]; scheduledFor: number[] }];
  "schedule:error": [{ scheduleId: string | null; error: unknown }];
}

export interface ScheduleTickerDependencies {
  storage: StorageAdapter;
  definitions: DefinitionRegistry;
  clock: Clock;
  signals?: WorkerSignals;
}

/** Creates the tasks of due schedules for one worker (see the file header); `createStint` starts one with each worker. */
export class ScheduleTicker {
  readonly events = new EventEmitter<ScheduleTickerEventMap>();
  private loopPromise: Promise<void> | undefined;
  private stopped = false;
  private sleeping: AbortController | undefined;
  /** A wake-up that came while a round ran: the next sleep ends at once. */
  private woken = false;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(private readonly deps: ScheduleTickerDependencies) {}

  /** Starts ticking (again a no-op once started or stopped). */
  start(): void {
    if (this.loopPromise || this.stopped) return;
    const wake = () => this.wake();
    this.deps.signals?.on("schedules-changed", wake);
    this.unsubscribers.push(() => this.deps.signals?.off("schedules-changed", wake));
    this.unsubscribers.push(
      this.deps.storage.subscribe((event) => {
        if (event.type === "schedules-changed" || event.type === "listening") wake();
      }),
    );
    this.loopPromise = this.loop();
  }

  /** Re-reads the due schedules now. */
  wake(): void {
    this.woken = true;
    this.sleeping?.abort();
  }

  /** Ends the loop after the round in flight (a tick is one transaction: it commits or not). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.sleeping?.abort();
    await this.loopPromise;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let pause: number;
      try {
        this.woken = false;
        await this.tickDue();
        const next = await this.deps.storage.scheduleNextDueAt({ definitionIds: this.deps.definitions.ids() });
        pause = next === null ? RECHECK_MS : Math.min(RECHECK_MS, next - this.deps.clock.now());
      } catch (error) {
        this.report(null, error);
        pause = ERROR_PAUSE_MS;
      }
      if (this.stopped || this.woken || pause <= 0) continue;
      this.sleeping = new AbortController();
      await this.deps.clock.sleep(pause, this.sleeping.signal);
      this.sleeping = undefined;
    }
  }

  /** Ticks every due schedule, until none is due (a backfill may take several rounds). */
  private async tickDue(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const now = this.deps.clock.now();
      const due = await this.deps.storage.scheduleListDue({ now, definitionIds: this.deps.definitions.ids(), limit: DUE_BATCH });
      if (due.length === 0) return;
      let progressed = false;
      for (const schedule of due) {
        if (this.stopped) return;
        try {
          if (await this.tick(schedule, now)) progressed = true;
        } catch (error) {
          this.report(schedule.id, error);
        }
      }
      // Every due one failed: wait for the next round rather than spin on them.
      if (!progressed) return;
    }
  }

  /** One schedule's tick; false when it failed to move (nothing to retry at once). */
  private async tick(schedule: Schedule, now: number): Promise<boolean> {
    const definition = this.deps.definitions.get(schedule.definitionId);
    if (!definition || schedule.nextRunAt === null) return false;
    const times = compileCron(schedule.cron, schedule.timezone);
    const plan = planTick(times, { nextRunAt: schedule.nextRunAt.getTime(), backfillSeconds: schedule.backfillSeconds, overlap: schedule.overlap }, now);
    const name = schedule.name ?? definition.title;
    // A limited definition's scheduled tasks count in its limit like triggered ones.
    const concurrencyKey = concurrencyKeyOf(definition, null, schedule.input);
    const tasks: TaskCreateParams[] = plan.ticks.map((tick) => ({
      id: newId(now),
      name,
      definitionId: schedule.definitionId,
      parentId: null,
      input: schedule.input,
      maxIterations: definition.maxIterations,
      concurrencyKey,
      runAt: now,
      createdOn: now,
      // Lists find a schedule's tasks by this identity (createdBy: "schedule:<id>").
      createdBy: { id: scheduleIdentityId(schedule.id), displayName: schedule.name ?? schedule.id, type: "schedule" },
      eventResponse: { dispatcher: "stint-schedule", scheduleId: schedule.id, scheduledFor: new Date(tick).toISOString(), runAt: new Date(now).toISOString() },
    }));
    const result = await this.deps.storage.scheduleTick({
      id: schedule.id,
      expectedNextRunAt: schedule.nextRunAt.getTime(),
      nextRunAt: plan.nextRunAt,
      lastRunAt: plan.lastRunAt,
      tasks,
      skipWhileUnfinished: schedule.overlap === "skip",
      now,
    });
    if (result.tasks.length > 0) this.deps.signals?.emit("tasks-available");
    this.events.emit("schedule:tick", { scheduleId: schedule.id, outcome: result.outcome, tasks: result.tasks, scheduledFor: plan.ticks });
    return result.outcome !== "stale";
  }

  private report(scheduleId: string | null, error: unknown): void {
    if (this.events.listenerCount("schedule:error") > 0) this.events.emit("schedule:error", { scheduleId, error });
  }
}

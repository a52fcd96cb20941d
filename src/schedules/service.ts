/**
 * The ScheduleService: schedules' use cases, and the sync of the config's `schedules`
 * at start. Every change wakes this process's tickers and (PostgreSQL) other processes'.
 */
import type { Clock } from "../domain/clock.js";
import { Errors, isStintError } from "../domain/errors.js";
import type { Schedule, ScheduleSource } from "../domain/schedule.js";
import type { DefinitionRegistry } from "../definition/registry.js";
import type { StorageAdapter, ScheduleWriteParams } from "../storage/port/index.js";
import type { WorkerSignals } from "../worker/signals.js";
import { compileCron } from "./cron.js";
import type { ScheduleChanges, ScheduleDeclaration, ScheduleRecord, ScheduleService } from "./types.js";
import { checkDeclaration, checkScheduleId, checkShape, type CheckedSchedule } from "./validate.js";

export interface ScheduleServiceDependencies {
  storage: StorageAdapter;
  definitions: DefinitionRegistry;
  clock: Clock;
  signals?: WorkerSignals;
}

const MAX_NEXT_RUNS = 100;

/** The {@link ScheduleService} of `createStint` (`stint.schedules`), plus the config sync it runs at start. */
export class DefaultScheduleService implements ScheduleService {
  constructor(private readonly deps: ScheduleServiceDependencies) {}

  async list(): Promise<ScheduleRecord[]> {
    return (await this.deps.storage.scheduleList({})).map(toScheduleRecord);
  }

  async get(id: string): Promise<ScheduleRecord | null> {
    const schedule = await this.deps.storage.scheduleGet({ id: checkScheduleId(id) });
    return schedule ? toScheduleRecord(schedule) : null;
  }

  async create(declaration: ScheduleDeclaration): Promise<ScheduleRecord> {
    const checked = await checkDeclaration(declaration, this.deps.definitions);
    const stored = await this.deps.storage.scheduleCreate(this.writeParams(checked, "api", null));
    await this.changed();
    return toScheduleRecord(stored);
  }

  async update(id: string, changes: ScheduleChanges): Promise<ScheduleRecord> {
    checkScheduleId(id);
    const fields = checkShape(changes, "changes");
    if ("id" in fields && fields.id !== id) throw Errors.scheduleInvalid("id", "a schedule's id cannot change");
    const existing = await this.deps.storage.scheduleGet({ id });
    if (!existing) throw Errors.scheduleNotFound(id);
    const merged = { ...toDeclaration(existing), ...withoutUndefined(fields), id };
    const checked = await checkDeclaration(merged, this.deps.definitions);
    const updated = await this.deps.storage.scheduleUpdate(this.writeParams(checked, existing.source, existing));
    if (!updated) throw Errors.scheduleNotFound(id);
    await this.changed();
    return toScheduleRecord(updated);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.deps.storage.scheduleDelete({ id: checkScheduleId(id) });
    if (!deleted) throw Errors.scheduleNotFound(id);
    await this.changed();
    return true;
  }

  nextRuns(schedule: ScheduleRecord, count = 5): string[] {
    if (!Number.isInteger(count) || count < 1 || count > MAX_NEXT_RUNS) throw Errors.invalidArgument("count", `expected a whole number from 1 to ${MAX_NEXT_RUNS}`);
    if (schedule.nextRunAt === null) return [];
    const first = Date.parse(schedule.nextRunAt);
    const rest = compileCron(schedule.cron, schedule.timezone).nextRuns(first, count - 1);
    return [first, ...rest].map((time) => new Date(time).toISOString());
  }

  /**
   * Makes the stored config schedules those of `declarations`: each is checked first (all
   * or nothing is written), then created or updated (source `config`; an API schedule of
   * the same id becomes the config's), and a config schedule no longer declared is
   * deleted. Its tasks stay.
   */
  async syncConfig(declarations: readonly unknown[]): Promise<void> {
    if (!Array.isArray(declarations)) throw Errors.scheduleInvalid("schedules", "expected an array");
    const checked: CheckedSchedule[] = [];
    const seen = new Set<string>();
    for (const declaration of declarations) {
      const one = await checkDeclaration(declaration, this.deps.definitions);
      if (seen.has(one.id)) throw Errors.scheduleDuplicate(one.id);
      seen.add(one.id);
      checked.push(one);
    }
    for (const one of checked) {
      const existing = await this.deps.storage.scheduleGet({ id: one.id });
      if (!existing) {
        try {
          await this.deps.storage.scheduleCreate(this.writeParams(one, "config", null));
          continue;
        } catch (error) {
          // Another process starting with the same config created it first: update it.
          if (!isStintError(error, "SCHEDULE_DUPLICATE")) throw error;
        }
      }
      const current = existing ?? (await this.deps.storage.scheduleGet({ id: one.id }));
      if (current && !sameDeclaration(current, one, "config")) await this.deps.storage.scheduleUpdate(this.writeParams(one, "config", current));
    }
    for (const stale of await this.deps.storage.scheduleList({ source: "config" })) {
      if (!seen.has(stale.id)) await this.deps.storage.scheduleDelete({ id: stale.id });
    }
    await this.changed();
  }

  /**
   * The row to store. The next tick is kept when the timing did not change (an update of
   * the input or name must not move or replay a tick); otherwise it is the first tick
   * after now.
   */
  private writeParams(checked: CheckedSchedule, source: ScheduleSource, existing: Schedule | null): ScheduleWriteParams {
    const now = this.deps.clock.now();
    const keepsTiming =
      existing !== null && existing.enabled && existing.nextRunAt !== null && existing.cron === checked.times.cron && existing.timezone === checked.times.timezone;
    const nextRunAt = !checked.enabled ? null : keepsTiming ? existing!.nextRunAt!.getTime() : checked.times.next(now);
    return {
      id: checked.id,
      definitionId: checked.definitionId,
      cron: checked.times.cron,
      timezone: checked.times.timezone,
      input: checked.input,
      name: checked.name,
      enabled: checked.enabled,
      overlap: checked.overlap,
      backfillSeconds: checked.backfillSeconds,
      source,
      nextRunAt,
      now,
    };
  }

  private async changed(): Promise<void> {
    this.deps.signals?.emit("schedules-changed");
    // Best effort: other processes' tickers re-check within RECHECK_MS anyway.
    await this.deps.storage.publish({ type: "schedules-changed" }).catch(() => undefined);
  }
}

function sameDeclaration(stored: Schedule, checked: CheckedSchedule, source: ScheduleSource): boolean {
  return (
    stored.source === source &&
    stored.definitionId === checked.definitionId &&
    stored.cron === checked.times.cron &&
    stored.timezone === checked.times.timezone &&
    JSON.stringify(stored.input) === JSON.stringify(checked.input) &&
    stored.name === checked.name &&
    stored.enabled === checked.enabled &&
    stored.overlap === checked.overlap &&
    stored.backfillSeconds === checked.backfillSeconds
  );
}

function toDeclaration(schedule: Schedule): ScheduleDeclaration {
  return {
    id: schedule.id,
    definition: schedule.definitionId,
    cron: schedule.cron,
    timezone: schedule.timezone,
    input: schedule.input,
    ...(schedule.name !== null ? { name: schedule.name } : {}),
    enabled: schedule.enabled,
    overlap: schedule.overlap,
    backfillSeconds: schedule.backfillSeconds,
  };
}

function withoutUndefined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** The service's form of a stored schedule (ISO dates). */
export function toScheduleRecord(schedule: Schedule): ScheduleRecord {
  const iso = (date: Date | null) => (date === null ? null : date.toISOString());
  return {
    id: schedule.id,
    definitionId: schedule.definitionId,
    cron: schedule.cron,
    timezone: schedule.timezone,
    input: schedule.input,
    name: schedule.name,
    enabled: schedule.enabled,
    overlap: schedule.overlap,
    backfillSeconds: schedule.backfillSeconds,
    source: schedule.source,
    nextRunAt: iso(schedule.nextRunAt),
    lastRunAt: iso(schedule.lastRunAt),
    lastTaskId: schedule.lastTaskId,
    createdOn: schedule.createdOn.toISOString(),
    savedOn: schedule.savedOn.toISOString(),
  };
}

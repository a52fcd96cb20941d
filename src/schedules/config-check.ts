/**
 * The config file's `schedules`, checked when the file loads (before any store is
 * opened): the shape, ids (unique), cron, timezone, options and that each names a
 * definition of the same config. The input is checked against the definition's schema
 * when Stint starts, before anything is written (ScheduleService.syncConfig).
 */
import { Errors, describeValue } from "../domain/errors.js";
import { compileCron } from "./cron.js";
import { checkScheduleId, checkShape } from "./validate.js";
import { MAX_BACKFILL_SECONDS } from "./plan-tick.js";

/** The reason `schedules` is refused (`schedules[i]: ...`), or null when it is fine. */
export function configSchedulesProblem(schedules: unknown, definitionIds: readonly string[]): string | null {
  if (!Array.isArray(schedules)) return "`schedules` must be an array";
  const seen = new Set<string>();
  for (const [index, declaration] of schedules.entries()) {
    try {
      const raw = checkShape(declaration, "declaration");
      const id = checkScheduleId(raw.id);
      if (seen.has(id)) throw Errors.scheduleDuplicate(id);
      seen.add(id);
      if (typeof raw.definition !== "string" || !definitionIds.includes(raw.definition)) {
        throw Errors.scheduleInvalid("definition", `"${describeValue(raw.definition)}" is not one of the config's definitions`);
      }
      compileCron(raw.cron, raw.timezone ?? undefined);
      if (raw.overlap !== undefined && raw.overlap !== "allow" && raw.overlap !== "skip") throw Errors.scheduleInvalid("overlap", 'expected "allow" or "skip"');
      if (raw.enabled !== undefined && typeof raw.enabled !== "boolean") throw Errors.scheduleInvalid("enabled", "expected true or false");
      const backfill = raw.backfillSeconds;
      if (backfill !== undefined && (typeof backfill !== "number" || !Number.isInteger(backfill) || backfill < 0 || backfill > MAX_BACKFILL_SECONDS)) {
        throw Errors.scheduleInvalid("backfillSeconds", `expected a whole number of seconds from 0 to ${MAX_BACKFILL_SECONDS}`);
      }
    } catch (error) {
      return `schedules[${index}]: ${(error as Error).message}`;
    }
  }
  return null;
}

/**
 * Checks a schedule declaration (config, `create`, `update`) before anything is stored:
 * its id, definition, cron and timezone, the input against the definition's schema (the
 * same checks as a trigger), and the options. Unknown fields are refused too: a typo such
 * as `timeZone` must not silently run the schedule in UTC.
 */
import { Errors, describeValue } from "../domain/errors.js";
import { isValidId } from "../domain/ids.js";
import type { ScheduleOverlap } from "../domain/schedule.js";
import type { TaskInput } from "../domain/task.js";
import type { DefinitionRegistry } from "../definition/registry.js";
import { checkTriggerValues } from "../service/trigger-values.js";
import { compileCron, DEFAULT_TIMEZONE, type CronTimes } from "./cron.js";
import { MAX_BACKFILL_SECONDS } from "./plan-tick.js";

const FIELDS = new Set(["id", "definition", "cron", "timezone", "input", "name", "enabled", "overlap", "backfillSeconds"]);
const MAX_NAME_LENGTH = 255;

/** A declaration that passed every check, with defaults applied. */
export interface CheckedSchedule {
  id: string;
  definitionId: string;
  times: CronTimes;
  input: TaskInput;
  name: string | null;
  enabled: boolean;
  overlap: ScheduleOverlap;
  backfillSeconds: number;
}

/** Refuses anything but an object of known fields. */
export function checkShape(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw Errors.scheduleInvalid(what, "expected an object");
  for (const key of Object.keys(value)) {
    if (!FIELDS.has(key)) throw Errors.scheduleInvalid(key, `unknown field (known: ${[...FIELDS].join(", ")})`);
  }
  return value as Record<string, unknown>;
}

/** The schedule id rule (the task id rule: letters, digits, `_`, `-`, 1 to 64). */
export function checkScheduleId(id: unknown): string {
  if (!isValidId(id)) throw Errors.scheduleInvalid("id", `"${describeValue(id)}" is not a schedule id (letters, digits, _ and -, at most 64)`);
  return id;
}

export async function checkDeclaration(value: unknown, definitions: DefinitionRegistry): Promise<CheckedSchedule> {
  const raw = checkShape(value, "declaration");
  const id = checkScheduleId(raw.id);
  if (typeof raw.definition !== "string") throw Errors.definitionNotFound(describeValue(raw.definition));
  const definition = definitions.get(raw.definition);
  if (!definition) throw Errors.definitionNotFound(raw.definition);
  const times = compileCron(raw.cron, raw.timezone ?? DEFAULT_TIMEZONE);

  if (raw.name !== undefined && raw.name !== null && (typeof raw.name !== "string" || raw.name.length > MAX_NAME_LENGTH)) {
    throw Errors.scheduleInvalid("name", `expected a string of at most ${MAX_NAME_LENGTH} characters`);
  }
  const name = typeof raw.name === "string" && raw.name !== "" ? raw.name : null;
  const input = raw.input === undefined || raw.input === null ? {} : raw.input;
  // The trigger's own checks (object, size, storable JSON, the definition's zod schema):
  // a schedule whose tasks would all be refused is refused now instead.
  await checkTriggerValues(definition, { input, name: name ?? definition.title, delay: undefined });

  if (raw.enabled !== undefined && typeof raw.enabled !== "boolean") throw Errors.scheduleInvalid("enabled", "expected true or false");
  if (raw.overlap !== undefined && raw.overlap !== "allow" && raw.overlap !== "skip") {
    throw Errors.scheduleInvalid("overlap", `expected "allow" or "skip", got "${describeValue(raw.overlap)}"`);
  }
  const backfill = raw.backfillSeconds ?? 0;
  if (typeof backfill !== "number" || !Number.isInteger(backfill) || backfill < 0 || backfill > MAX_BACKFILL_SECONDS) {
    throw Errors.scheduleInvalid("backfillSeconds", `expected a whole number of seconds from 0 to ${MAX_BACKFILL_SECONDS} (7 days)`);
  }
  return {
    id,
    definitionId: definition.id,
    times,
    input: input as TaskInput,
    name,
    enabled: raw.enabled ?? true,
    overlap: (raw.overlap as ScheduleOverlap | undefined) ?? "allow",
    backfillSeconds: backfill,
  };
}

/**
 * The stored settings (Webiny 6.4 `getSettings` / `updateSettings`): `retentionDays`
 * lives in the store so every process reads the same value. Until one is stored, the
 * config's `retention.days` (default 90) is the answer.
 */
import { Errors } from "../domain/errors.js";
import { DEFAULT_RETENTION_DAYS, retentionDaysProblem } from "../domain/retention.js";
import type { Clock } from "../domain/clock.js";
import type { StorageAdapter } from "../storage/port/index.js";
import type { TaskSettings, UpdateSettingsParams } from "./types.js";

export interface SettingsDependencies {
  storage: StorageAdapter;
  clock: Clock;
  /** The config's `retention.days`: the answer while nothing is stored. */
  configRetentionDays?: number;
}

/** The retention in force for tasks without a definition override: stored, else configured, else 90. */
export async function readSettings(deps: SettingsDependencies): Promise<TaskSettings> {
  const stored = await deps.storage.settingsGet();
  return { retentionDays: stored.retentionDays ?? deps.configRetentionDays ?? DEFAULT_RETENTION_DAYS };
}

/** Checks then stores; bad input is an INVALID_ARGUMENT error and nothing is stored. */
export async function updateSettings(deps: SettingsDependencies, params: UpdateSettingsParams): Promise<TaskSettings> {
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw Errors.invalidArgument("settings", "expected an object { retentionDays }");
  }
  const unknownKey = Object.keys(params).find((key) => key !== "retentionDays");
  if (unknownKey !== undefined) throw Errors.invalidArgument(unknownKey, "not a setting (only retentionDays)");
  const problem = retentionDaysProblem(params.retentionDays);
  if (problem) throw Errors.invalidArgument("retentionDays", problem);
  const stored = await deps.storage.settingsUpdate({ retentionDays: params.retentionDays, now: deps.clock.now() });
  return { retentionDays: stored.retentionDays ?? params.retentionDays };
}

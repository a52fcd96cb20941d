/** The `metrics` config section with its defaults applied and its values checked. */
import { Errors, describeValue } from "../domain/errors.js";
import type { StintMetricsConfig } from "../config/define-config.js";
import { MIN_API_KEY_LENGTH } from "../graphql/auth.js";

export interface ResolvedMetricsConfig {
  enabled: boolean;
  key: string | undefined;
  cacheSeconds: number;
}

export function resolveMetricsConfig(value: boolean | StintMetricsConfig | undefined): ResolvedMetricsConfig {
  if (value === undefined || value === true) return { enabled: true, key: undefined, cacheSeconds: 5 };
  if (value === false) return { enabled: false, key: undefined, cacheSeconds: 5 };
  if (typeof value !== "object" || value === null) {
    throw Errors.invalidArgument("metrics", `expected true, false or an object, got ${describeValue(value)}`);
  }
  const enabled = value.enabled ?? true;
  if (typeof enabled !== "boolean") throw Errors.invalidArgument("metrics.enabled", `expected true or false, got ${describeValue(enabled)}`);
  const cacheSeconds = value.cacheSeconds ?? 5;
  if (typeof cacheSeconds !== "number" || !Number.isFinite(cacheSeconds) || cacheSeconds < 0) {
    throw Errors.invalidArgument("metrics.cacheSeconds", `expected a number of seconds, zero or more, got ${describeValue(cacheSeconds)}`);
  }
  const key = value.key;
  if (key !== undefined) {
    if (typeof key !== "string" || key.trim() === "") throw Errors.invalidArgument("metrics.key", "the key is empty");
    if (key.trim().length < MIN_API_KEY_LENGTH) {
      // The length only: never the key, nor a part of it.
      throw Errors.invalidArgument(
        "metrics.key",
        `the key is ${key.trim().length} characters long; use at least ${MIN_API_KEY_LENGTH} (e.g. the output of "openssl rand -hex 32")`,
      );
    }
  }
  return { enabled, key, cacheSeconds };
}

/**
 * The CLI's effective settings, merged in one place: defaults → config file → environment
 * → command-line flags (flags win). Worker tuning left unset here falls through to the
 * worker's own documented defaults (src/worker/options.ts).
 */
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from "../config/database.js";
import type { StintConfig, StintServerConfig, StintWorkerConfig } from "../config/define-config.js";
import { UsageError } from "./errors.js";

export interface CliFlags {
  database?: string;
  port?: string | number;
  host?: string;
  concurrency?: string | number;
}

export interface ResolvedCliOptions {
  /** @defaultValue "sqlite:./.stint/stint.db"; env STINT_DATABASE_URL; flag --database */
  database: string;
  /** Config `worker`; flag --concurrency */
  worker: StintWorkerConfig;
  /** port @defaultValue 4000 (env STINT_PORT, flag --port); host @defaultValue "127.0.0.1" (env STINT_HOST, flag --host) */
  server: StintServerConfig & { port: number; host: string };
}

export const CLI_DEFAULTS = {
  database: DEFAULT_DATABASE_URL,
  port: 4000,
  host: "127.0.0.1",
} as const;

export function resolveCliOptions(
  config: StintConfig,
  flags: CliFlags = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedCliOptions {
  const database = flags.database ?? nonEmpty(env.STINT_DATABASE_URL) ?? config.database ?? CLI_DEFAULTS.database;
  // Checked before anything is opened: a bad URL stores nothing and exits 2.
  parseDatabaseUrl(database);

  const port = integer("--port", flags.port ?? nonEmpty(env.STINT_PORT) ?? config.server?.port ?? CLI_DEFAULTS.port, 0, 65535);
  const host = flags.host ?? nonEmpty(env.STINT_HOST) ?? config.server?.host ?? CLI_DEFAULTS.host;
  const worker: StintWorkerConfig = { ...config.worker };
  if (flags.concurrency !== undefined) worker.concurrency = integer("--concurrency", flags.concurrency, 1, 10_000);

  return { database, worker, server: { ...config.server, port, host } };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

export function integer(name: string, value: string | number, min: number, max: number): number {
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

/**
 * The CLI's effective settings, merged in one place: defaults → config file → environment
 * → command-line flags (flags win). Worker tuning left unset here falls through to the
 * worker's own documented defaults (src/worker/options.ts).
 *
 * Each setting remembers where its value came from, and a refusal names that place
 * (`STINT_PORT must be…`, not `--port must be…` when no flag was given): the user must
 * be sent to the thing they actually set.
 */
import { relative } from "node:path";
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from "../config/database.js";
import type { StintConfig, StintServerConfig, StintWorkerConfig } from "../config/define-config.js";
import { isStintError, StintError } from "../domain/errors.js";
import { DEFAULT_SOURCE, UsageError } from "./errors.js";

export interface CliFlags {
  database?: string;
  port?: string | number;
  host?: string;
  concurrency?: string | number;
}

/** Where the values came from: `--port`, `STINT_PORT`, `` `server.port` in stint.config.ts `` or "the default". */
export interface SettingSources {
  database: string;
  port: string;
  host: string;
}

export interface ResolvedCliOptions {
  /** @defaultValue "sqlite:./.stint/stint.db"; env STINT_DATABASE_URL; flag --database */
  database: string;
  /** Config `worker`; flag --concurrency */
  worker: StintWorkerConfig;
  /** port @defaultValue 4000 (env STINT_PORT, flag --port); host @defaultValue "127.0.0.1" (env STINT_HOST, flag --host) */
  server: StintServerConfig & { port: number; host: string };
  sources: SettingSources;
}

type Value = string | number;
interface Setting {
  value: Value;
  source: string;
}

export const CLI_DEFAULTS = {
  database: DEFAULT_DATABASE_URL,
  port: 4000,
  host: "127.0.0.1",
} as const;

/** `configPath`: the loaded config file, named in messages about values it set. */
export function resolveCliOptions(
  config: StintConfig,
  flags: CliFlags = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
  configPath: string | null = null,
): ResolvedCliOptions {
  const inConfig = (key: string) => `\`${key}\` in ${configPath ? relative(process.cwd(), configPath) || configPath : "the config"}`;
  /** The first of flag, environment, config file and default that is set, with its source. */
  const pick = (flag: string, flagValue: Value | undefined, envName: string, configKey: string, configValue: Value | undefined, fallback: Value): Setting => {
    if (flagValue !== undefined) return { value: flagValue, source: flag };
    const fromEnv = nonEmpty(env[envName]);
    if (fromEnv !== undefined) return { value: fromEnv, source: envName };
    if (configValue !== undefined) return { value: configValue, source: inConfig(configKey) };
    return { value: fallback, source: DEFAULT_SOURCE };
  };

  const database = pick("--database", flags.database, "STINT_DATABASE_URL", "database", config.database, CLI_DEFAULTS.database);
  // Checked before anything is opened: a bad URL stores nothing and exits 2.
  try {
    parseDatabaseUrl(database.value);
  } catch (error) {
    throw named(error, database.source);
  }

  const port = pick("--port", flags.port, "STINT_PORT", "server.port", config.server?.port, CLI_DEFAULTS.port);
  const host = pick("--host", flags.host, "STINT_HOST", "server.host", config.server?.host, CLI_DEFAULTS.host);
  const worker: StintWorkerConfig = { ...config.worker };
  if (flags.concurrency !== undefined) worker.concurrency = integer("--concurrency", flags.concurrency, 1, 10_000);

  return {
    database: String(database.value),
    worker,
    server: { ...config.server, port: integer(port.source, port.value, 0, 65535), host: unbracketed(String(host.value)) },
    sources: { database: database.source, port: port.source, host: host.source },
  };
}

/** The same error with the place the value came from in front: `STINT_DATABASE_URL: Unsupported…`. */
export function named(error: unknown, source: string): unknown {
  if (!isStintError(error)) return error;
  return new StintError(`${source}: ${error.message}`, error.code, error.data, { cause: error });
}

/**
 * An IPv6 literal as a URL writes it (`[::1]`) is the address `::1` for listen(), which
 * takes no brackets (it would look `[::1]` up as a name); the printed URL adds them back.
 */
export function unbracketed(host: string): string {
  return /^\[[0-9a-f:.%]+\]$/i.test(host) ? host.slice(1, -1) : host;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

export function integer(name: string, value: string | number, min: number, max: number): number {
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(number) || number < min || number > max || (typeof value === "string" && value.trim() === "")) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

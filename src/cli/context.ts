/**
 * What every command starts with: the config file loaded, the settings merged and
 * checked (nothing opened yet), then (only when needed) a Stint over the store. The CLI
 * is the only place a storage adapter is built from a URL.
 */
import { createStint, type Stint } from "../stint.js";
import type { WorkerOptions } from "../worker/options.js";
import { loadConfig, type LoadedConfig } from "./load-config.js";
import { resolveCliOptions, type CliFlags, type ResolvedCliOptions } from "./options.js";

export interface CommonFlags extends CliFlags {
  config?: string;
  json?: boolean;
}

export interface CliContext {
  loaded: LoadedConfig;
  options: ResolvedCliOptions;
  flags: CommonFlags;
}

export async function prepare(flags: CommonFlags): Promise<CliContext> {
  const loaded = await loadConfig(flags.config);
  return { loaded, options: resolveCliOptions(loaded.config, flags), flags };
}

/** Opens the store (migrating it unless `skipMigrations`) with the config's definitions. */
export async function openStint(context: CliContext, extra: { skipMigrations?: boolean; worker?: WorkerOptions } = {}): Promise<Stint> {
  return createStint({
    database: context.options.database,
    definitions: context.loaded.config.definitions ?? [],
    worker: { ...context.options.worker, ...extra.worker },
    server: context.options.server,
    useEnv: false, // the environment was already merged, below the flags
    skipMigrations: extra.skipMigrations ?? false,
  });
}

/** Runs `body` with an open Stint and always closes it. */
export async function withStint<T>(context: CliContext, body: (stint: Stint) => Promise<T>): Promise<T> {
  const stint = await openStint(context);
  try {
    return await body(stint);
  } finally {
    await stint.close();
  }
}

/**
 * What every command starts with: the config file loaded, the settings merged and
 * checked against what the command needs (nothing opened yet), then (only when needed) a
 * Stint over the store. The CLI is the only place a storage adapter is built from a URL.
 */
import { relative } from "node:path";
import { isInMemory, openStorage, parseDatabaseUrl } from "../config/database.js";
import { DefinitionRegistry } from "../definition/registry.js";
import { ErrorCode, isStintError } from "../domain/errors.js";
import { createStint, type Stint } from "../stint.js";
import type { StorageAdapter } from "../storage/port/index.js";
import type { WorkerOptions } from "../worker/options.js";
import { CliErrors } from "./errors.js";
import { CONFIG_FILE_NAMES, loadConfig, type LoadedConfig } from "./load-config.js";
import { resolveCliOptions, type CliFlags, type ResolvedCliOptions } from "./options.js";
import { checkServerSettings } from "./server-settings.js";

export interface CommonFlags extends CliFlags {
  config?: string;
  json?: boolean;
}

/** What a command needs; `prepare` refuses, before anything is opened, what it cannot work with. */
export interface CommandNeeds {
  /** The command name, for messages. */
  command: string;
  /**
   * It runs the definitions' code (run, onAbort) or names them: with no config file
   * given or found it would run none, so that is an error, not an empty list.
   */
  definitions: boolean;
  /**
   * How it uses the store: `create` may create it (migrations make the tables);
   * `existing` only reads or changes tasks already there, so a store without Stint's
   * tables is an error (a mistyped path or schema must not become a new empty store);
   * `none` opens nothing.
   */
  store: "create" | "existing" | "none";
  /** It can use an in-memory store: only `dev`, which runs worker and API in that one process. */
  inMemory?: boolean;
  /** It starts the API server: host and API keys are checked before the store is opened. */
  server?: boolean;
}

export interface CliContext {
  loaded: LoadedConfig;
  /** The config's definitions, checked (ids, duplicates) before any store is opened. */
  registry: DefinitionRegistry;
  options: ResolvedCliOptions;
  flags: CommonFlags;
  needs: CommandNeeds;
}

export async function prepare(flags: CommonFlags, needs: CommandNeeds): Promise<CliContext> {
  const loaded = await loadConfig(flags.config);
  if (needs.definitions && !loaded.path) throw CliErrors.configRequired(needs.command, process.cwd(), CONFIG_FILE_NAMES);
  const registry = new DefinitionRegistry().registerAll(loaded.config.definitions ?? []);
  const options = resolveCliOptions(loaded.config, flags, process.env, loaded.path);
  if (needs.store !== "none" && !needs.inMemory && isInMemory(parseDatabaseUrl(options.database))) {
    throw CliErrors.storeInMemory(needs.command, options.database, options.sources.database);
  }
  if (needs.server) checkServerSettings(options);
  return { loaded, registry, options, flags, needs };
}

/** Opens the store (migrating it unless `skipMigrations`) with the config's definitions. */
export async function openStint(context: CliContext, extra: { skipMigrations?: boolean; worker?: WorkerOptions } = {}): Promise<Stint> {
  const { database, sources } = context.options;
  let storage: StorageAdapter;
  try {
    storage = await openStorage(database, { mustExist: context.needs.store === "existing" });
  } catch (error) {
    if (!isStintError(error, ErrorCode.StoreNotFound)) throw error;
    const reason = typeof error.data?.reason === "string" ? error.data.reason : undefined;
    throw CliErrors.storeNotFound(String(error.data?.filename), database, sources.database, reason);
  }
  return createStint({
    storage, // closed by stint.close(), or by createStint itself when migrating fails
    definitions: context.loaded.config.definitions ?? [],
    context: context.loaded.config.context,
    worker: { ...context.options.worker, ...extra.worker },
    server: context.options.server,
    // Only the long-running commands serve metrics; a one-shot command collects none.
    metrics: METRICS_COMMANDS.has(context.needs.command) ? (context.loaded.config.metrics ?? true) : false,
    useEnv: false, // the environment was already merged, below the flags
    skipMigrations: extra.skipMigrations ?? false,
  });
}

const METRICS_COMMANDS = new Set(["dev", "serve", "worker"]);

/** Runs `body` with an open Stint and always closes it. */
export async function withStint<T>(context: CliContext, body: (stint: Stint) => Promise<T>): Promise<T> {
  const stint = await openStint(context);
  try {
    return await body(stint);
  } finally {
    await stint.close();
  }
}

/** The config file as the user would type it, relative to the working directory. */
export function configLabel(context: CliContext): string | null {
  return context.loaded.path ? relative(process.cwd(), context.loaded.path) || context.loaded.path : null;
}

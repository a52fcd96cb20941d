/**
 * Finds and loads `stint.config.{ts,js,mjs}`. A TypeScript config loads without a build
 * step: under `node --import tsx` a plain `import()` already understands it; from the
 * compiled CLI, tsx's ESM API (`tsImport`) compiles it on the fly.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Errors, isStintError } from "../domain/errors.js";
import type { StintConfig } from "../config/define-config.js";
import { configSchedulesProblem } from "../schedules/config-check.js";
import { retentionOptionProblem } from "../domain/retention.js";

export const CONFIG_FILE_NAMES = ["stint.config.ts", "stint.config.js", "stint.config.mjs"] as const;

/**
 * How long loading the config may take (its imports and any top-level await) before the
 * command gives up with CONFIG_INVALID: a top-level await that never settles would
 * otherwise hang the command, or end it silently with exit 0 once nothing else is
 * pending. `STINT_CONFIG_TIMEOUT_MS` overrides it.
 */
export const CONFIG_TIMEOUT_MS = 30_000;

export interface LoadedConfig {
  /** Absolute path of the file, or null when none was given or found. */
  path: string | null;
  config: StintConfig;
}

/** The explicit `--config` path (must exist), else the first default name in `cwd`. */
export function findConfigFile(explicit: string | undefined, cwd = process.cwd()): string | null {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path) || !statSync(path).isFile()) throw Errors.configNotFound(explicit);
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  return null;
}

export async function loadConfig(explicit: string | undefined, cwd = process.cwd()): Promise<LoadedConfig> {
  const path = findConfigFile(explicit, cwd);
  if (!path) return { path: null, config: {} };
  let module: Record<string, unknown>;
  try {
    module = await withinTimeout(importConfigModule(path), path, configTimeoutMs(path));
  } catch (error) {
    if (isStintError(error)) throw error;
    throw Errors.configInvalid(path, firstLine(error));
  }
  return { path, config: checkConfig(path, exportedConfig(module)) };
}

async function importConfigModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (!/\.[mc]?ts$/.test(path)) return import(url);
  try {
    return await import(url);
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
  }
  let tsx: { tsImport(specifier: string, parentURL: string): Promise<Record<string, unknown>> };
  try {
    tsx = await import("tsx/esm/api");
  } catch {
    throw Errors.configInvalid(path, "loading a TypeScript config needs the tsx package (npm install tsx), or use stint.config.js");
  }
  return tsx.tsImport(url, import.meta.url);
}

function configTimeoutMs(path: string): number {
  const text = process.env.STINT_CONFIG_TIMEOUT_MS;
  if (text === undefined || text === "") return CONFIG_TIMEOUT_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms <= 0) throw Errors.configInvalid(path, `STINT_CONFIG_TIMEOUT_MS must be a whole number of milliseconds above 0, got "${text}"`);
  return ms;
}

/** The import, or CONFIG_INVALID after `ms`. The timer is referenced: it holds the process until then. */
function withinTimeout<T>(loading: Promise<T>, path: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const seconds = ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
      reject(Errors.configInvalid(path, `it did not finish loading within ${seconds} (a top-level await that never settles?); STINT_CONFIG_TIMEOUT_MS sets the limit`));
    }, ms);
  });
  return Promise.race([loading, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The config a module exports. A `.ts` config in a CommonJS app (a package.json without
 * `"type": "module"`, what `npm init` writes) is compiled to CommonJS, and importing that
 * gives its whole `exports` object as `default`: the config is one level further down.
 */
function exportedConfig(module: Record<string, unknown>): unknown {
  const value = module.default ?? module.config;
  if (value && typeof value === "object" && (value as { __esModule?: unknown }).__esModule === true) {
    const exports = value as Record<string, unknown>;
    return exports.default ?? exports.config;
  }
  return value;
}

/** Shape checks only; definitions are checked by the registry when Stint starts. */
function checkConfig(path: string, value: unknown): StintConfig {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw Errors.configInvalid(path, "it must export a config object as default (export default defineConfig({ ... }))");
  }
  const config = value as Record<string, unknown>;
  if (config.database !== undefined && typeof config.database !== "string") {
    throw Errors.configInvalid(path, "`database` must be a URL string");
  }
  if (config.definitions !== undefined && !Array.isArray(config.definitions)) {
    throw Errors.configInvalid(path, "`definitions` must be an array");
  }
  if (Array.isArray(config.definitions)) {
    config.definitions.forEach((definition, index) => {
      if (!definition || typeof definition !== "object" || typeof (definition as { id?: unknown }).id !== "string") {
        throw Errors.configInvalid(path, `definitions[${index}] is not a task definition (use createTaskDefinition or TaskDefinition.createImplementation)`);
      }
    });
  }
  for (const key of ["worker", "server"] as const) {
    const section = config[key];
    if (section !== undefined && (!section || typeof section !== "object" || Array.isArray(section))) {
      throw Errors.configInvalid(path, `\`${key}\` must be an object`);
    }
  }
  const retentionProblem = retentionOptionProblem(config.retention);
  if (retentionProblem) throw Errors.configInvalid(path, `\`retention\`: ${retentionProblem}`);
  if (config.schedules !== undefined) {
    const ids = Array.isArray(config.definitions) ? config.definitions.map((definition) => (definition as { id: string }).id) : [];
    const problem = configSchedulesProblem(config.schedules, ids);
    if (problem) throw Errors.configInvalid(path, problem);
  }
  return config as StintConfig;
}

/** The first line of the message; a line ending in ":" (esbuild's "Transform failed with 1 error:") takes the next one too. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split("\n").map((line) => line.trim()).filter(Boolean);
  if (lines.length === 0) return "it could not be loaded";
  return lines[0].endsWith(":") && lines[1] ? `${lines[0]} ${lines[1]}` : lines[0];
}

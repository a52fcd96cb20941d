/**
 * The shape of `stint.config.ts`. `defineConfig` only gives the file its types; defaults
 * are applied where the config is read, so a config file says only what it changes.
 */
import type { AnyTaskDefinition, TaskContextSource } from "../definition/types.js";
import type { ScheduleDeclaration } from "../schedules/types.js";

/** The config file's `worker` section (every worker option is accepted: see `WorkerOptions`). */
export interface StintWorkerConfig {
  /**
   * Iterations run at once by one worker process.
   * @defaultValue 10
   */
  concurrency?: number;
  /**
   * How often an idle worker looks for due tasks, in milliseconds. Wake-ups (NOTIFY,
   * same-process triggers) usually come sooner.
   * @defaultValue 1000
   */
  pollIntervalMs?: number;
  /**
   * How long a claimed task stays reserved without a heartbeat, in milliseconds. A worker
   * that dies loses its tasks to others after this long.
   * @defaultValue 30000
   */
  leaseMs?: number;
  /**
   * Time budget of one iteration, in seconds, for definitions that set no `timeout`.
   * @defaultValue 900
   */
  timeoutSeconds?: number;
}

/** One API key of the GraphQL server. */
export interface StintApiKey {
  /**
   * The bearer token clients send: at least 16 characters (a shorter one is refused at
   * start), e.g. the output of `openssl rand -hex 32`.
   */
  key: string;
  /** Any of `r` (read), `w` (trigger, abort), `d` (delete), e.g. `"rwd"`. */
  permissions: string;
  /** Shown in logs instead of the key. */
  name?: string;
}

/** The config file's `server` section: the GraphQL API and dashboard of `stint dev` and `stint serve`. */
export interface StintServerConfig {
  /**
   * @defaultValue 4000
   */
  port?: number;
  /**
   * Without API keys the server refuses any host but loopback.
   * @defaultValue "127.0.0.1"
   */
  host?: string;
  /**
   * Bearer keys; with none, every loopback request is allowed. Failed authentications are
   * logged and throttled per client address (10 a minute, then 429 until the minute ends).
   * @defaultValue []
   */
  apiKeys?: StintApiKey[];
  /**
   * Sends error stacks to API clients. Never on in production.
   * @defaultValue false
   */
  debug?: boolean;
  /**
   * The most bytes one request may read from the store (inputs, outputs, log items…);
   * past it the answer is RESPONSE_TOO_LARGE, asking for fewer rows or fields.
   * @defaultValue 33554432 (32 MiB)
   */
  maxResponseBytes?: number;
}

/** The shape of `stint.config.ts` (also the options of `createStint`). Every key is optional; docs/config.md lists them with their defaults. */
export interface StintConfig {
  /**
   * `sqlite:<file>`, `sqlite::memory:` or `postgres://...`; env `STINT_DATABASE_URL` wins.
   * @defaultValue "sqlite:./.stint/stint.db"
   */
  database?: string;
  /**
   * Definitions made with `createTaskDefinition` or `TaskDefinition.createImplementation`.
   * @defaultValue []
   */
  definitions?: AnyTaskDefinition[];
  /**
   * What v5 definitions (`createTaskDefinition`) get as `context` in `run` and in their
   * hooks: an object, or a function called for each iteration and each hook (it may be
   * async). v6 definitions never see it (their dependencies come through the constructor).
   * @defaultValue {}
   */
  context?: TaskContextSource;
  /** Worker settings; `--concurrency` overrides `concurrency`. */
  worker?: StintWorkerConfig;
  /** API server settings; `STINT_PORT`, `STINT_HOST` and the flags override them. */
  server?: StintServerConfig;
  /**
   * Recurring tasks (docs/schedules.md). Synced at each start: each is created or
   * updated, and a config schedule no longer listed is deleted (schedules made with
   * `stint.schedules.create` are left alone). Without this key nothing is synced.
   */
  schedules?: ScheduleDeclaration[];
}

/** Identity: returns the config unchanged, typed. */
export function defineConfig<C extends StintConfig>(config: C): C {
  return config;
}

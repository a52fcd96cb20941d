/**
 * The shape of `stint.config.ts`. `defineConfig` only gives the file its types; defaults
 * are applied where the config is read, so a config file says only what it changes.
 */
import type { AnyTaskDefinition, TaskContextSource } from "../definition/types.js";
import type { ScheduleDeclaration } from "../schedules/types.js";
import type { ApiKeyConfig } from "../graphql/auth.js";
import type { StartServerOptions } from "../graphql/options.js";
import type { WorkerOptions } from "../worker/options.js";

/** The config file's `worker` section: the options of `stint.createWorker()`, each documented once, on `WorkerOptions`. */
export type StintWorkerConfig = WorkerOptions;

/** One API key of the GraphQL server (the config file's `server.apiKeys`). */
export type StintApiKey = ApiKeyConfig;

/**
 * The config file's `server` section (the GraphQL API and dashboard of `stint dev` and
 * `stint serve`): the options of `stint.startServer()`, each documented once, on
 * `GraphQLServerOptions`.
 */
export type StintServerConfig = StartServerOptions;

/** The config file's `metrics` section: Prometheus metrics at `/metrics` (docs/metrics.md). */
export interface StintMetricsConfig {
  /**
   * Collect metrics and serve `/metrics` (on `stint serve`/`dev`, and on `stint worker
   * --metrics-port`).
   * @defaultValue true
   */
  enabled?: boolean;
  /**
   * A bearer token for scrapers (at least 16 characters) that reads `/metrics` and nothing
   * else. When API keys are configured, `/metrics` needs this key or an `r` key.
   * @defaultValue none
   */
  key?: string;
  /**
   * How long the store's task counts (`stint_tasks`, `stint_queue_lag_seconds`) are
   * reused between scrapes, in seconds.
   * @defaultValue 5
   */
  cacheSeconds?: number;
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
  /** Prometheus metrics; `false` turns them off (same as `{ enabled: false }`). */
  metrics?: boolean | StintMetricsConfig;
  /**
   * Recurring tasks (docs/schedules.md). Synced at each start: each is created or
   * updated, and a config schedule no longer listed is deleted (schedules made with
   * `stint.schedules.create` are left alone). Without this key nothing is synced.
   */
  schedules?: ScheduleDeclaration[];
  /**
   * How long finished tasks (success, failed, aborted) and their logs are kept: one
   * worker at a time deletes older ones (docs/run-history.md "Retention and
   * self-cleanup"). `days`: 0 keeps everything, at most 3650. A value stored with
   * `updateSettings({ retentionDays })` wins over this one; a definition's own
   * `retention` wins over both.
   * @defaultValue { days: 90 }
   */
  retention?: { days: number };
}

/** Identity: returns the config unchanged, typed. */
export function defineConfig<C extends StintConfig>(config: C): C {
  return config;
}

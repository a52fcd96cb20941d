/**
 * `createStint(config)`: the composition root. Opens the store, migrates it, registers
 * the definitions and wires TaskService, workers and the API server together.
 */
import type { Clock } from "./domain/clock.js";
import { systemClock } from "./domain/clock.js";
import { Errors } from "./domain/errors.js";
import { DefinitionRegistry } from "./definition/registry.js";
import type { StintConfig } from "./config/define-config.js";
import { DEFAULT_DATABASE_URL, openStorage } from "./config/database.js";
import type { StorageAdapter } from "./storage/port/index.js";
import { DefaultTaskService } from "./service/task-service.js";
import type { TaskService } from "./service/types.js";
import { Worker } from "./worker/worker.js";
import type { WorkerOptions } from "./worker/options.js";
import { WorkerSignals } from "./worker/signals.js";
import { StintEvents } from "./service/events.js";
import type { ChildTasks } from "./runner/controller.js";
import type { StartServerOptions } from "./graphql/options.js";
export type { StartServerOptions };
import { StintMetrics } from "./metrics/metrics.js";
import { resolveMetricsConfig } from "./metrics/config.js";
import { DefaultScheduleService } from "./schedules/service.js";
import { ScheduleTicker } from "./schedules/ticker.js";
import { RetentionSweeper } from "./worker/retention-sweeper.js";
import { retentionOptionProblem } from "./domain/retention.js";

/** Options of {@link createStint}: the config file's keys, plus what only code can give. */
export interface CreateStintOptions extends StintConfig {
  /**
   * An adapter to use instead of opening `database` (then `close()` closes it too): one of
   * `stint/sqlite`, `stint/postgres`, or your own. Check your own with `runStorageContract`
   * from `stint/testing`, the suite both built-in adapters pass.
   */
  storage?: StorageAdapter;
  /** Time source for scheduling; tests pass a ManualClock. */
  clock?: Clock;
  /** Skip migrations (when `stint migrate` runs them separately). Default false. */
  skipMigrations?: boolean;
  /** Read `STINT_DATABASE_URL` (it wins over `database`). Default true. */
  useEnv?: boolean;
}

/** The running API server of {@link Stint.startServer}. */
export interface ServerHandle {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  port: number;
  /** Where the dashboard is served, or null when no dashboard build was found. */
  dashboardUrl: string | null;
  /** Stops the server (in-flight requests finish). */
  close(): Promise<void>;
}


/** One Stint instance: the store, the registered definitions, the TaskService, and the workers and servers started from it. */
export interface Stint {
  readonly tasks: TaskService;
  /** Schedules at run time (list, get, create, update, delete); workers tick them. */
  readonly schedules: DefaultScheduleService;
  readonly storage: StorageAdapter;
  readonly definitions: DefinitionRegistry;
  readonly clock: Clock;
  /**
   * What happens outside workers: `hook:error` when an `onAbort` hook that `tasks.abort()`
   * ran threw or ran out of time (workers report their own hooks' on `worker.events`).
   */
  readonly events: StintEvents;
  /** The database URL the store was opened with ("(adapter)" when one was passed in). */
  readonly databaseUrl: string;
  /**
   * Prometheus metrics of this instance (its own registry; docs/metrics.md), served at
   * `/metrics` by `startServer()`; null when the config says `metrics: false`.
   */
  readonly metrics: StintMetrics | null;
  /** Creates a worker over this instance's store and definitions (not started). */
  createWorker(options?: WorkerOptions): Worker;
  /** Creates and starts a worker; `close()` stops it. */
  startWorker(options?: WorkerOptions): Promise<Worker>;
  /** Starts the GraphQL API server; `close()` stops it. */
  startServer(options?: StartServerOptions): Promise<ServerHandle>;
  /** Stops workers and servers (gracefully), then closes the store. */
  close(): Promise<void>;
}

export async function createStint(options: CreateStintOptions = {}): Promise<Stint> {
  const clock = options.clock ?? systemClock;
  // Checked before the store is opened: a bad metrics key changes nothing.
  const metricsConfig = resolveMetricsConfig(options.metrics);
  const retentionProblem = retentionOptionProblem(options.retention);
  if (retentionProblem) throw Errors.invalidArgument("retention", retentionProblem);
  const configRetentionDays = options.retention?.days;
  const definitions = new DefinitionRegistry();
  definitions.registerAll(options.definitions ?? []);

  const databaseUrl = options.storage
    ? "(adapter)"
    : ((options.useEnv ?? true) ? process.env.STINT_DATABASE_URL : undefined) || options.database || DEFAULT_DATABASE_URL;
  const storage = options.storage ?? (await openStorage(databaseUrl));
  const signals = new WorkerSignals();
  const schedules = new DefaultScheduleService({ storage, definitions, clock, signals });
  try {
    if (!options.skipMigrations) await storage.migrate();
    // Only a config that says `schedules` owns the config schedules (see StintConfig).
    if (options.schedules !== undefined) await schedules.syncConfig(options.schedules);
  } catch (error) {
    await storage.close().catch(() => undefined);
    throw error;
  }

  const events = new StintEvents();
  const tasks = new DefaultTaskService({
    storage,
    definitions,
    clock,
    signals,
    onHookError: (event) => events.emit("hook:error", event),
    context: options.context,
    ...(configRetentionDays !== undefined ? { configRetentionDays } : {}),
  });
  const children: ChildTasks = {
    trigger: ({ parentId, ...params }) => tasks.stored.trigger({ ...params, parent: { id: parentId } }),
    list: (parentId, definitionId) => tasks.stored.listChildren(parentId, definitionId),
  };
  const metrics = metricsConfig.enabled ? new StintMetrics({ storage, clock, cacheSeconds: metricsConfig.cacheSeconds }) : null;
  if (metrics) events.on("hook:error", ({ hook }) => metrics.hookFailed(hook));
  // A definition without retries (normalized: retry null) re-runs an attempt only after a lost lease.
  const hasRetryPolicy = (definitionId: string) => (definitions.get(definitionId)?.retry?.attempts ?? 1) > 1;
  const workers = new Set<Worker>();
  const tickers = new Set<ScheduleTicker>();
  const sweepers = new Set<RetentionSweeper>();
  const servers = new Set<ServerHandle>();
  let closed = false;

  const stint: Stint = {
    tasks,
    schedules,
    storage,
    definitions,
    clock,
    events,
    databaseUrl,
    metrics,
    createWorker(workerOptions) {
      if (closed) throw Errors.closed();
      const worker = new Worker({ storage, definitions, clock, children, signals, context: options.context }, { ...options.worker, ...workerOptions });
      workers.add(worker);
      if (metrics) {
        const unobserve = metrics.observeWorker(worker, hasRetryPolicy);
        worker.events.once("worker:stop", unobserve);
      }
      // The worker's schedule ticker runs while the worker does (docs/schedules.md).
      const ticker = new ScheduleTicker({ storage, definitions, clock, signals });
      worker.events.on("worker:start", () => {
        tickers.add(ticker);
        ticker.start();
      });
      worker.events.on("worker:stop", () => void ticker.stop());
      // Reported where the worker's own errors go (the CLI logs them).
      ticker.events.on("schedule:error", ({ scheduleId, error }) =>
        worker.events.emit("worker:error", { workerId: worker.workerId, error, during: scheduleId ? `tick schedule ${scheduleId}` : "tick schedules" }),
      );
      // And its retention sweeper: one process at a time sweeps, under a store lease.
      const sweeper = new RetentionSweeper({ storage, definitions, clock, holder: worker.workerId, ...(configRetentionDays !== undefined ? { configRetentionDays } : {}) });
      worker.events.on("worker:start", () => {
        sweepers.add(sweeper);
        sweeper.start();
      });
      worker.events.on("worker:stop", () => void sweeper.stop());
      sweeper.events.on("retention:error", ({ error }) =>
        worker.events.emit("worker:error", { workerId: worker.workerId, error, during: "sweep expired tasks" }),
      );
      return worker;
    },
    async startWorker(workerOptions) {
      const worker = stint.createWorker(workerOptions);
      worker.start();
      return worker;
    },
    async startServer(serverOptions = {}) {
      if (closed) throw Errors.closed();
      const { startGraphQLServer } = await import("./graphql/server.js");
      // The dashboard build is served at `/` unless a staticDir is given: `dist/dashboard/`
      // beside the compiled `dist/stint.js`, or the repository's when running from `src/`.
      let staticDir = serverOptions.staticDir ?? options.server?.staticDir;
      if (staticDir === undefined) {
        const { existsSync } = await import("node:fs");
        const { fileURLToPath } = await import("node:url");
        staticDir = ["./dashboard/", "../dist/dashboard/"]
          .map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)))
          .find((dir) => existsSync(`${dir}index.html`));
      }
      const server = await startGraphQLServer({
        service: tasks,
        schedules,
        ping: () => storage.ping(),
        ...(metrics ? { metrics, ...(metricsConfig.key ? { metricsKey: metricsConfig.key } : {}) } : {}),
        ...options.server,
        ...serverOptions,
        staticDir,
      });
      const handle: ServerHandle = {
        url: server.url,
        port: server.port,
        dashboardUrl: staticDir ? new URL("/", server.url).href : null,
        close: async () => {
          servers.delete(handle);
          await server.close();
        },
      };
      servers.add(handle);
      return handle;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...servers].map((s) => s.close()));
      await Promise.all([...workers].map((w) => w.stop()));
      await Promise.all([...tickers].map((t) => t.stop()));
      await Promise.all([...sweepers].map((s) => s.stop()));
      await storage.close();
    },
  };
  return stint;
}

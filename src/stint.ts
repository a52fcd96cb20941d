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
  const definitions = new DefinitionRegistry();
  definitions.registerAll(options.definitions ?? []);

  const databaseUrl = options.storage
    ? "(adapter)"
    : ((options.useEnv ?? true) ? process.env.STINT_DATABASE_URL : undefined) || options.database || DEFAULT_DATABASE_URL;
  const storage = options.storage ?? (await openStorage(databaseUrl));
  try {
    if (!options.skipMigrations) await storage.migrate();
  } catch (error) {
    await storage.close().catch(() => undefined);
    throw error;
  }

  const signals = new WorkerSignals();
  const events = new StintEvents();
  const tasks = new DefaultTaskService({
    storage,
    definitions,
    clock,
    signals,
    onHookError: (event) => events.emit("hook:error", event),
    context: options.context,
  });
  const children: ChildTasks = {
    trigger: ({ parentId, ...params }) => tasks.stored.trigger({ ...params, parent: { id: parentId } }),
    list: (parentId, definitionId) => tasks.stored.listChildren(parentId, definitionId),
  };
  const workers = new Set<Worker>();
  const servers = new Set<ServerHandle>();
  let closed = false;

  const stint: Stint = {
    tasks,
    storage,
    definitions,
    clock,
    events,
    databaseUrl,
    createWorker(workerOptions) {
      if (closed) throw Errors.closed();
      const worker = new Worker({ storage, definitions, clock, children, signals, context: options.context }, { ...options.worker, ...workerOptions });
      workers.add(worker);
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
        ping: () => storage.ping(),
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
      await storage.close();
    },
  };
  return stint;
}

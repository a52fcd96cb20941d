/**
 * A real `stint dev` for the dashboard: a child process (the CLI, as a user runs it) on a
 * SQLite file in a temp folder and a free port, serving the API and the dashboard build,
 * with a temporary config holding the definitions the browser tests drive: the CSV import
 * example and a long-running task that checkpoints every few steps (./long-running.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createStint, type Stint } from "../../src/index.js";
import type { ApiKeyConfig } from "../../src/graphql/auth.js";
import { importCsv } from "../../examples/csv-import/import-csv.js";
import { generateOrdersCsv } from "../../examples/csv-import/generate-csv.js";
import { startCli, type CliProcess } from "../cli/helpers.js";
import { longRunning } from "./long-running.js";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const DASHBOARD_BUILD = join(REPO_ROOT, "dist", "dashboard");
export const CHROMIUM = process.env.STINT_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const GRAPHIQL_BUILD = join(REPO_ROOT, "dist", "graphiql");

/**
 * Builds the dashboard and GraphiQL (dist/graphiql/) when a build is missing or older
 * than its sources (or when `force`).
 */
export function ensureDashboardBuilt(force = false): void {
  const sources = newestSource(join(REPO_ROOT, "dashboard"));
  for (const [dir, config] of [[DASHBOARD_BUILD, "dashboard/vite.config.ts"], [GRAPHIQL_BUILD, "dashboard/graphiql.vite.config.ts"]]) {
    const built = join(dir, "index.html");
    if (!force && existsSync(built) && sources <= statSync(built).mtimeMs) continue;
    execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--config", config, "--logLevel", "warn"], {
      cwd: REPO_ROOT,
      stdio: "inherit",
    });
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "scripts") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export { longRunning } from "./long-running.js";

export interface DashboardStint {
  /** The `stint dev` child process (the only worker); its output is in `dev.stdout` / `dev.stderr`. */
  dev: CliProcess;
  /**
   * A Stint in this process on the same SQLite file, for seeding and checking the store.
   * It runs no worker: tasks it triggers are picked up by `stint dev` on its next poll.
   */
  stint: Stint;
  /** `http://127.0.0.1:<port>`, where the dashboard is served. */
  origin: string;
  /** The GraphQL endpoint `stint dev` printed. */
  apiUrl: string;
  dir: string;
  csvFile: string;
  /** One GraphQL request to `stint dev`; throws on a transport or GraphQL error. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string): Promise<T>;
  /** Triggers through `stint dev`'s API (so its worker wakes at once); returns the task id. */
  trigger(definition: string, input: Record<string, unknown>, options?: { name?: string; delay?: number; key?: string }): Promise<string>;
  /** Aborts through `stint dev`'s API. */
  abort(id: string, options?: { message?: string; key?: string }): Promise<void>;
  /** Stops `stint dev` (SIGTERM, then SIGKILL), closes the store handle and removes the temp folder. */
  close(): Promise<void>;
}

/** The config `stint dev` loads: the dashboard tests' definitions, a quick worker, the given keys. */
function writeDevConfig(dir: string, apiKeys: ApiKeyConfig[] | undefined): string {
  const file = join(dir, "stint.config.ts");
  const importOf = (path: string) => JSON.stringify(pathToFileURL(join(REPO_ROOT, path)).href);
  const config = {
    definitions: "__DEFINITIONS__",
    // logFlushIntervalMs / progressIntervalMs are worker options the config type does not
    // list; `stint dev` passes the worker section through to the worker as is.
    worker: { concurrency: 4, pollIntervalMs: 100, logFlushIntervalMs: 100, progressIntervalMs: 100 },
    server: apiKeys ? { apiKeys } : {},
  };
  writeFileSync(
    file,
    [
      "// Written by tests/dashboard/harness.ts for one run of the dashboard tests.",
      `import { importCsv } from ${importOf("examples/csv-import/import-csv.ts")};`,
      `import { longRunning } from ${importOf("tests/dashboard/long-running.ts")};`,
      "",
      `export default ${JSON.stringify(config, null, 2).replace('"__DEFINITIONS__"', "[importCsv, longRunning]")};`,
      "",
    ].join("\n"),
  );
  return file;
}

/** Kills every `stint dev` still running if this process exits without `close()` (e.g. a crashed run). */
const running = new Set<CliProcess>();
process.once("exit", () => {
  for (const dev of running) dev.kill("SIGKILL");
});

/**
 * Starts a real `stint dev` child process (`node --import tsx src/cli/bin.ts dev`) on a
 * SQLite file in a temp folder and a free port, with a config that loads the CSV import
 * example and `longRunning`. The dashboard build must exist (see `ensureDashboardBuilt`):
 * `stint dev` serves `dist/dashboard/` at `/`. When it does not come up, it is killed and
 * the error carries its stdout and stderr.
 */
export async function startDashboardStint(options: { apiKeys?: ApiKeyConfig[]; csvRows?: number; port?: number } = {}): Promise<DashboardStint> {
  const dir = mkdtempSync(join(tmpdir(), "stint-dashboard-"));
  const csvFile = join(dir, "orders.csv");
  const database = `sqlite:${join(dir, "stint.db")}`;
  let dev: CliProcess | undefined;
  let stint: Stint | undefined;
  const stopDev = async () => {
    if (!dev) return;
    dev.kill("SIGTERM");
    await dev.exited(20_000).catch(() => dev!.kill("SIGKILL"));
    running.delete(dev);
  };
  try {
    await generateOrdersCsv(csvFile, options.csvRows ?? 20_000);
    const config = writeDevConfig(dir, options.apiKeys);
    dev = startCli(["dev", "--config", config, "--database", database, "--port", String(options.port ?? 0), "--host", "127.0.0.1"]);
    running.add(dev);
    const apiUrl = (await dev.waitForOutput(/API\s+(http:\/\/\S+\/graphql)/, 90_000))[1];
    const origin = new URL(apiUrl).origin;
    await expectDashboardServed(origin, dev);
    stint = await createStint({ database, definitions: [importCsv, longRunning], useEnv: false });
    const defaultKey = options.apiKeys?.find((k) => /w/.test(k.permissions))?.key;

    async function graphql<T>(query: string, variables: Record<string, unknown> = {}, key = defaultKey): Promise<T> {
      const response = await fetch(apiUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
      if (!response.ok || body.errors?.length || !body.data) {
        throw new Error(`GraphQL request failed (HTTP ${response.status}): ${JSON.stringify(body.errors ?? body)}`);
      }
      return body.data;
    }

    type Envelope = { data: { id: string } | null; error: { message: string; code: string } | null };
    const unwrap = (what: string, envelope: Envelope): { id: string } => {
      if (envelope.error || !envelope.data) throw new Error(`${what} failed: ${envelope.error?.code} ${envelope.error?.message}`);
      return envelope.data;
    };

    const handle: DashboardStint = {
      dev,
      stint,
      origin,
      apiUrl,
      dir,
      csvFile,
      graphql,
      async trigger(definition, input, { name, delay, key } = {}) {
        const data = await graphql<{ backgroundTasks: { triggerTask: Envelope } }>(
          `mutation Trigger($definition: WebinyBackgroundTaskDefinitionEnum!, $input: JSON, $name: String, $delay: Number) {
            backgroundTasks { triggerTask(definition: $definition, input: $input, name: $name, delay: $delay) { data { id } error { message code } } } }`,
          { definition, input, name: name ?? null, delay: delay ?? null },
          key,
        );
        return unwrap(`trigger ${definition}`, data.backgroundTasks.triggerTask).id;
      },
      async abort(id, { message, key } = {}) {
        const data = await graphql<{ backgroundTasks: { abortTask: Envelope } }>(
          `mutation Abort($id: ID!, $message: String) { backgroundTasks { abortTask(id: $id, message: $message) { data { id } error { message code } } } }`,
          { id, message: message ?? null },
          key,
        );
        unwrap(`abort ${id}`, data.backgroundTasks.abortTask);
      },
      async close() {
        try {
          await stopDev();
          await stint?.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
    return handle;
  } catch (error) {
    await stopDev();
    await stint?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `stint dev` must serve this repository's dashboard build at `/` (not GraphiQL, not another build). */
async function expectDashboardServed(origin: string, dev: CliProcess): Promise<void> {
  const response = await fetch(`${origin}/`, { headers: { accept: "text/html" } });
  const html = await response.text();
  if (!response.ok || html !== readFileSync(join(DASHBOARD_BUILD, "index.html"), "utf8")) {
    throw new Error(
      `stint dev at ${origin} does not serve the dashboard at / (HTTP ${response.status}).\n` +
        `body: ${html.slice(0, 300)}\nstdout: ${dev.stdout}\nstderr: ${dev.stderr}`,
    );
  }
}

/**
 * A real Stint for the dashboard: a SQLite file in a temp folder, a worker, the API
 * server serving the dashboard build, and the definitions the browser tests drive:
 * the CSV import example and a long-running task that checkpoints every half second.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createStint, TaskDefinition, type ServerHandle, type Stint } from "../../src/index.js";
import type { ApiKeyConfig } from "../../src/graphql/auth.js";
import { importCsv } from "../../examples/csv-import/import-csv.js";
import { generateOrdersCsv } from "../../examples/csv-import/generate-csv.js";

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

/** Builds the dashboard when its build is missing or older than its sources (or when `force`). */
export function ensureDashboardBuilt(force = false): void {
  const built = join(DASHBOARD_BUILD, "index.html");
  if (!force && existsSync(built) && newestSource(join(REPO_ROOT, "dashboard")) <= statSync(built).mtimeMs) return;
  execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "dashboard/vite.config.ts", "--logLevel", "warn"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
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

interface LongRunningInput {
  steps: number;
  stepMs?: number;
  /** Checkpoint: steps done so far. */
  step?: number;
}

/** Works in small steps with progress, and checkpoints every 5 steps until done or aborted. */
class LongRunning implements TaskDefinition.Interface<LongRunningInput, { steps: number }> {
  id = "longRunning";
  title = "Long-running sync";
  description = "Syncs records in small steps, checkpointing every five; runs until done or aborted.";
  maxIterations = 10_000;

  createInputValidation({ validator: z }: { validator: typeof import("zod").z }) {
    return z.object({
      steps: z.number().int().min(1).max(1_000_000).meta({ examples: [1000] }),
      stepMs: z.number().int().min(0).max(10_000).optional(),
      mode: z.enum(["incremental", "full"]).optional(),
      tags: z.array(z.string()).optional(),
      dryRun: z.boolean().optional(),
    });
  }

  async run({ input, controller }: TaskDefinition.RunParams<LongRunningInput, { steps: number }>) {
    let step = input.step ?? 0;
    const stepMs = input.stepMs ?? 100;
    for (let i = 0; i < 5 && step < input.steps; i++) {
      if (controller.runtime.isAborted()) return controller.response.aborted();
      await new Promise((r) => setTimeout(r, stepMs));
      step += 1;
      controller.progress.set({ done: step, total: input.steps, message: `${step} records synced` });
    }
    controller.logger.info({ message: `Synced ${step} of ${input.steps} records`, data: { step } });
    if (step >= input.steps) return controller.response.done({ steps: step });
    return controller.response.continue({ step });
  }
}

export const longRunning = TaskDefinition.createImplementation({ implementation: LongRunning });

export interface DashboardStint {
  stint: Stint;
  server: ServerHandle;
  origin: string;
  dir: string;
  csvFile: string;
  close(): Promise<void>;
}

export async function startDashboardStint(options: { apiKeys?: ApiKeyConfig[]; csvRows?: number; port?: number } = {}): Promise<DashboardStint> {
  const dir = mkdtempSync(join(tmpdir(), "stint-dashboard-"));
  const csvFile = join(dir, "orders.csv");
  await generateOrdersCsv(csvFile, options.csvRows ?? 20_000);
  const stint = await createStint({
    database: `sqlite:${join(dir, "stint.db")}`,
    definitions: [importCsv, longRunning],
    useEnv: false,
  });
  await stint.startWorker({ pollIntervalMs: 100, logFlushIntervalMs: 100, progressIntervalMs: 100, concurrency: 4 });
  const server = await stint.startServer({ port: options.port ?? 0, apiKeys: options.apiKeys, staticDir: DASHBOARD_BUILD });
  return {
    stint,
    server,
    origin: new URL(server.url).origin,
    dir,
    csvFile,
    async close() {
      await stint.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

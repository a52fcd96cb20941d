/**
 * The benchmark itself, without the CLI: runs the selected workloads on each store (and
 * graphile-worker beside Stint on PostgreSQL, run for run, so both see the same load)
 * and returns every figure as median/min/max. bench/run.ts prints it; the quick test
 * calls it directly.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg, totalmem } from "node:os";
import Database from "better-sqlite3";
import type { BenchConfig, StoreName, WorkloadName } from "./config.js";
import { graphileDrain, graphileLatency, graphileTrigger } from "./graphile/workloads.js";
import { GRAPHILE_VERSION } from "./graphile/settings.js";
import { summarize, type Percentiles, type Summary } from "./stats.js";
import { createBenchStore, postgresReachable, settlePostgres, walSharesNote, withPgClient } from "./stores.js";
import { stintCheckpoint } from "./workloads/checkpoint.js";
import { withStore } from "./workloads/common.js";
import { stintDrain, type DrainFigures } from "./workloads/drain.js";
import { stintLatency } from "./workloads/latency.js";
import { stintParentWake, type ParentWakeFigures } from "./workloads/parent-wake.js";
import { stintScale, type ScaleFigures } from "./workloads/scale.js";
import { stintTrigger, type TriggerFigures } from "./workloads/trigger.js";

export interface TriggerResult { oneByOne: Summary; batched: Summary }
export interface DrainResult {
  rate: Summary;
  peakRssMb: Summary;
  /** CPU per task (µs), when every run measured it (Linux; the server only when local). */
  workerCpuUs?: Summary;
  serverCpuUs?: Summary;
  /** WAL bytes written per task (PostgreSQL), when every run measured it. */
  walBytes?: Summary;
}
export interface LatencyResult { p50: Summary; p95: Summary; p99: Summary }
export interface CheckpointResult { msPerIteration: Summary; bareCommitMs: Summary }

export interface SystemResults {
  trigger?: TriggerResult;
  drain?: DrainResult;
  latency?: LatencyResult;
  /** From a child's finish commit to its waiting parent's next iteration (Stint only). */
  parentWake?: LatencyResult;
  /** The same from the child's `finishedOn` (before its finish's write). */
  parentWakeFromFinish?: LatencyResult;
  checkpoint?: CheckpointResult;
  scale?: ScaleFigures;
}

export interface SuiteResults {
  date: string;
  quick: boolean;
  sizes: BenchConfig["sizes"];
  environment: Environment;
  stint: Partial<Record<StoreName, SystemResults>>;
  /** graphile-worker on PostgreSQL (workloads 1–3). */
  graphile?: SystemResults;
  skipped: string[];
  /** Workloads that threw: the run goes on and the table says so. */
  failures: { system: string; workload: string; message: string }[];
  durationMs: number;
}

export interface Environment {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  loadBefore: number[];
  loadAfter: number[];
  node: string;
  sqlite: string;
  postgres: string | null;
  graphileWorker: string;
  /** `git rev-parse HEAD` and whether src/ had uncommitted changes, when run from a checkout. */
  commit: string | null;
}

export type Log = (line: string) => void;

export async function runSuite(config: BenchConfig, log: Log = () => {}): Promise<SuiteResults> {
  const started = performance.now();
  const loadBefore = loadavg();
  const commit = gitCommit(); // at the start: others may commit while a long run goes on
  const skipped: string[] = [];
  const stores = [...config.stores];
  if (stores.includes("postgres") && !(await postgresReachable(config.postgresUrl))) {
    stores.splice(stores.indexOf("postgres"), 1);
    skipped.push(`postgres (not reachable at ${config.postgresUrl})`);
    log(`*** PostgreSQL not reachable at ${config.postgresUrl}: skipped ***`);
  }
  const wants = (w: WorkloadName) => config.workloads.includes(w);
  const results: SuiteResults["stint"] = {};
  const graphile: SystemResults = {};
  const runs = config.sizes.runs;
  const sizes = config.sizes;
  const pgUrl = config.postgresUrl;
  const failures: SuiteResults["failures"] = [];
  /** Runs one workload; a throw is recorded (and logged) instead of ending the suite. */
  const attempt = async (system: string, workload: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ system, workload, message });
      log(`  FAILED ${system} ${workload}: ${message}`);
    }
  };
  const timeoutMs = sizes.sampleTimeoutS * 1000;

  for (const kind of stores) {
    const out: SystemResults = (results[kind] = {});
    const peer = kind === "postgres" && config.graphile;
    /** Before every sample on PostgreSQL (both systems): a checkpoint, see settlePostgres. */
    const settle = () => (kind === "postgres" ? settlePostgres(pgUrl) : Promise.resolve());
    const fresh = async () => {
      const store = await createBenchStore(kind, pgUrl);
      await settle();
      return store;
    };

    if (wants("trigger")) await attempt(kind, "trigger", async () => {
      log(`[${kind}] trigger: ${sizes.triggerCount} one by one, then in batches of ${sizes.triggerBatch}`);
      const s: TriggerFigures[] = [];
      const g: TriggerFigures[] = [];
      for (let run = 0; run < runs; run++) {
        s.push(await withStore(fresh, (store) => stintTrigger(store, sizes)));
        if (peer) g.push(await settle().then(() => graphileTrigger(pgUrl, sizes)));
      }
      out.trigger = triggerResult(s);
      if (peer) graphile.trigger = triggerResult(g);
    });

    if (wants("drain")) await attempt(kind, "drain", async () => {
      log(`[${kind}] drain: ${sizes.drainCount} queued, one worker process`);
      const s: DrainFigures[] = [];
      const g: DrainFigures[] = [];
      for (let run = 0; run < runs; run++) {
        s.push(await withStore(fresh, (store) => stintDrain(store, sizes.drainCount, sizes.fillBatch, timeoutMs)));
        log(`  stint run ${run + 1}: ${s[run].rate.toFixed(0)} tasks/s, peak RSS ${s[run].peakRssMb.toFixed(1)} MB${cpuNote(s[run])}`);
        if (peer) {
          g.push(await settle().then(() => graphileDrain(pgUrl, sizes.drainCount, sizes.fillBatch, timeoutMs)));
          log(`  graphile run ${run + 1}: ${g[run].rate.toFixed(0)} jobs/s, peak RSS ${g[run].peakRssMb.toFixed(1)} MB${cpuNote(g[run])}`);
        }
      }
      out.drain = drainResult(s);
      if (peer) graphile.drain = drainResult(g);
    });

    if (wants("latency")) await attempt(kind, "latency", async () => {
      log(`[${kind}] latency: ${sizes.latencyCount} triggers ${sizes.latencyGapMs} ms apart at an idle worker`);
      const s: Percentiles[] = [];
      const g: Percentiles[] = [];
      for (let run = 0; run < runs; run++) {
        s.push(await withStore(fresh, (store) => stintLatency(store, sizes)));
        if (peer) g.push(await settle().then(() => graphileLatency(pgUrl, sizes)));
      }
      out.latency = latencyResult(s);
      if (peer) graphile.latency = latencyResult(g);
    });

    if (wants("parent-wake")) await attempt(kind, "parent-wake", async () => {
      log(`[${kind}] parent-wake: ${sizes.parentWakeCount} parents waiting for a child, ${sizes.parentWakeGapMs} ms apart`);
      const s: ParentWakeFigures[] = [];
      for (let run = 0; run < runs; run++) {
        const f = await withStore(fresh, (store) => stintParentWake(store, sizes));
        s.push(f);
        const ms = (p: Percentiles) => `p50 ${p.p50.toFixed(1)}, p95 ${p.p95.toFixed(1)}, p99 ${p.p99.toFixed(1)} ms`;
        log(`  run ${run + 1}: ${f.samples} of ${sizes.parentWakeCount} parents waited; from the child's commit ${ms(f.fromCommit)}; from its finish's start ${ms(f.fromFinish)}`);
      }
      out.parentWake = latencyResult(s.map((f) => f.fromCommit));
      out.parentWakeFromFinish = latencyResult(s.map((f) => f.fromFinish));
    });

    if (wants("checkpoint")) await attempt(kind, "checkpoint", async () => {
      log(`[${kind}] checkpoint: one task, ${sizes.checkpointIterations} iterations`);
      const figures = [];
      for (let run = 0; run < runs; run++) figures.push(await withStore(fresh, (store) => stintCheckpoint(store, sizes, pgUrl)));
      out.checkpoint = {
        msPerIteration: summarize(figures.map((f) => f.msPerIteration)),
        bareCommitMs: summarize(figures.map((f) => f.bareCommitMs)),
      };
    });

    if (wants("scale")) await attempt(kind, "scale", async () => {
      log(`[${kind}] scale: ${sizes.scaleSample} drained of ${sizes.scaleLarge} vs of ${sizes.scaleSmall} queued; list at ${sizes.scaleLarge}`);
      out.scale = await stintScale(fresh, sizes);
      if (out.scale.error) {
        failures.push({ system: kind, workload: `scale: drain with ${sizes.scaleLarge} queued`, message: out.scale.error });
        log(`  FAILED ${kind} scale (large drain): ${out.scale.error}`);
      }
    });
  }

  return {
    date: new Date().toISOString(),
    quick: config.quick,
    sizes,
    environment: await environment(config, loadBefore, commit),
    stint: results,
    ...(Object.keys(graphile).length > 0 ? { graphile } : {}),
    skipped,
    failures,
    durationMs: performance.now() - started,
  };
}

function triggerResult(figures: TriggerFigures[]): TriggerResult {
  return { oneByOne: summarize(figures.map((f) => f.oneByOne)), batched: summarize(figures.map((f) => f.batched)) };
}
function drainResult(figures: DrainFigures[]): DrainResult {
  const measured = (values: (number | null)[]) => (values.every((v) => v !== null) ? summarize(values as number[]) : undefined);
  const workerCpuUs = measured(figures.map((f) => f.workerCpuUs));
  const serverCpuUs = measured(figures.map((f) => f.serverCpuUs));
  const walBytes = measured(figures.map((f) => f.walBytes));
  return {
    rate: summarize(figures.map((f) => f.rate)),
    peakRssMb: summarize(figures.map((f) => f.peakRssMb)),
    ...(workerCpuUs ? { workerCpuUs } : {}),
    ...(serverCpuUs ? { serverCpuUs } : {}),
    ...(walBytes ? { walBytes } : {}),
  };
}

function cpuNote(f: DrainFigures): string {
  if (f.workerCpuUs === null) return "";
  const wal = f.walBytes === null ? "" : `, WAL ${f.walBytes.toFixed(0)} B`;
  const hot = f.hotShare === null || f.hotShare === undefined ? "" : `, HOT updates ${(f.hotShare * 100).toFixed(0)} %`;
  const byType = walSharesNote(f.walByType);
  return `, CPU per task: worker ${f.workerCpuUs.toFixed(0)} µs${f.serverCpuUs === null ? "" : `, PostgreSQL ${f.serverCpuUs.toFixed(0)} µs`}${wal}${hot}` +
    (byType ? `\n    WAL per task by record type (bytes, records): ${byType}` : "");
}
function latencyResult(figures: Percentiles[]): LatencyResult {
  return { p50: summarize(figures.map((f) => f.p50)), p95: summarize(figures.map((f) => f.p95)), p99: summarize(figures.map((f) => f.p99)) };
}

async function environment(config: BenchConfig, loadBefore: number[], commit: string | null): Promise<Environment> {
  let cpuModel = "unknown";
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpuModel;
  } catch {
    // not Linux
  }
  const memory = new Database(":memory:");
  const sqlite = (memory.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  memory.close();
  let postgres: string | null = null;
  if (config.stores.includes("postgres") && (await postgresReachable(config.postgresUrl))) {
    postgres = await withPgClient(config.postgresUrl, async (client) => {
      const { rows } = await client.query<{ v: string; sc: string; fsync: string }>(
        "SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc, current_setting('fsync') AS fsync",
      );
      return `${rows[0].v} (synchronous_commit=${rows[0].sc}, fsync=${rows[0].fsync})`;
    });
  }
  return {
    cpus: availableParallelism(),
    cpuModel,
    memoryGb: totalmem() / 2 ** 30,
    loadBefore,
    loadAfter: loadavg(),
    node: process.version,
    sqlite,
    postgres,
    graphileWorker: GRAPHILE_VERSION,
    commit,
  };
}

function gitCommit(): string | null {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${head} (src/ modified)` : head;
  } catch {
    return null;
  }
}

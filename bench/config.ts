/**
 * Benchmark sizes and switches: full defaults (the issue's workloads), a `--quick` set
 * that only proves the harness works, and overrides from `--name=value` flags or
 * `BENCH_NAME` environment variables (flags win).
 */

/** A bad flag or value: the CLI prints the message and the usage hint, no stack. */
export class BenchUsageError extends Error {
  override name = "BenchUsageError";
}

export interface Sizes {
  /** Repetitions per figure; each figure is the median with min and max. */
  runs: number;
  /** Workload 1: triggers one by one, and in total through triggerMany. */
  triggerCount: number;
  triggerBatch: number;
  /** Workload 2/6: tasks queued before the worker process starts. */
  drainCount: number;
  /** Workload 3: triggers at an idle worker, `latencyGapMs` apart. */
  latencyCount: number;
  latencyGapMs: number;
  /** Parent wake-up: parent/child pairs, started `parentWakeGapMs` apart, each child held `parentWakeHoldMs`. */
  parentWakeCount: number;
  parentWakeGapMs: number;
  parentWakeHoldMs: number;
  /** Workload 4: iterations of the one continuing task; bare commits timed beside it. */
  checkpointIterations: number;
  commitSamples: number;
  /** Workload 5: tasks queued in the large and the small store, tasks drained per sample. */
  scaleLarge: number;
  scaleSmall: number;
  scaleSample: number;
  /** listTasks first-page calls timed at `scaleLarge` rows. */
  listSamples: number;
  /** Rows per triggerMany call when filling queues. */
  fillBatch: number;
  /** Seconds a drain sample may take before its worker process is killed and the sample fails. */
  sampleTimeoutS: number;
}

export const FULL: Sizes = {
  runs: 3,
  triggerCount: 10_000,
  triggerBatch: 1_000,
  drainCount: 100_000,
  latencyCount: 500,
  latencyGapMs: 5,
  parentWakeCount: 200,
  parentWakeGapMs: 100,
  parentWakeHoldMs: 500,
  checkpointIterations: 10_000,
  commitSamples: 2_000,
  scaleLarge: 1_000_000,
  scaleSmall: 20_000,
  scaleSample: 20_000,
  listSamples: 20,
  fillBatch: 10_000,
  sampleTimeoutS: 300,
};

export const QUICK: Sizes = {
  runs: 1,
  triggerCount: 200,
  triggerBatch: 50,
  drainCount: 500,
  latencyCount: 20,
  latencyGapMs: 5,
  parentWakeCount: 10,
  parentWakeGapMs: 100,
  parentWakeHoldMs: 500,
  checkpointIterations: 100,
  commitSamples: 50,
  scaleLarge: 2_000,
  scaleSmall: 200,
  scaleSample: 200,
  listSamples: 3,
  fillBatch: 1_000,
  sampleTimeoutS: 60,
};

export const WORKLOADS = ["trigger", "drain", "latency", "parent-wake", "checkpoint", "scale"] as const;
export type WorkloadName = (typeof WORKLOADS)[number];
export type StoreName = "sqlite" | "postgres";

export interface BenchConfig {
  quick: boolean;
  sizes: Sizes;
  stores: StoreName[];
  workloads: WorkloadName[];
  graphile: boolean;
  postgresUrl: string;
  /** Where the JSON goes; null: not written. */
  outDir: string | null;
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (key: string) => `BENCH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new BenchUsageError(`unknown argument ${arg} (flags look like --name or --name=value)`);
    flags.set(match[1], match[2] ?? "true");
  }
  const quick = flags.get("quick") === "true" || env.BENCH_QUICK === "1";
  const sizes: Sizes = { ...(quick ? QUICK : FULL) };
  for (const key of Object.keys(sizes) as (keyof Sizes)[]) {
    const flag = flags.get(kebab(key));
    const raw = flag ?? env[envName(key)];
    if (raw === undefined) continue;
    const value = Number(raw);
    const source = flag !== undefined ? `--${kebab(key)}` : envName(key);
    if (!Number.isInteger(value) || value < 1) throw new BenchUsageError(`${source} must be a positive integer, got ${raw}`);
    sizes[key] = value;
    flags.delete(kebab(key));
  }
  const list = <T extends string>(name: string, all: readonly T[]): T[] => {
    const raw = flags.get(name) ?? env[`BENCH_${name.toUpperCase()}`];
    if (!raw) return [...all];
    const picked = raw.split(",").map((s) => s.trim()).filter(Boolean);
    for (const item of picked) if (!all.includes(item as T)) throw new BenchUsageError(`--${name} accepts ${all.join(", ")}; got ${item}`);
    return picked as T[];
  };
  const known = new Set(["quick", "stores", "workloads", "no-graphile", "pg", "out", "no-json", ...Object.keys(sizes).map(kebab)]);
  for (const name of flags.keys()) if (!known.has(name)) throw new BenchUsageError(`unknown flag --${name}`);
  return {
    quick,
    sizes,
    stores: list<StoreName>("stores", ["sqlite", "postgres"]),
    workloads: list<WorkloadName>("workloads", WORKLOADS),
    graphile: flags.get("no-graphile") !== "true" && env.BENCH_NO_GRAPHILE !== "1",
    postgresUrl: flags.get("pg") ?? env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    outDir: flags.get("no-json") === "true" ? null : (flags.get("out") ?? "bench/results"),
  };
}

export const USAGE = `npm run bench -- [--quick] [--runs=N] [--stores=sqlite,postgres]
  [--workloads=${WORKLOADS.join(",")}] [--no-graphile] [--pg=postgres://...] [--out=dir] [--no-json]
  sizes: ${Object.keys(FULL).filter((k) => k !== "runs").map((k) => `--${kebab(k)}=N`).join(" ")}
  (each also as BENCH_<NAME> in the environment, e.g. BENCH_DRAIN_COUNT=20000)`;

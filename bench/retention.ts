/**
 * The retention sweep benchmark (docs/benchmarks.md "Retention sweep"), on its own: it
 * seeds a million old finished tasks per store, so it is not part of `npm run bench`.
 *
 *   npx tsc -p tsconfig.bench.json && node .bench-build/bench/retention.js \
 *     [--stores=sqlite,postgres] [--old=1000000] [--drain=20000] [--pairs=3] [--pg=postgres://...]
 */
import { loadavg } from "node:os";
import { createBenchStore, postgresReachable } from "./stores.js";
import { retentionWorkload } from "./workloads/retention.js";
import { quantile } from "./stats.js";

function flag(name: string, fallback: string): string {
  const found = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

const median = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5);

async function main(): Promise<void> {
  const stores = flag("stores", "sqlite,postgres").split(",") as ("sqlite" | "postgres")[];
  const old = Number(flag("old", "1000000"));
  const drain = Number(flag("drain", "20000"));
  const pairs = Number(flag("pairs", "3"));
  const pgUrl = flag("pg", process.env.STINT_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/test");
  const log = (line: string) => console.log(line);
  log(`retention bench: ${old} old tasks, drains of ${drain}, ${pairs} alternating pairs; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (const kind of stores) {
    if (kind === "postgres" && !(await postgresReachable(pgUrl))) {
      log("  postgres: not reachable, skipped");
      continue;
    }
    const store = await createBenchStore(kind, pgUrl);
    try {
      const f = await retentionWorkload(store, { old, drain, pairs, timeoutMs: 600_000 }, log);
      const without = median(f.drainWithout);
      const withSweep = median(f.drainWith);
      log(`${kind}: drain median without ${without.toFixed(0)} tasks/s, with the sweep ${withSweep.toFixed(0)} tasks/s ` +
        `(${(((withSweep - without) / without) * 100).toFixed(1)} %); sweep batches ${f.batchMs.count}: ` +
        `median ${f.batchMs.median.toFixed(1)} ms, p99 ${f.batchMs.p99.toFixed(1)} ms, max ${f.batchMs.max.toFixed(1)} ms; ` +
        `swept ${f.swept} at ${f.sweptPerSecond.toFixed(0)} tasks/s; seed ${(f.seedMs / 1000).toFixed(1)} s`);
      log(`  ${kind} samples: without ${f.drainWithout.map((r) => r.toFixed(0)).join(", ")}; with ${f.drainWith.map((r) => r.toFixed(0)).join(", ")}`);
    } finally {
      await store.cleanup();
    }
  }
  log(`load after ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

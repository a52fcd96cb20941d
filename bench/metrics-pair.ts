/**
 * Metrics on against metrics off, side by side: two worker processes (STINT_BENCH_METRICS
 * on and off) drain two equal queues at the same time, each on a store of its own, for
 * `--rounds` rounds (the start order swapped each round). On a machine shared with other
 * work, two drains that run at once see the same load, which one drain after the other
 * does not; their tasks/s and worker CPU per task are compared pair by pair.
 *
 *   node .bench-build/bench/metrics-pair.js [--store=sqlite|postgres] [--count=30000] [--rounds=3]
 *
 * Both drains share the machine's CPUs, so each runs slower than alone: the figures are
 * for the ratio, not for the drain's rate (that is `npm run bench`).
 */
import { loadavg } from "node:os";
import { WorkerProcess } from "./child.js";
import { perTask, readCpu } from "./cpu.js";
import { NOOP } from "./definitions.js";
import { rate } from "./stats.js";
import { createBenchStore, type BenchStore } from "./stores.js";
import { fill, openStint } from "./workloads/common.js";
import type { StoreName } from "./config.js";

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=") as [string, string]));
const kind = (args.get("store") ?? "postgres") as StoreName;
const count = Number(args.get("count") ?? 30_000);
const rounds = Number(args.get("rounds") ?? 3);
const postgresUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MODES = ["on", "off"] as const;

interface Side {
  mode: (typeof MODES)[number];
  store: BenchStore;
  child?: WorkerProcess;
}

const results: Record<string, { rate: number; cpuUs: number | null }[]> = { on: [], off: [] };
/** Per round, on against off: tasks/s and worker CPU per task, in % (negative: on is slower / cheaper). */
const ratios: { rate: number; cpu: number | null }[] = [];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? MODES : ([...MODES].reverse() as typeof MODES[number][]);
  const sides: Side[] = [];
  try {
    for (const mode of order) {
      const store = await createBenchStore(kind, postgresUrl);
      sides.push({ mode, store });
      const stint = await openStint(store);
      await fill(stint, NOOP, count, 10_000).finally(() => stint.close());
    }
    // The environment is read when the process is forked, so each side gets its own.
    for (const side of sides) {
      process.env.STINT_BENCH_METRICS = side.mode;
      side.child = await WorkerProcess.spawn("./worker-process.ts", { url: side.store.url, target: count });
    }
    const load = loadavg()[0];
    const runs = sides.map(async (side) => {
      const child = side.child!;
      const cpuBefore = readCpu(child.pid);
      const start = performance.now();
      child.send({ type: "start" });
      await child.next("reached", 600_000);
      const ms = performance.now() - start;
      const cpu = perTask(cpuBefore, readCpu(child.pid), count);
      await child.stop();
      return { mode: side.mode, rate: rate(count, ms), cpuUs: cpu.workerCpuUs };
    });
    const measured = await Promise.all(runs);
    for (const m of measured) results[m.mode].push({ rate: m.rate, cpuUs: m.cpuUs });
    const [on, off] = MODES.map((mode) => measured.find((m) => m.mode === mode)!);
    ratios.push({ rate: (on.rate / off.rate - 1) * 100, cpu: on.cpuUs && off.cpuUs ? (on.cpuUs / off.cpuUs - 1) * 100 : null });
    console.log(
      `round ${round + 1} (${order[0]} started first; load ${load.toFixed(1)}): ` +
        `on ${on.rate.toFixed(0)} tasks/s, ${on.cpuUs?.toFixed(0)} µs/task; off ${off.rate.toFixed(0)} tasks/s, ${off.cpuUs?.toFixed(0)} µs/task; ` +
        `on/off rate ${((on.rate / off.rate - 1) * 100).toFixed(1)} %, CPU ${on.cpuUs && off.cpuUs ? ((on.cpuUs / off.cpuUs - 1) * 100).toFixed(1) : "–"} %`,
    );
  } finally {
    for (const side of sides) {
      side.child?.kill();
      await side.store.cleanup();
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const summary = (mode: "on" | "off") => ({
  rate: median(results[mode].map((r) => r.rate)),
  cpuUs: median(results[mode].flatMap((r) => (r.cpuUs === null ? [] : [r.cpuUs]))),
});
const [on, off] = [summary("on"), summary("off")];
const cpuRatios = ratios.flatMap((r) => (r.cpu === null ? [] : [r.cpu]));
console.log(
  `${kind}, ${count} tasks, ${rounds} rounds, medians: on ${on.rate.toFixed(0)} tasks/s, ${on.cpuUs.toFixed(0)} µs/task; ` +
    `off ${off.rate.toFixed(0)} tasks/s, ${off.cpuUs.toFixed(0)} µs/task; median of the rounds' on/off: rate ${median(ratios.map((r) => r.rate)).toFixed(1)} %, ` +
    `CPU ${cpuRatios.length ? median(cpuRatios).toFixed(1) : "–"} %`,
);

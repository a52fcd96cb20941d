/**
 * What metrics add to one iteration, alone: the two per-task worker events (`task:start`,
 * `task:iteration`) with their payloads, emitted as the executor emits them, and the
 * StintMetrics listeners that count them. `off` emits nothing (no listener), as a worker
 * with metrics off. Prints CPU ns per iteration; under valgrind the instruction count is
 * the steadier figure on a shared machine (docs/benchmarks.md, "Metrics on vs off"):
 *
 *   node .bench-build/bench/metrics-observer.js [iterations] [on|off]
 *   valgrind --tool=cachegrind --cache-sim=no node .bench-build/bench/metrics-observer.js 300000 on
 *   (instructions per iteration: the difference between two iteration counts, divided)
 */
import { StintMetrics } from "../src/metrics/metrics.js";
import { WorkerEvents } from "../src/worker/events.js";
import { systemClock } from "../src/domain/clock.js";
import type { StorageAdapter } from "../src/storage/port/index.js";
import type { Task } from "../src/domain/task.js";

const iterations = Number(process.argv[2] ?? 1_000_000);
const mode = process.argv[3] ?? "on";
const events = new WorkerEvents();
if (mode === "on") {
  // Nothing scrapes, so the store is never read.
  const metrics = new StintMetrics({ storage: {} as StorageAdapter, clock: systemClock });
  metrics.observeWorker({ events, activeCount: 0, queuedCount: 0, options: { concurrency: 10 } }, () => false);
}
const task = { id: "t", definitionId: "benchNoop", iterations: 1, attempt: 1, createdOn: new Date(Date.now() - 5), startedOn: new Date() } as Task;

function iteration(i: number): void {
  if (events.listenerCount("task:start") > 0) events.emit("task:start", { task, iteration: task.iterations, attempt: task.attempt });
  if (events.listenerCount("task:iteration") > 0) events.emit("task:iteration", { task, status: "success", applied: true, durationMs: i % 7 });
}

for (let i = 0; i < 50_000; i++) iteration(i); // warm up (optimised code)
const before = process.cpuUsage();
for (let i = 0; i < iterations; i++) iteration(i);
const used = process.cpuUsage(before);
console.log(`metrics ${mode}: ${(((used.user + used.system) * 1000) / iterations).toFixed(0)} ns per iteration (${iterations} iterations)`);

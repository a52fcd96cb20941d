/**
 * Workloads 2 and 6: a worker process with default settings drains tasks queued before
 * it starts; timed from the start message to the report that the last one is stored
 * `success`, with the process's peak RSS. Workload 5 reuses `drainSample`.
 */
import type { Stint } from "../../src/stint.js";
import { WorkerProcess } from "../child.js";
import { perTask, readCpu } from "../cpu.js";
import { NOOP } from "../definitions.js";
import { rate } from "../stats.js";
import { hotShare, updateCounts, walByRecordType, walLsn, walPerTask, type BenchStore, type WalShare } from "../stores.js";
import { countTasks, fill, openStint } from "./common.js";

export interface DrainFigures {
  /** tasks/s */
  rate: number;
  /** MB (2^20 bytes) */
  peakRssMb: number;
  /** CPU per task, µs: the worker process's, and the local PostgreSQL server's (null: not measured). */
  workerCpuUs: number | null;
  serverCpuUs: number | null;
  /** Bytes of WAL written per task (PostgreSQL; null: not measured). */
  walBytes: number | null;
  /** The same WAL by record type, largest first (PostgreSQL with pg_walinspect; null: not measured). */
  walByType?: WalShare[] | null;
  /** The share of the queue table's updates that were HOT (PostgreSQL; null: not measured). */
  hotShare?: number | null;
}

export async function stintDrain(store: BenchStore, count: number, fillBatch: number, timeoutMs: number): Promise<DrainFigures> {
  const stint = await openStint(store);
  try {
    await fill(stint, NOOP, count, fillBatch);
    const figures = await drainSample(store, count, timeoutMs, { writeBreakdown: true });
    const stored = await countTasks(stint, NOOP, "success");
    if (stored !== count) throw new Error(`drain: expected ${count} tasks stored success, found ${stored}`);
    return figures;
  } finally {
    await stint.close();
  }
}

/**
 * Starts a worker process on `store` and times it until `target` tasks are stored done.
 * Past `timeoutMs` the process is killed and the sample fails, naming its peak RSS.
 */
export async function drainSample(store: BenchStore, target: number, timeoutMs: number, options: { writeBreakdown?: boolean } = {}): Promise<DrainFigures> {
  // The HOT share and the WAL by record type: the drain workload's, not every scale sample's.
  const serverUrl = options.writeBreakdown ? store.serverUrl : null;
  const child = await WorkerProcess.spawn("./worker-process.ts", { url: store.url, target });
  try {
    const walBefore = await store.walPosition();
    const lsnBefore = serverUrl ? await walLsn(serverUrl) : null;
    const updatesBefore = serverUrl ? await updateCounts(serverUrl, store.place, "tasks") : null;
    const cpuBefore = readCpu(child.pid);
    const start = performance.now();
    child.send({ type: "start" });
    try {
      await child.next("reached", timeoutMs);
    } catch (error) {
      const rss = child.peakRssNow();
      throw new Error(`${target} tasks not stored done within ${timeoutMs / 1000} s${rss ? ` (worker peak RSS ${(rss / 2 ** 20).toFixed(0)} MB when killed)` : ""}: ${(error as Error).message}`);
    }
    const ms = performance.now() - start;
    const cpu = perTask(cpuBefore, readCpu(child.pid), target);
    const walAfter = await store.walPosition();
    const lsnAfter = serverUrl ? await walLsn(serverUrl) : null;
    const result = await child.stop();
    const walByType = serverUrl ? await walByRecordType(serverUrl, store.place, lsnBefore, lsnAfter, target) : null;
    const updatesAfter = serverUrl ? await updateCounts(serverUrl, store.place, "tasks") : null;
    return {
      rate: rate(target, ms),
      peakRssMb: result.peakRss / 2 ** 20,
      workerCpuUs: cpu.workerCpuUs,
      // SQLite's store is inside the worker; a PostgreSQL server nearby would only be noise.
      serverCpuUs: store.kind === "postgres" ? cpu.serverCpuUs : null,
      walBytes: walPerTask(walBefore, walAfter, target),
      walByType,
      hotShare: hotShare(updatesBefore, updatesAfter),
    };
  } finally {
    child.kill();
  }
}

/** Queues `count` no-op tasks (for callers that keep one big queue across samples). */
export function queueNoops(stint: Stint, count: number, batch: number): Promise<void> {
  return fill(stint, NOOP, count, batch);
}

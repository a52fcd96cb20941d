/** graphile-worker on workloads 1 to 3, shaped like the Stint ones for side-by-side figures. */
import type { Sizes } from "../config.js";
import { WorkerProcess } from "../child.js";
import { perTask, readCpu } from "../cpu.js";
import { percentiles, rate, type Percentiles } from "../stats.js";
import { sleep } from "../workloads/common.js";
import type { DrainFigures } from "../workloads/drain.js";
import { fireSpaced } from "../workloads/latency.js";
import type { TriggerFigures } from "../workloads/trigger.js";
import { createGraphileStore, type GraphileStore } from "./store.js";
import { hotShare, updateCounts, walByRecordType, walLsn, walPerTask, walPosition } from "../stores.js";

async function withGraphile<T>(connectionString: string, fn: (store: GraphileStore) => Promise<T>): Promise<T> {
  const store = await createGraphileStore(connectionString);
  try {
    return await fn(store);
  } finally {
    await store.cleanup();
  }
}

export function graphileTrigger(connectionString: string, sizes: Sizes): Promise<TriggerFigures> {
  return withGraphile(connectionString, async (store) => {
    await store.utils.addJob("noop", {});
    let start = performance.now();
    for (let i = 0; i < sizes.triggerCount; i++) await store.utils.addJob("noop", { i });
    const oneByOne = rate(sizes.triggerCount, performance.now() - start);

    start = performance.now();
    await addMany(store, sizes.triggerCount, sizes.triggerBatch);
    const batched = rate(sizes.triggerCount, performance.now() - start);

    const stored = await store.remainingJobs();
    if (stored !== 2 * sizes.triggerCount + 1) throw new Error(`graphile trigger: expected ${2 * sizes.triggerCount + 1} jobs, found ${stored}`);
    return { oneByOne, batched };
  });
}

export function graphileDrain(connectionString: string, count: number, fillBatch: number, timeoutMs: number): Promise<DrainFigures> {
  return withGraphile(connectionString, async (store) => {
    await addMany(store, count, fillBatch);
    const child = await spawn(store, count);
    try {
      const walBefore = await walPosition(connectionString);
      const lsnBefore = await walLsn(connectionString);
      const updatesBefore = await updateCounts(connectionString, store.schema, "_private_jobs");
      const cpuBefore = readCpu(child.pid);
      const start = performance.now();
      child.send({ type: "start" });
      await child.next("reached", timeoutMs);
      // Done means stored: completions are batched, so wait for the last rows to go.
      while ((await store.remainingJobs()) > 0) await sleep(5);
      const ms = performance.now() - start;
      const cpu = perTask(cpuBefore, readCpu(child.pid), count);
      const walBytes = walPerTask(walBefore, await walPosition(connectionString), count);
      const lsnAfter = await walLsn(connectionString);
      const result = await child.stop();
      const walByType = await walByRecordType(connectionString, store.schema, lsnBefore, lsnAfter, count);
      const hot = hotShare(updatesBefore, await updateCounts(connectionString, store.schema, "_private_jobs"));
      return { rate: rate(count, ms), peakRssMb: result.peakRss / 2 ** 20, ...cpu, walBytes, walByType, hotShare: hot };
    } finally {
      child.kill();
    }
  });
}

export function graphileLatency(connectionString: string, sizes: Sizes): Promise<Percentiles> {
  return withGraphile(connectionString, async (store) => {
    const child = await spawn(store, sizes.latencyCount);
    try {
      child.send({ type: "start" });
      await child.next("started");
      await sleep(500);
      await fireSpaced(sizes.latencyCount, sizes.latencyGapMs, (t) => store.utils.addJob("latency", { t }));
      await child.next("reached", 60_000);
      const { latencies } = await child.stop();
      if (latencies.length !== sizes.latencyCount) throw new Error(`graphile latency: expected ${sizes.latencyCount} samples, got ${latencies.length}`);
      return percentiles(latencies);
    } finally {
      child.kill();
    }
  });
}

async function addMany(store: GraphileStore, count: number, batch: number): Promise<void> {
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    await store.utils.addJobs(Array.from({ length: n }, (_, k) => ({ identifier: "noop", payload: { i: done + k } })));
  }
}

function spawn(store: GraphileStore, target: number): Promise<WorkerProcess> {
  return WorkerProcess.spawn("./graphile/worker-process.ts", { connectionString: store.connectionString, schema: store.schema, target });
}

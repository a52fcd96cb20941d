/**
 * Workload 3: an idle worker, triggers `latencyGapMs` apart, time from just before the
 * trigger call to the start of run(). Both ends read wallMs() (performance.timeOrigin +
 * performance.now()), so a worker in another process is measured on the same clock.
 *
 * SQLite: the worker runs in this process (in-process wake-ups; SQLite has no
 * cross-process signal, another process would only see tasks on its next poll).
 * PostgreSQL: the worker is a separate process woken by NOTIFY.
 */
import type { Sizes } from "../config.js";
import { WorkerProcess } from "../child.js";
import { LATENCY } from "../definitions.js";
import { percentiles, wallMs, type Percentiles } from "../stats.js";
import type { BenchStore } from "../stores.js";
import { openStint, sleep } from "./common.js";

/** Idle time before the first trigger: the worker has finished its first look at the store. */
const SETTLE_MS = 500;

export async function stintLatency(store: BenchStore, sizes: Sizes, mode: "in-process" | "process" = store.kind === "sqlite" ? "in-process" : "process"): Promise<Percentiles> {
  const samples: number[] = [];
  const stint = await openStint(store, { onLatency: (ms) => samples.push(ms) });
  try {
    if (mode === "in-process") {
      await stint.startWorker();
      await sleep(SETTLE_MS);
      await fireSpaced(sizes.latencyCount, sizes.latencyGapMs, (t) => stint.tasks.trigger({ definition: LATENCY, input: { t } }));
      const deadline = Date.now() + 30_000;
      while (samples.length < sizes.latencyCount && Date.now() < deadline) await sleep(5);
    } else {
      const child = await WorkerProcess.spawn("./worker-process.ts", { url: store.url, target: sizes.latencyCount });
      try {
        child.send({ type: "start" });
        await child.next("started");
        await sleep(SETTLE_MS);
        await fireSpaced(sizes.latencyCount, sizes.latencyGapMs, (t) => stint.tasks.trigger({ definition: LATENCY, input: { t } }));
        await child.next("reached", 60_000);
        samples.push(...(await child.stop()).latencies);
      } finally {
        child.kill();
      }
    }
  } finally {
    await stint.close();
  }
  if (samples.length !== sizes.latencyCount) throw new Error(`latency: expected ${sizes.latencyCount} samples, got ${samples.length}`);
  return percentiles(samples);
}

/**
 * Calls `trigger(wallMs())` `count` times on a fixed schedule `gapMs` apart (not waiting
 * for the previous call, as independent callers would), then waits for all of them.
 */
export async function fireSpaced(count: number, gapMs: number, trigger: (t: number) => Promise<unknown>): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + i * gapMs - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(trigger(wallMs()));
  }
  await Promise.all(pending);
}

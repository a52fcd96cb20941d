/**
 * Workload 5: does the store slow down as it fills? Drain rate of a worker process over
 * the first `scaleSample` tasks of `scaleLarge` queued, against the same number drained
 * from `scaleSmall` queued; and the first page of listTasks (default order, totalCount
 * included, as the UI asks for it) at `scaleLarge` rows. Stint only.
 *
 * The large store is filled once; each sample drains the next `scaleSample` tasks of it,
 * so every sample runs with (scaleLarge - k·scaleSample) still queued.
 */
import type { Sizes } from "../config.js";
import { summarize, type Summary } from "../stats.js";
import type { BenchStore } from "../stores.js";
import { openStint, withStore } from "./common.js";
import { drainSample, queueNoops } from "./drain.js";

export interface ScaleFigures {
  /** Missing when the large drain failed (see `error`). */
  rateLarge?: Summary;
  rateSmall: Summary;
  /** rateLarge.median / rateSmall.median */
  ratio?: number;
  /** Why the large drain produced no figure. */
  error?: string;
  /** ms per first-page listTasks call at scaleLarge rows. */
  listFirstPageMs: Summary;
  fillMs: number;
}

export async function stintScale(createStore: () => Promise<BenchStore>, sizes: Sizes): Promise<ScaleFigures> {
  const sample = Math.min(sizes.scaleSample, sizes.scaleSmall);
  const small: number[] = [];
  for (let run = 0; run < sizes.runs; run++) {
    small.push(
      await withStore(createStore, async (store) => {
        const stint = await openStint(store);
        try {
          await queueNoops(stint, sizes.scaleSmall, sizes.fillBatch);
        } finally {
          await stint.close();
        }
        return (await drainSample(store, sample, sizes.sampleTimeoutS * 1000)).rate;
      }),
    );
  }

  return withStore(createStore, async (store) => {
    const stint = await openStint(store);
    try {
      const fillStart = performance.now();
      await queueNoops(stint, sizes.scaleLarge, sizes.fillBatch);
      const fillMs = performance.now() - fillStart;

      const listTimes: number[] = [];
      await stint.tasks.listTasks({ limit: 50 }); // warm-up
      for (let i = 0; i < sizes.listSamples; i++) {
        const start = performance.now();
        const page = await stint.tasks.listTasks({ limit: 50 });
        listTimes.push(performance.now() - start);
        if (page.items.length !== Math.min(50, sizes.scaleLarge)) throw new Error(`scale: list returned ${page.items.length} items`);
      }

      const rateSmall = summarize(small);
      const listFirstPageMs = summarize(listTimes);
      const large: number[] = [];
      try {
        for (let run = 0; run < sizes.runs; run++) large.push((await drainSample(store, sample, sizes.sampleTimeoutS * 1000)).rate);
      } catch (error) {
        return { rateSmall, listFirstPageMs, fillMs, error: (error as Error).message };
      }
      const rateLarge = summarize(large);
      return { rateLarge, rateSmall, ratio: rateLarge.median / rateSmall.median, listFirstPageMs, fillMs };
    } finally {
      await stint.close();
    }
  });
}

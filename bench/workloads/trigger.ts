/** Workload 1: trigger rate, one call per task and through triggerMany. */
import type { Sizes } from "../config.js";
import { NOOP } from "../definitions.js";
import { rate } from "../stats.js";
import type { BenchStore } from "../stores.js";
import { countTasks, fill, openStint } from "./common.js";

export interface TriggerFigures {
  /** tasks/s, `trigger()` awaited one after another. */
  oneByOne: number;
  /** tasks/s, `triggerMany()` in batches of `triggerBatch`. */
  batched: number;
}

export async function stintTrigger(store: BenchStore, sizes: Sizes): Promise<TriggerFigures> {
  const stint = await openStint(store);
  try {
    await stint.tasks.trigger({ definition: NOOP }); // warm-up: statements prepared, pool open
    let start = performance.now();
    for (let i = 0; i < sizes.triggerCount; i++) await stint.tasks.trigger({ definition: NOOP, input: { i } });
    const oneByOne = rate(sizes.triggerCount, performance.now() - start);

    start = performance.now();
    let i = 0;
    await fill(stint, NOOP, sizes.triggerCount, sizes.triggerBatch, () => ({ i: i++ }));
    const batched = rate(sizes.triggerCount, performance.now() - start);

    const stored = await countTasks(stint, NOOP, "pending");
    if (stored !== 2 * sizes.triggerCount + 1) throw new Error(`trigger: expected ${2 * sizes.triggerCount + 1} pending tasks, found ${stored}`);
    return { oneByOne, batched };
  } finally {
    await stint.close();
  }
}

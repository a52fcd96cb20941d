/** Helpers the workloads share: a Stint over a bench store, queue filling, sleeping. */
import { createStint, type Stint } from "../../src/stint.js";
import { benchDefinitions, type DefinitionSinks } from "../definitions.js";
import type { BenchStore } from "../stores.js";

export function openStint(store: BenchStore, sinks: DefinitionSinks = {}): Promise<Stint> {
  // STINT_BENCH_METRICS=off as in the worker process: the SQLite latency workload runs its worker here.
  return createStint({ database: store.url, definitions: benchDefinitions(sinks), useEnv: false, metrics: process.env.STINT_BENCH_METRICS !== "off" });
}

/** Queues `count` tasks of `definition` through triggerMany, `batch` per call. */
export async function fill(stint: Stint, definition: string, count: number, batch: number, input: () => Record<string, unknown> = () => ({})): Promise<void> {
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    await stint.tasks.triggerMany(Array.from({ length: n }, () => ({ definition, input: input() })));
  }
}

/** Tasks of `definition` stored with `status`, counted through the service (a list of one item). */
export async function countTasks(stint: Stint, definition: string, status: string): Promise<number> {
  const page = await stint.tasks.listTasks({ where: { definitionId: definition, taskStatus: status }, limit: 1 });
  return page.meta.totalCount;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `fn` against a fresh store and always cleans the store up. */
export async function withStore<T>(create: () => Promise<BenchStore>, fn: (store: BenchStore) => Promise<T>): Promise<T> {
  const store = await create();
  try {
    return await fn(store);
  } finally {
    await store.cleanup();
  }
}

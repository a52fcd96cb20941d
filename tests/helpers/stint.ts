/**
 * A Stint over a fresh store of the given kind, with a manual clock and a worker that
 * tests drive with `drain()` (or start as a loop). Closes and cleans up after itself.
 */
import { createStint, type Stint } from "../../src/stint.js";
import type { AnyTaskDefinition, TaskContextSource } from "../../src/definition/types.js";
import type { WorkerOptions } from "../../src/worker/options.js";
import type { Worker } from "../../src/worker/worker.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import type { StoreKind, TestStore } from "./stores.js";

export interface StintFixture {
  stint: Stint;
  clock: ManualClock;
  worker: Worker;
  store: TestStore;
  close(): Promise<void>;
}

export async function stintFixture(
  kind: StoreKind,
  definitions: AnyTaskDefinition[],
  options: { worker?: WorkerOptions; clock?: ManualClock; context?: TaskContextSource } = {},
): Promise<StintFixture> {
  const store = await kind.create();
  const clock = options.clock ?? new ManualClock();
  const stint = await createStint({ storage: store.adapter, definitions, clock, context: options.context, useEnv: false });
  const worker = stint.createWorker({ leaseMs: 60_000, ...options.worker });
  return {
    stint,
    clock,
    worker,
    store,
    async close() {
      await stint.close();
      await store.cleanup();
    },
  };
}

/** Resolves when `predicate` holds, polling every few ms; fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  predicate: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (predicate(value)) return value;
    if (Date.now() > end) throw new Error(`waitFor: condition not met within ${timeoutMs} ms (last value: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise with its resolve exposed, for holding an iteration open. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The task definitions every Stint workload uses. The worker process registers the same
 * ones, so a task triggered by the benchmark process runs there unchanged.
 */
import { createTaskDefinition } from "../src/definition/create-task-definition.js";
import type { AnyTaskDefinition } from "../src/definition/types.js";
import { wallMs } from "./stats.js";

export const NOOP = "benchNoop";
export const LATENCY = "benchLatency";
export const CHECKPOINT = "benchCheckpoint";
export const WAKE_PARENT = "benchWakeParent";
export const WAKE_CHILD = "benchWakeChild";

export interface LatencyInput {
  /** wallMs() just before the trigger call. */
  t: number;
}
export interface CheckpointInput {
  i: number;
  until: number;
}

export interface DefinitionSinks {
  /**
   * Called at the start of run() with trigger-to-start milliseconds (the latency probe),
   * or, by a waiting parent's next iteration, with the milliseconds since its child's
   * finish (the parent-wake workload).
   */
  onLatency?: (ms: number) => void;
}

/** Enough for the full checkpoint workload; the default (50) would stop it early. */
const MAX_CHECKPOINT_ITERATIONS = 1_000_000;

export function benchDefinitions(sinks: DefinitionSinks = {}): AnyTaskDefinition[] {
  return [
    createTaskDefinition({ id: NOOP, title: "Bench no-op", run: ({ response }) => response.done() }),
    createTaskDefinition<LatencyInput>({
      id: LATENCY,
      title: "Bench latency probe",
      run: ({ input, response }) => {
        sinks.onLatency?.(wallMs() - input.t);
        return response.done();
      },
    }),
    createTaskDefinition<CheckpointInput>({
      id: CHECKPOINT,
      title: "Bench checkpoint",
      maxIterations: MAX_CHECKPOINT_ITERATIONS,
      run: ({ input, response }) => (input.i >= input.until ? response.done() : response.continue({ i: input.i + 1, until: input.until })),
    }),
    // Parent wake-up: the parent waits for its child (triggered beside it by the workload,
    // held `holdMs`); the iteration after a wait that found the child unfinished reports
    // the time from the child's finish (its `finishedOn`, taken just before the finish's
    // write) to its own start, and stores that start (wallMs) as its output. A child not
    // stored yet: the wait ends at once, look again.
    createTaskDefinition<{ waitedFor?: boolean }>({
      id: WAKE_PARENT,
      title: "Bench waiting parent",
      maxIterations: 1_000,
      run: async ({ input, response, store }) => {
        const startedAt = wallMs();
        const [child] = await store.listChildTasks(WAKE_CHILD);
        if (child?.finishedOn) {
          if (!input.waitedFor) return response.done();
          sinks.onLatency?.(startedAt - child.finishedOn.getTime());
          return response.done({ startedAt }); // the workload matches it with the child's commit
        }
        return response.continue({ waitedFor: child !== undefined }, { waitForChildren: true });
      },
    }),
  ] as AnyTaskDefinition[];
}

/** The child of WAKE_PARENT: done after `holdMs`. Registered only where children are meant to run. */
export function wakeChildDefinition(): AnyTaskDefinition {
  return createTaskDefinition<{ holdMs: number }>({
    id: WAKE_CHILD,
    title: "Bench child",
    run: async ({ input, response }) => {
      await new Promise((resolve) => setTimeout(resolve, input.holdMs));
      return response.done();
    },
  }) as AnyTaskDefinition;
}

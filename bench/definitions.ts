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

export interface LatencyInput {
  /** wallMs() just before the trigger call. */
  t: number;
}
export interface CheckpointInput {
  i: number;
  until: number;
}

export interface DefinitionSinks {
  /** Called at the start of run() with trigger-to-start milliseconds. */
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
  ] as AnyTaskDefinition[];
}

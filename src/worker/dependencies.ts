/**
 * What a worker is built from (by `createStint`): the store, the definitions it runs, the
 * clock, and the instance's in-process channels. Its own file so the worker's parts can
 * name it without importing the worker.
 */
import type { Clock } from "../domain/clock.js";
import type { AnyTaskDefinition, TaskContextSource } from "../definition/types.js";
import type { ChildTasks } from "../runner/controller.js";
import type { StorageAdapter } from "../storage/port/index.js";
import type { WorkerSignals } from "./signals.js";

export interface DefinitionLookup {
  get(id: string): AnyTaskDefinition | undefined;
  ids(): string[];
}

export interface WorkerDependencies {
  storage: StorageAdapter;
  definitions: DefinitionLookup;
  clock: Clock;
  children: ChildTasks;
  /** In-process wake-ups from the TaskService of the same instance. */
  signals?: WorkerSignals;
  /** `createStint({ context })`: what v5 run() and hooks get as `context`. */
  context?: TaskContextSource;
}

/**
 * `stint/testing`: helpers for users' own tests. A Stint over an in-memory SQLite store
 * with a manual clock, and `runTask()` that runs one task to its end synchronously,
 * moving the clock over its waits instead of sleeping. And the storage contract suite
 * (`runStorageContract`), for an adapter of your own.
 */
import type { TaskInput } from "../domain/task.js";
import type { TaskRecord } from "../domain/task-record.js";
import { isTerminalStatus } from "../domain/task.js";
import type { AnyTaskDefinition, TaskContextSource, TaskDefinitionHandle } from "../definition/types.js";
import { createStint, type Stint } from "../stint.js";
import type { WorkerOptions } from "../worker/options.js";
import type { Worker } from "../worker/worker.js";
import { ManualClock } from "./manual-clock.js";
import { WAIT_FOREVER } from "../storage/finish-plan.js";

export { ManualClock };
export { runStorageContract, type ContractStore, type ContractTestApi, type StorageContractOptions } from "./contract/index.js";

/** A {@link Stint} for tests, with a manual clock and a worker that `runTask` drives step by step. */
export interface TestStint extends Stint {
  readonly clock: ManualClock;
  /** The worker `runTask` drives (not started as a loop). */
  readonly worker: Worker;
  /**
   * Triggers a task and runs it (and everything else that becomes due) until it is
   * finished, advancing the clock over waits and delays. At most `maxSteps` clock jumps.
   */
  runTask<I = TaskInput>(params: {
    definition: string | TaskDefinitionHandle<I, any>;
    input?: I;
    name?: string;
    delay?: number;
    maxSteps?: number;
  }): Promise<TaskRecord>;
  /** Runs due work until the given task is finished. */
  runUntilFinished(id: string, maxSteps?: number): Promise<TaskRecord>;
}

/** A Stint over an in-memory SQLite store and a {@link ManualClock}, for your tasks' tests: `runTask()` runs a task to its end without sleeping. */
export async function createTestStint(options: {
  definitions: AnyTaskDefinition[];
  /** Defaults to an in-memory SQLite store. */
  database?: string;
  clock?: ManualClock;
  worker?: WorkerOptions;
  /** As `createStint({ context })`: what v5 run() and hooks get as `context`. */
  context?: TaskContextSource;
}): Promise<TestStint> {
  const clock = options.clock ?? new ManualClock();
  const stint = await createStint({
    database: options.database ?? "sqlite::memory:",
    definitions: options.definitions,
    clock,
    context: options.context,
    useEnv: false,
  });
  const worker = stint.createWorker({ leaseMs: 60_000, ...options.worker });

  async function runUntilFinished(id: string, maxSteps = 10_000): Promise<TaskRecord> {
    for (let step = 0; step <= maxSteps; step++) {
      await worker.drain();
      const task = await stint.tasks.getTask(id);
      if (!task) throw new Error(`Task ${id} does not exist`);
      if (isTerminalStatus(task.taskStatus)) return task;
      const nextDue = await stint.storage.taskNextDueAt({ definitionIds: stint.definitions.ids() });
      // A wait for children without a timeout is due "never" (WAIT_FOREVER): no jump there.
      if (nextDue === null || nextDue >= WAIT_FOREVER) throw new Error(`Task ${id} is ${task.taskStatus} but nothing is due`);
      clock.set(Math.max(clock.now(), nextDue));
    }
    throw new Error(`Task ${id} did not finish within ${maxSteps} steps`);
  }

  return Object.assign(stint, {
    clock,
    worker,
    runUntilFinished,
    async runTask(params: Parameters<TestStint["runTask"]>[0]) {
      const { maxSteps, ...trigger } = params;
      const task = await stint.tasks.trigger(trigger as never);
      return runUntilFinished(task.id, maxSteps);
    },
  }) as TestStint;
}

/**
 * The `controller` handed to `run()`: responses, runtime (abort, time left, signal),
 * state, logger, child tasks and progress, all bound to one attempt of one iteration.
 */
import type { Task, TaskInput, TaskOutput } from "../domain/task.js";
import type { TaskController, AnyTaskDefinition, TaskDefinitionHandle } from "../definition/types.js";
import type { Clock } from "../domain/clock.js";
import type { StorageAdapter } from "../storage/port/index.js";
import { Errors } from "../domain/errors.js";
import { replaceNul } from "../domain/nul.js";
import { createResponse } from "../response/response.js";
import { shapeError } from "../response/error-shape.js";
import type { LogBuffer } from "./log-buffer.js";
import type { ProgressTracker } from "./progress.js";

/** How the runner reaches TaskService use cases without depending on the service. */
export interface ChildTasks {
  trigger(params: {
    definition: string | TaskDefinitionHandle<any, any>;
    input?: unknown;
    name?: string;
    delay?: number;
    parentId: string;
  }): Promise<Task>;
  list(parentId: string, definitionId?: string): Promise<Task[]>;
}

export interface IterationScope {
  /** The task as claimed; state updates replace it. */
  task: Task;
  definition: AnyTaskDefinition;
  /** The claim's fence; read at each write (the worker may renew it by re-claiming). */
  lease: { readonly leaseToken: number };
  storage: StorageAdapter;
  clock: Clock;
  /** Clock time at which the iteration's budget ends. */
  deadline: number;
  /** Built on first use: most iterations never read it. */
  signal(): AbortSignal;
  isAborted(): boolean;
  /** The worker is stopping or lost the lease: wrap up now (isCloseToTimeout answers true). */
  isStopping(): boolean;
  logs: LogBuffer;
  progress: ProgressTracker;
  children: ChildTasks;
}

export function createController<I = TaskInput, O = TaskOutput>(scope: IterationScope): TaskController<I, O> {
  const remainingMs = () => Math.max(0, scope.deadline - scope.clock.now());

  async function fencedUpdate(patch: { input?: TaskInput; output?: TaskOutput | null }): Promise<void> {
    patch = replaceNul(patch);
    const applied = await scope.storage.taskUpdate({
      id: scope.task.id,
      leaseToken: scope.lease.leaseToken,
      now: scope.clock.now(),
      ...patch,
    });
    if (!applied) throw Errors.leaseLost(scope.task.id);
    scope.task = { ...scope.task, ...patch, savedOn: new Date(scope.clock.now()) } as Task;
  }

  return {
    response: createResponse<I, O>({ now: () => scope.clock.now() }),
    runtime: {
      isAborted: () => scope.isAborted(),
      isCloseToTimeout: (seconds?: number) =>
        scope.isStopping() || remainingMs() < (seconds ? seconds : scope.definition.closeToTimeoutSeconds) * 1000,
      getRemainingSeconds: () => Math.floor(remainingMs() / 1000),
      getRemainingMilliseconds: remainingMs,
      get signal() {
        return scope.signal();
      },
    },
    state: {
      getTask: () => scope.task as unknown as Task<I, O>,
      getStatus: () => scope.task.taskStatus,
      getInput: () => scope.task.input as I,
      getOutput: () => scope.task.output as O | null,
      updateInput: (input) => fencedUpdate({ input: { ...scope.task.input, ...(input as TaskInput) } }),
      updateOutput: (output) => fencedUpdate({ output: { ...(scope.task.output ?? {}), ...(output as TaskOutput) } }),
    },
    logger: {
      info: ({ message, data }) => scope.logs.add({ type: "info", message: String(message), ...(data === undefined ? {} : { data }) }),
      error: ({ message, error, data }) =>
        scope.logs.add({
          type: "error",
          message: String(message),
          ...(error === undefined ? {} : { error: shapeError(error) }),
          ...(data === undefined ? {} : { data }),
        }),
    },
    task: {
      trigger: (params) =>
        scope.children.trigger({ ...params, parentId: scope.task.id }) as Promise<Task<any>>,
      listChildren: (definitionId) => scope.children.list(scope.task.id, definitionId),
    },
    progress: {
      set: (progress) => scope.progress.set(progress),
    },
  };
}

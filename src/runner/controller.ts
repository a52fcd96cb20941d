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
  /**
   * `userAborted`: only a user's abort is an abort. `stopped`: the worker is stopping or
   * lost the lease, so run() should wrap up (isCloseToTimeout answers true); it stays true
   * once asked, even if a user's abort follows.
   */
  abort: { readonly userAborted: boolean; readonly stopped: boolean };
  logs: LogBuffer;
  /** The progress tracker, created by the first `progress.set()`. */
  progress(): ProgressTracker;
  children: ChildTasks;
}

type Response = TaskController["response"];

/**
 * The response methods, one set per clock, shared by every iteration: they hold no
 * per-task state (they only describe an outcome). Each controller gets its own small
 * object holding them, so a test may still spy on `controller.response.done`.
 */
const responses = new WeakMap<Clock, Response>();
function responseFor(clock: Clock): Response {
  let methods = responses.get(clock);
  if (!methods) {
    methods = createResponse({ now: () => clock.now() });
    responses.set(clock, methods);
  }
  return { ...methods };
}

/**
 * The controller of one attempt. `runtime`, `state`, `logger`, `task` and `progress` are
 * built on first read (a short task often reads only `response`): every iteration used to
 * allocate two dozen closures, and in the drain benchmark that garbage, kept alive by tasks
 * waiting for their batch write, was much of the worker's GC time. They are own,
 * enumerable accessors (a spread or `Object.keys` sees every part, as before) with setters,
 * and their methods are closures, so they work detached (`const { isAborted } = controller.runtime`).
 */
export function createController<I = TaskInput, O = TaskOutput>(scope: IterationScope): TaskController<I, O> {
  type C = TaskController<I, O>;
  let runtime: C["runtime"] | undefined;
  let state: C["state"] | undefined;
  let logger: C["logger"] | undefined;
  let children: C["task"] | undefined;
  let progress: C["progress"] | undefined;
  return {
    response: responseFor(scope.clock) as C["response"],
    get runtime() {
      return (runtime ??= runtimeOf(scope));
    },
    set runtime(value) {
      runtime = value;
    },
    get state() {
      return (state ??= stateOf(scope) as unknown as C["state"]);
    },
    set state(value) {
      state = value;
    },
    get logger() {
      return (logger ??= loggerOf(scope));
    },
    set logger(value) {
      logger = value;
    },
    get task() {
      return (children ??= childrenOf(scope));
    },
    set task(value) {
      children = value;
    },
    get progress() {
      return (progress ??= { set: (value) => scope.progress().set(value) });
    },
    set progress(value) {
      progress = value;
    },
  };
}

function runtimeOf(scope: IterationScope): TaskController["runtime"] {
  const remainingMs = () => Math.max(0, scope.deadline - scope.clock.now());
  return {
    isAborted: () => scope.abort.userAborted,
    isCloseToTimeout: (seconds?: number) =>
      scope.abort.stopped || remainingMs() < (seconds ? seconds : scope.definition.closeToTimeoutSeconds) * 1000,
    getRemainingSeconds: () => Math.floor(remainingMs() / 1000),
    getRemainingMilliseconds: remainingMs,
    get signal() {
      return scope.signal();
    },
  };
}

function stateOf(scope: IterationScope): TaskController["state"] {
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
    getTask: () => scope.task,
    getStatus: () => scope.task.taskStatus,
    getInput: () => scope.task.input,
    getOutput: () => scope.task.output,
    updateInput: (input) => fencedUpdate({ input: { ...scope.task.input, ...(input as TaskInput) } }),
    updateOutput: (output) => fencedUpdate({ output: { ...(scope.task.output ?? {}), ...(output as TaskOutput) } }),
  };
}

function loggerOf(scope: IterationScope): TaskController["logger"] {
  return {
    info: ({ message, data }) => scope.logs.add({ type: "info", message: String(message), ...(data === undefined ? {} : { data }) }),
    error: ({ message, error, data }) =>
      scope.logs.add({
        type: "error",
        message: String(message),
        ...(error === undefined ? {} : { error: shapeError(error) }),
        ...(data === undefined ? {} : { data }),
      }),
  };
}

function childrenOf(scope: IterationScope): TaskController["task"] {
  return {
    trigger: (params) => scope.children.trigger({ ...params, parentId: scope.task.id }) as Promise<Task<any>>,
    listChildren: (definitionId) => scope.children.list(scope.task.id, definitionId),
  };
}

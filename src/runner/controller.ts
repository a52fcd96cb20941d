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
import { shapeError, stackOf, withStack } from "../response/error-shape.js";
import { toTaskRecord, type TaskRecord } from "../domain/task-record.js";
import { nextState } from "../definition/state-update.js";
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

// Symbol keys: the scope and the built parts stay out of Object.keys, JSON and logs, and
// (unlike #private fields) a Proxy around the controller still works.
const SCOPE = Symbol("scope");
const PARTS = Symbol("parts");

/**
 * The controller of one attempt. `runtime`, `state`, `logger`, `task` and `progress` are
 * built on first read (a short task often reads only `response`): every iteration used to
 * allocate two dozen closures, and in the drain benchmark that garbage, kept alive by tasks
 * waiting for their batch write, was much of the worker's GC time. They are accessors on
 * the class (an object literal with accessors was measured at a third of the drain: V8
 * builds each one through the runtime), with setters; their methods are closures, so they
 * work detached (`const { isAborted } = controller.runtime`). A spread of the controller
 * copies `response` only (README, "The controller").
 */
class IterationController<I, O> {
  readonly response: TaskController<I, O>["response"];
  private readonly [SCOPE]: IterationScope;
  private [PARTS]: Partial<Omit<TaskController<I, O>, "response">> = {};

  constructor(scope: IterationScope) {
    this[SCOPE] = scope;
    this.response = responseFor(scope.clock) as TaskController<I, O>["response"];
  }

  get runtime(): TaskController<I, O>["runtime"] {
    return (this[PARTS].runtime ??= runtimeOf(this[SCOPE]));
  }
  set runtime(value) {
    this[PARTS].runtime = value;
  }

  get state(): TaskController<I, O>["state"] {
    return (this[PARTS].state ??= stateOf(this[SCOPE]) as unknown as TaskController<I, O>["state"]);
  }
  set state(value) {
    this[PARTS].state = value;
  }

  get logger(): TaskController<I, O>["logger"] {
    return (this[PARTS].logger ??= loggerOf(this[SCOPE]));
  }
  set logger(value) {
    this[PARTS].logger = value;
  }

  get task(): TaskController<I, O>["task"] {
    return (this[PARTS].task ??= childrenOf(this[SCOPE]));
  }
  set task(value) {
    this[PARTS].task = value;
  }

  get progress(): TaskController<I, O>["progress"] {
    const scope = this[SCOPE];
    return (this[PARTS].progress ??= { set: (progress) => scope.progress().set(progress) });
  }
  set progress(value) {
    this[PARTS].progress = value;
  }
}

export function createController<I = TaskInput, O = TaskOutput>(scope: IterationScope): TaskController<I, O> {
  return new IterationController<I, O>(scope);
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
  // The Webiny-shaped record of scope.task, rebuilt only after the task changed.
  let record: { of: Task; value: TaskRecord } | undefined;
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
    getTask: () => {
      if (record?.of !== scope.task) record = { of: scope.task, value: toTaskRecord(scope.task) };
      return record.value;
    },
    getStatus: () => scope.task.taskStatus,
    getInput: () => scope.task.input,
    getOutput: () => scope.task.output,
    // An async body: a refused update is a rejection, like a failed write.
    updateInput: async (input) => fencedUpdate({ input: nextState("updateInput()", "input", scope.task.input, input) }),
    updateOutput: async (output) => fencedUpdate({ output: nextState("updateOutput()", "output", scope.task.output, output) }),
  };
}

function loggerOf(scope: IterationScope): TaskController["logger"] {
  return {
    info: ({ message, data }) => scope.logs.add({ type: "info", message: String(message), ...(data === undefined ? {} : { data }) }),
    // The stack stays with the logged error (Webiny's logger.error keeps it too).
    error: ({ message, error, data }) =>
      scope.logs.add({
        type: "error",
        message: String(message),
        ...(error === undefined ? {} : { error: withStack(shapeError(error), stackOf(error)) }),
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

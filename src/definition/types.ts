/**
 * What a developer writes. Two styles share one core: the controller style
 * (`TaskDefinition.createImplementation`, Webiny v6) and the plain-object style
 * (`createTaskDefinition`, Webiny v5). Both normalise to `AnyTaskDefinition`.
 */
import type { z } from "zod";
import type { Task, TaskInput, TaskOutput, TaskStatus } from "../domain/task.js";
import type { TaskRecord } from "../domain/task-record.js";
import type {
  ContinueOptions,
  TaskResponse,
  TaskResult,
  ResponseDone,
  ResponseContinue,
  ResponseError,
  ResponseAborted,
} from "../response/types.js";

/**
 * What `createStint({ context })` hands to v5 (`createTaskDefinition`) `run` and hooks as
 * `context`: an object, or a function called for each iteration and each hook (it may
 * return a promise). Default `{}`.
 */
export type TaskContextSource = object | (() => unknown);

/** `updateInput` / `updateOutput` take the fields to merge, or `(current) => next` (Webiny). */
export type StateUpdate<T> = Partial<T> | ((current: T) => T);

export interface TaskController<I = TaskInput, O = TaskOutput> {
  response: {
    done(output?: O): ResponseDone<O>;
    done(message: string | undefined, output?: O): ResponseDone<O>;
    continue(input: Partial<I>, options?: ContinueOptions): ResponseContinue<I>;
    error(error: unknown): ResponseError;
    aborted(): ResponseAborted;
  };
  runtime: {
    isAborted(): boolean;
    /** Remaining time under `seconds` (default: the definition's threshold, 3 minutes). */
    isCloseToTimeout(seconds?: number): boolean;
    getRemainingSeconds(): number;
    getRemainingMilliseconds(): number;
    /** Fires on abort and at the iteration's hard time budget. */
    signal: AbortSignal;
  };
  state: {
    /** The task in Webiny's shape (ISO dates, absent fields undefined). */
    getTask(): TaskRecord<I, O>;
    getStatus(): TaskStatus;
    getInput(): I;
    getOutput(): O | null;
    /** Shallow-merges the fields into the stored input, or stores what the callback returns. */
    updateInput(input: StateUpdate<I>): Promise<void>;
    /** Shallow-merges the fields into the stored output, or stores what the callback returns. */
    updateOutput(output: StateUpdate<O>): Promise<void>;
  };
  logger: {
    info(params: { message: string; data?: unknown }): void;
    error(params: { message: string; error?: unknown; data?: unknown }): void;
  };
  task: {
    trigger<CI = TaskInput>(params: {
      definition: string | TaskDefinitionHandle<CI, any>;
      input?: CI;
      name?: string;
      delay?: number;
    }): Promise<Task<CI>>;
    listChildren(definitionId?: string): Promise<Task[]>;
  };
  /** Stint: coalesced progress, stored on the task as `progress`. */
  progress: {
    set(progress: { done: number; total?: number; message?: string }): void;
  };
}

export interface DefinitionSummary {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly maxIterations: number;
}

export interface RunParams<I = TaskInput, O = TaskOutput> {
  input: I;
  controller: TaskController<I, O>;
  definition: DefinitionSummary;
}

/** A `controller.response.*` value or a plain Webiny v6 result object (`TaskResult`). */
export type RunResult<O = TaskOutput, I = TaskInput> =
  | TaskResponse<O, I>
  | TaskResult<O, I>
  | Promise<TaskResponse<O, I> | TaskResult<O, I>>;

/** v6 hooks (`TaskDefinition.Interface`): the stored task and the definition, as `run` gets it. */
export interface HookParams<I = TaskInput, O = TaskOutput> {
  task: TaskRecord<I, O>;
  definition: DefinitionSummary;
}

/** v5 hooks (`createTaskDefinition`): the stored task and the Stint's `context`. */
export interface PlainHookParams<I = TaskInput, O = TaskOutput, C = unknown> {
  context: C;
  task: TaskRecord<I, O>;
}

/** What the runner hands a handle's hook; the handle adds `definition` or `context`. */
export interface HandleHookParams<I = TaskInput, O = TaskOutput> {
  task: TaskRecord<I, O>;
}
export interface BeforeTriggerParams<I = TaskInput> {
  /** v5 (createTaskDefinition) definitions only: `createStint({ context })`, resolved; `{}` by default. */
  context?: unknown;
  /** As Webiny builds it: `name` defaults to the title, `input` to `{}`; `parentId` is absent without a parent. */
  data: { definitionId: string; name: string; input: I; parentId?: string };
}

export type InputValidation = z.ZodType | Record<string, z.ZodType>;

/** Members shared by both authoring styles; `H` is what the terminal hooks receive. */
interface DefinitionCommon<I, O, H> {
  id: string;
  title: string;
  description?: string;
  /** Default 50. */
  maxIterations?: number;
  /** v6 name; false turns stored logs off. Default on. */
  databaseLogs?: boolean;
  /** v5 name; true turns stored logs off. */
  disableDatabaseLogs?: boolean;
  isPrivate?: boolean;
  /** Stint: the time budget of one iteration, in seconds. Default: the worker's (15 min). */
  timeout?: number;
  /** Stint: `isCloseToTimeout()`'s default threshold, in seconds. Default 180. */
  closeToTimeoutSeconds?: number;
  /**
   * Stint: retry an iteration that throws or runs out of its time budget, from the last
   * checkpoint. `continue` never uses up an attempt. Default: no retries (Webiny).
   */
  retry?: RetryPolicy;
  /**
   * Stint: run iterations in a worker thread that the worker can terminate at the hard
   * timeout (for CPU-bound code that never yields). Needs `module`.
   * Default: "none" (in the worker's own thread), or the worker's `isolation` setting.
   */
  isolation?: "none" | "thread";
  /** Stint: URL of the module exporting this definition (`import.meta.url`), for isolation. */
  module?: string;
  createInputValidation?(params: { validator: typeof z }): InputValidation;
  onBeforeTrigger?(params: BeforeTriggerParams<I>): void | Promise<void>;
  onDone?(params: H): void | Promise<void>;
  onError?(params: H): void | Promise<void>;
  onAbort?(params: H): void | Promise<void>;
  onMaxIterations?(params: H): void | Promise<void>;
}

export interface RetryPolicy {
  /** Runs of one iteration in all, the first included (3 = up to 2 retries). */
  attempts: number;
  /** @defaultValue 1 */
  initialDelaySeconds?: number;
  /** @defaultValue 2 */
  factor?: number;
  /** @defaultValue 300 */
  maxDelaySeconds?: number;
  /** Randomise each delay between half and all of it, so retries do not stampede. @defaultValue true */
  jitter?: boolean;
}

export type ResolvedRetryPolicy = Required<RetryPolicy>;

/** Controller style (Webiny v6). */
export interface TaskDefinitionInterface<I = TaskInput, O = TaskOutput> extends DefinitionCommon<I, O, HookParams<I, O>> {
  run(params: RunParams<I, O>): RunResult<O, I>;
}

/** Plain-object style (Webiny v5) run params. */
export interface PlainRunParams<I = TaskInput, O = TaskOutput, C = unknown> {
  context: C;
  input: I;
  response: TaskController<I, O>["response"];
  isCloseToTimeout(seconds?: number): boolean;
  isAborted(): boolean;
  store: {
    /** The task in Webiny's shape (ISO dates, absent fields undefined). */
    getTask(): TaskRecord<I, O>;
    getStatus(): TaskStatus;
    getInput(): I;
    getOutput(): O | null;
    updateInput(input: StateUpdate<I>): Promise<void>;
    updateOutput(output: StateUpdate<O>): Promise<void>;
    /**
     * Webiny v5's `store.updateTask(data | (task) => data)`. Stint stores `input` and
     * `output` (as updateInput/updateOutput with an object); the fields the runner owns
     * (status, iterations, dates, executionName, name, eventResponse) are refused.
     */
    updateTask(update: TaskUpdate<I, O> | ((task: TaskRecord<I, O>) => TaskUpdate<I, O>)): Promise<void>;
    addInfoLog(params: { message: string; data?: unknown }): Promise<void>;
    addErrorLog(params: { message: string; error?: unknown; data?: unknown }): Promise<void>;
    listChildTasks(definitionId?: string): Promise<Task[]>;
  };
  trigger: TaskController<I, O>["task"]["trigger"];
  /** Stint addition: coalesced progress, as `controller.progress`. */
  progress: TaskController<I, O>["progress"];
}

/** Webiny v5's `ITaskUpdateData`: the shape `store.updateTask()` takes. */
export interface TaskUpdate<I = TaskInput, O = TaskOutput> {
  input?: Partial<I>;
  output?: Partial<O>;
  name?: string;
  taskStatus?: TaskStatus;
  executionName?: string;
  startedOn?: string;
  finishedOn?: string;
  eventResponse?: Record<string, unknown>;
  iterations?: number;
}

export interface PlainTaskDefinition<I = TaskInput, O = TaskOutput, C = unknown>
  extends DefinitionCommon<I, O, PlainHookParams<I, O, C>> {
  run(params: PlainRunParams<I, O, C>): RunResult<O, I>;
}

/**
 * The normalised, registered form the runner and service use. Input/output types live
 * only in the phantom `__types` so a handle can type-check `trigger({ definition, input })`.
 */
export interface TaskDefinitionHandle<I = TaskInput, O = TaskOutput> {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly maxIterations: number;
  readonly databaseLogs: boolean;
  readonly isPrivate: boolean;
  /** Seconds, or undefined for the worker's default. */
  readonly timeout: number | undefined;
  readonly closeToTimeoutSeconds: number;
  readonly retry: ResolvedRetryPolicy | null;
  /** Undefined: follow the worker's setting. */
  readonly isolation: "none" | "thread" | undefined;
  readonly module: string | null;
  /** Returns invalid fields (Webiny's shape) or null when the input is valid / unchecked. */
  validateInput(input: unknown): Promise<InvalidFields | null>;
  /** JSON Schema of the input (from zod), or null when the definition has no validation. */
  inputJsonSchema(): Record<string, unknown> | null;
  /**
   * `context` reaches plain-object (v5) definitions as `run({ context })` (resolved when
   * it is a function); default `{}`. Resolves to what run() returned, unchecked: the
   * runner reads it (`readResult`).
   */
  run(params: RunParams<I, O>, context?: TaskContextSource): Promise<unknown>;
  /** v5 definitions get `{ context, data }`, v6 ones `{ data }`. */
  onBeforeTrigger?(params: BeforeTriggerParams<I>, context?: TaskContextSource): Promise<void>;
  /** v6 definitions get `{ task, definition }`, v5 ones `{ context, task }`. */
  onDone?(params: HandleHookParams<I, O>, context?: TaskContextSource): Promise<void>;
  onError?(params: HandleHookParams<I, O>, context?: TaskContextSource): Promise<void>;
  onAbort?(params: HandleHookParams<I, O>, context?: TaskContextSource): Promise<void>;
  onMaxIterations?(params: HandleHookParams<I, O>, context?: TaskContextSource): Promise<void>;
  readonly __types?: { input: I; output: O };
}

export type AnyTaskDefinition = TaskDefinitionHandle<any, any>;

export type InvalidFields = Record<string, { code: string; message: string; data: { path: (string | number)[] } }>;

export type { TaskResponse };

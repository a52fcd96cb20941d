/**
 * What a developer writes. Two styles share one core: the controller style
 * (`TaskDefinition.createImplementation`, Webiny v6) and the plain-object style
 * (`createTaskDefinition`, Webiny v5). Both normalise to `AnyTaskDefinition`.
 */
import type { ConcurrencyOptions, ResolvedConcurrency } from "./concurrency.js";
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

/** What `run()` gets in the Webiny v6 style (`controller`): the response to return, the time budget, the task's state, its logger, child tasks and progress. */
export interface TaskController<I = TaskInput, O = TaskOutput> {
  response: {
    /** Finishes the task with `output`: status `success`, then `onDone`. */
    done(output?: O): ResponseDone<O>;
    /** Finishes the task with a message and `output`: status `success`, then `onDone`. */
    done(message: string | undefined, output?: O): ResponseDone<O>;
    /** Checkpoint: merges `input` into the stored input and runs the next iteration (after `options.seconds` or at `options.date`, when given). */
    continue(input: Partial<I>, options?: ContinueOptions): ResponseContinue<I>;
    /** Fails the task with this error: status `failed` (or a retry, when the definition has a retry policy), then `onError`. */
    error(error: unknown): ResponseError;
    /** Ends the task as `aborted`, then `onAbort`. */
    aborted(): ResponseAborted;
  };
  runtime: {
    /** True once the task has been aborted by a user. */
    isAborted(): boolean;
    /** Remaining time under `seconds` (default: the definition's threshold, 3 minutes). */
    isCloseToTimeout(seconds?: number): boolean;
    /** Seconds left of this iteration's time budget. */
    getRemainingSeconds(): number;
    /** Milliseconds left of this iteration's time budget. */
    getRemainingMilliseconds(): number;
    /** Fires on abort and at the iteration's hard time budget. */
    signal: AbortSignal;
  };
  state: {
    /** The task in Webiny's shape (ISO dates, absent fields undefined). */
    getTask(): TaskRecord<I, O>;
    /** The task's status. */
    getStatus(): TaskStatus;
    /** The task's current input. */
    getInput(): I;
    /** The task's current output, or null. */
    getOutput(): O | null;
    /** Shallow-merges the fields into the stored input, or stores what the callback returns. */
    updateInput(input: StateUpdate<I>): Promise<void>;
    /** Shallow-merges the fields into the stored output, or stores what the callback returns. */
    updateOutput(output: StateUpdate<O>): Promise<void>;
  };
  logger: {
    /** Appends an info item to the task's log. */
    info(params: { message: string; data?: unknown }): void;
    /** Appends an error item to the task's log. */
    error(params: { message: string; error?: unknown; data?: unknown }): void;
  };
  task: {
    /** Triggers a child task of this task (its parent id is this task's). */
    trigger<CI = TaskInput>(params: {
      definition: string | TaskDefinitionHandle<CI, any>;
      input?: CI;
      name?: string;
      delay?: number;
    }): Promise<Task<CI>>;
    /** The child tasks of this task, optionally of one definition. */
    listChildren(definitionId?: string): Promise<Task[]>;
  };
  /** Stint: coalesced progress, stored on the task as `progress`. */
  progress: {
    /** Sets the task's progress (written at most once per `progressIntervalMs`). */
    set(progress: { done: number; total?: number; message?: string }): void;
  };
}

/** The definition as `run()` sees it in `params.definition`. */
export interface DefinitionSummary {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly maxIterations: number;
}

/** The parameters of `run()` in the Webiny v6 style (`TaskDefinition.createImplementation`). */
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
/** The parameters of `onBeforeTrigger`: what is about to be stored. Throw to refuse the trigger. */
export interface BeforeTriggerParams<I = TaskInput> {
  /** v5 (createTaskDefinition) definitions only: `createStint({ context })`, resolved; `{}` by default. */
  context?: unknown;
  /** As Webiny builds it: `name` defaults to the title, `input` to `{}`; `parentId` is absent without a parent. */
  data: { definitionId: string; name: string; input: I; parentId?: string };
}

/** A zod schema for the input, or an object of zod schemas (one per input field). */
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
  /**
   * Stint (flow control): at most `limit` tasks of this definition `running` at once across
   * every worker, per `key(input)` when given. A task waiting between iterations keeps its
   * place. Default: no limit.
   */
  concurrency?: ConcurrencyOptions<I>;
  /**
   * Webiny 6.3: once a task of this definition succeeded (and its `onDone` ran), the
   * worker deletes it, its logs and its finished child tasks. Failed and aborted tasks
   * are kept. Default false.
   */
  selfCleanup?: boolean;
  /**
   * Stint: keep finished tasks of this definition `days` days (0: forever) instead of the
   * stored or configured retention (docs/run-history.md). Default: those.
   */
  retention?: { days: number };
  /** The input's zod schema; a trigger with an input it refuses fails with `VALIDATION_FAILED_INVALID_FIELDS`. */
  createInputValidation?(params: { validator: typeof z }): InputValidation;
  /** Runs before a task of this definition is stored; throwing refuses the trigger (`TASK_TRIGGER_VETOED`). */
  onBeforeTrigger?(params: BeforeTriggerParams<I>): void | Promise<void>;
  /** Runs once after the task succeeded. */
  onDone?(params: H): void | Promise<void>;
  /** Runs once after the task failed. */
  onError?(params: H): void | Promise<void>;
  /** Runs once after the task was aborted. */
  onAbort?(params: H): void | Promise<void>;
  /** Runs once after the task failed by reaching `maxIterations`. */
  onMaxIterations?(params: H): void | Promise<void>;
}

/** How a failed task is retried: `attempts` in all, with exponential backoff between them. */
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

/** A {@link RetryPolicy} with every default filled in. */
export type ResolvedRetryPolicy = Required<RetryPolicy>;

/** Controller style (Webiny v6). */
export interface TaskDefinitionInterface<I = TaskInput, O = TaskOutput> extends DefinitionCommon<I, O, HookParams<I, O>> {
  /** One iteration of the task: returns `done`, `continue` (a checkpoint), `error` or `aborted`. */
  run(params: RunParams<I, O>): RunResult<O, I>;
}

/** Plain-object style (Webiny v5) run params. */
export interface PlainRunParams<I = TaskInput, O = TaskOutput, C = unknown> {
  context: C;
  input: I;
  response: TaskController<I, O>["response"];
  /** True when less than `seconds` (default: the definition's `closeToTimeoutSeconds`) of the budget is left: time to `continue`. */
  isCloseToTimeout(seconds?: number): boolean;
  /** True once the task has been aborted by a user. */
  isAborted(): boolean;
  store: {
    /** The task in Webiny's shape (ISO dates, absent fields undefined). */
    getTask(): TaskRecord<I, O>;
    /** The task's status. */
    getStatus(): TaskStatus;
    /** The task's current input. */
    getInput(): I;
    /** The task's current output, or null. */
    getOutput(): O | null;
    /** Merges `input` into the task's stored input. */
    updateInput(input: StateUpdate<I>): Promise<void>;
    /** Merges `output` into the task's stored output. */
    updateOutput(output: StateUpdate<O>): Promise<void>;
    /**
     * Webiny v5's `store.updateTask(data | (task) => data)`. Stint stores `input` and
     * `output` (as updateInput/updateOutput with an object); the fields the runner owns
     * (status, iterations, dates, executionName, name, eventResponse) are refused.
     */
    updateTask(update: TaskUpdate<I, O> | ((task: TaskRecord<I, O>) => TaskUpdate<I, O>)): Promise<void>;
    /** Appends an info item to the task's log. */
    addInfoLog(params: { message: string; data?: unknown }): Promise<void>;
    /** Appends an error item to the task's log. */
    addErrorLog(params: { message: string; error?: unknown; data?: unknown }): Promise<void>;
    /** The child tasks of this task, optionally of one definition. */
    listChildTasks(definitionId?: string): Promise<Task[]>;
  };
  /** Triggers a child task of this task. */
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

/** A definition in the Webiny v5 style, as given to `createTaskDefinition`. */
export interface PlainTaskDefinition<I = TaskInput, O = TaskOutput, C = unknown>
  extends DefinitionCommon<I, O, PlainHookParams<I, O, C>> {
  /** One iteration of the task: returns `response.done`, `continue` (a checkpoint), `error` or `aborted`. */
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
  /** Flow control: the concurrency limit, or null (none). */
  readonly concurrency: ResolvedConcurrency | null;
  /** Delete the task, its logs and finished children once it succeeded. */
  readonly selfCleanup: boolean;
  /** This definition's own retention in days, or undefined (the stored or configured one). */
  readonly retentionDays: number | undefined;
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
  /** Runs before a task of this definition is stored; throwing refuses the trigger. v5 definitions get `{ context, data }`, v6 ones `{ data }`. */
  onBeforeTrigger?(params: BeforeTriggerParams<I>, context?: TaskContextSource): Promise<void>;
  /** v6 definitions get `{ task, definition }`, v5 ones `{ context, task }`. */
  onDone?(params: HandleHookParams<I, O>, context?: TaskContextSource): Promise<void>;
  /** Runs once after the task failed. */
  onError?(params: HandleHookParams<I, O>, context?: TaskContextSource): Promise<void>;
  /** Runs once after the task was aborted. */
  onAbort?(params: HandleHookParams<I, O>, context?: TaskContextSource): Promise<void>;
  /** Runs once after the task reached `maxIterations`. */
  onMaxIterations?(params: HandleHookParams<I, O>, context?: TaskContextSource): Promise<void>;
  readonly __types?: { input: I; output: O };
}

/** A definition of any input and output, as registries and configs hold them. */
export type AnyTaskDefinition = TaskDefinitionHandle<any, any>;

/** Why an input was refused, by field path: zod's code and message for each. */
export type InvalidFields = Record<string, { code: string; message: string; data: { path: (string | number)[] } }>;

export type { TaskResponse };

/**
 * What a developer writes. Two styles share one core: the controller style
 * (`TaskDefinition.createImplementation`, Webiny v6) and the plain-object style
 * (`createTaskDefinition`, Webiny v5). Both normalise to `AnyTaskDefinition`.
 */
import type { z } from "zod";
import type { Task, TaskInput, TaskOutput, TaskStatus } from "../domain/task.js";
import type { ContinueOptions, TaskResponse, ResponseDone, ResponseContinue, ResponseError, ResponseAborted } from "../response/types.js";

export interface TaskController<I = TaskInput, O = TaskOutput> {
  response: {
    done(output?: O): ResponseDone<O>;
    done(message: string, output?: O): ResponseDone<O>;
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
    getTask(): Task<I, O>;
    getStatus(): TaskStatus;
    getInput(): I;
    getOutput(): O | null;
    updateInput(input: Partial<I>): Promise<void>;
    updateOutput(output: Partial<O>): Promise<void>;
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

export type RunResult<O = TaskOutput, I = TaskInput> = TaskResponse<O, I> | Promise<TaskResponse<O, I>>;

export interface HookParams<I = TaskInput, O = TaskOutput> {
  task: Task<I, O>;
}
export interface BeforeTriggerParams<I = TaskInput> {
  /** As Webiny builds it: `name` defaults to the title, `input` to `{}`; `parentId` is absent without a parent. */
  data: { definitionId: string; name: string; input: I; parentId?: string };
}

export type InputValidation = z.ZodType | Record<string, z.ZodType>;

/** Members shared by both authoring styles. */
interface DefinitionCommon<I, O> {
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
  onDone?(params: HookParams<I, O>): void | Promise<void>;
  onError?(params: HookParams<I, O>): void | Promise<void>;
  onAbort?(params: HookParams<I, O>): void | Promise<void>;
  onMaxIterations?(params: HookParams<I, O>): void | Promise<void>;
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
export interface TaskDefinitionInterface<I = TaskInput, O = TaskOutput> extends DefinitionCommon<I, O> {
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
    getTask(): Task<I, O>;
    getStatus(): TaskStatus;
    getInput(): I;
    getOutput(): O | null;
    updateInput(input: Partial<I>): Promise<void>;
    updateOutput(output: Partial<O>): Promise<void>;
    addInfoLog(params: { message: string; data?: unknown }): Promise<void>;
    addErrorLog(params: { message: string; error?: unknown; data?: unknown }): Promise<void>;
    listChildTasks(definitionId?: string): Promise<Task[]>;
  };
  trigger: TaskController<I, O>["task"]["trigger"];
  /** Stint addition: coalesced progress, as `controller.progress`. */
  progress: TaskController<I, O>["progress"];
}

export interface PlainTaskDefinition<I = TaskInput, O = TaskOutput, C = unknown> extends DefinitionCommon<I, O> {
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
  /** `context` reaches plain-object (v5) definitions as `run({ context })`; default `{}`. */
  run(params: RunParams<I, O>, context?: unknown): Promise<TaskResponse<O, I>>;
  onBeforeTrigger?(params: BeforeTriggerParams<I>): Promise<void>;
  onDone?(params: HookParams<I, O>): Promise<void>;
  onError?(params: HookParams<I, O>): Promise<void>;
  onAbort?(params: HookParams<I, O>): Promise<void>;
  onMaxIterations?(params: HookParams<I, O>): Promise<void>;
  readonly __types?: { input: I; output: O };
}

export type AnyTaskDefinition = TaskDefinitionHandle<any, any>;

export type InvalidFields = Record<string, { code: string; message: string; data: { path: (string | number)[] } }>;

export type { TaskResponse };

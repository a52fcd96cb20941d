/**
 * Turns a definition of either authoring style into the one `TaskDefinitionHandle` the
 * registry, service and runner use. Everything a runner would otherwise re-check on every
 * iteration (id format, limits, defaults, which hooks exist) is settled here, once, and a
 * bad definition fails when it is created rather than when its first task runs.
 */
import { resolveConcurrency } from "./concurrency.js";
import { Errors } from "../domain/errors.js";
import { isValidDefinitionId } from "./definition-id.js";
import { retentionOptionProblem } from "../domain/retention.js";
import { createInputValidator } from "./input-validation.js";
import type {
  DefinitionSummary,
  HandleHookParams,
  PlainTaskDefinition,
  ResolvedRetryPolicy,
  RetryPolicy,
  RunParams,
  RunResult,
  TaskContextSource,
  TaskDefinitionHandle,
  TaskDefinitionInterface,
} from "./types.js";

export const DEFAULT_MAX_ITERATIONS = 50;
export const DEFAULT_CLOSE_TO_TIMEOUT_SECONDS = 180;

const TERMINAL_HOOKS = ["onDone", "onError", "onAbort", "onMaxIterations"] as const;

/** How the handle calls the definition's own `run`; the plain style adapts its params. */
export type RunAdapter<I, O> = (params: RunParams<I, O>, context: unknown) => RunResult<O, I>;

export interface NormalizeOptions<I, O> {
  /** Default: the controller style, `definition.run(params)`. */
  run?: RunAdapter<I, O>;
  /**
   * The plain-object style (v5): `run` and the hooks get the resolved `context`, and the
   * hooks `{ context, task }`. Otherwise (v6) hooks get `{ task, definition }` and the
   * context is never resolved (its function is not called for v6 definitions).
   */
  plain?: boolean;
  /** Forces `isPrivate` (createPrivateTaskDefinition). */
  isPrivate?: boolean;
}

type AnyStyleDefinition<I, O> = TaskDefinitionInterface<I, O> | PlainTaskDefinition<I, O, any>;

export function normalizeDefinition<I, O>(
  definition: AnyStyleDefinition<I, O>,
  options: NormalizeOptions<I, O> = {},
): TaskDefinitionHandle<I, O> {
  if (definition === null || typeof definition !== "object") {
    throw Errors.definitionInvalid(String(definition), "a definition must be an object.");
  }
  const id = validateId(definition.id);
  const invalid = (reason: string) => Errors.definitionInvalid(id, reason);

  if (typeof definition.title !== "string" || definition.title.trim() === "") {
    throw invalid("title must be a non-empty string.");
  }
  if (definition.description !== undefined && definition.description !== null && typeof definition.description !== "string") {
    throw invalid("description must be a string.");
  }
  if (typeof definition.run !== "function") throw invalid("run must be a function.");

  // Webiny's `maxIterations || 50`: 0 (and null) mean the default too. Other values that
  // are not a positive integer (NaN, -1, 2.5) are refused rather than silently replaced.
  const maxIterations = definition.maxIterations === 0 || definition.maxIterations == null ? DEFAULT_MAX_ITERATIONS : definition.maxIterations;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw invalid("maxIterations must be a positive integer.");
  }
  const timeout = definition.timeout ?? undefined;
  if (timeout !== undefined && !isPositiveNumber(timeout)) {
    throw invalid("timeout must be a positive number of seconds.");
  }
  const closeToTimeoutSeconds = definition.closeToTimeoutSeconds ?? DEFAULT_CLOSE_TO_TIMEOUT_SECONDS;
  if (!Number.isFinite(closeToTimeoutSeconds) || closeToTimeoutSeconds < 0) {
    throw invalid("closeToTimeoutSeconds must be a number of seconds, zero or more.");
  }
  if (definition.createInputValidation !== undefined && typeof definition.createInputValidation !== "function") {
    throw invalid("createInputValidation must be a function.");
  }

  const retry = resolveRetry(definition.retry, invalid);
  if (definition.isolation !== undefined && definition.isolation !== "none" && definition.isolation !== "thread") {
    throw invalid('isolation must be "none" or "thread".');
  }
  if (definition.module !== undefined && (typeof definition.module !== "string" || !/^(file|data):/.test(definition.module))) {
    throw invalid("module must be a file: URL (use import.meta.url).");
  }
  if (definition.isolation === "thread" && !definition.module) {
    throw invalid('isolation "thread" needs `module: import.meta.url` so the thread can load the definition.');
  }

  const concurrency = resolveConcurrency(definition.concurrency, invalid);
  if (definition.selfCleanup !== undefined && typeof definition.selfCleanup !== "boolean") {
    throw invalid("selfCleanup must be true or false.");
  }
  const retentionProblem = retentionOptionProblem(definition.retention);
  if (retentionProblem) throw invalid(`retention: ${retentionProblem}.`);

  // Methods are called on the definition itself: class-style definitions use `this`
  // for their constructor-injected dependencies.
  const run: RunAdapter<I, O> =
    options.run ?? ((params) => (definition as TaskDefinitionInterface<I, O>).run(params));
  const validator = createInputValidator(
    id,
    definition.createInputValidation && ((params) => definition.createInputValidation!(params)),
  );

  const handle: Mutable<TaskDefinitionHandle<I, O>> = {
    id,
    title: definition.title,
    description: definition.description ?? null,
    maxIterations,
    // Either spelling turns logs off (v6 `databaseLogs: false`, v5 `disableDatabaseLogs: true`).
    databaseLogs: !(definition.databaseLogs === false || definition.disableDatabaseLogs === true),
    isPrivate: options.isPrivate ?? definition.isPrivate === true,
    timeout,
    closeToTimeoutSeconds,
    retry,
    isolation: definition.isolation,
    module: definition.module ?? null,
    concurrency,
    selfCleanup: definition.selfCleanup === true,
    retentionDays: definition.retention?.days,
    validateInput: (input) => validator.validate(input),
    inputJsonSchema: () => validator.jsonSchema(),
    // async: a synchronous throw in user code becomes a rejection the runner handles.
    run: options.plain
      ? async (params, context) => run(params, await resolveContext(context))
      : async (params) => run(params, undefined),
  };

  const onBeforeTrigger = optionalMethod(definition, "onBeforeTrigger", invalid);
  if (onBeforeTrigger) {
    // Webiny: v5 gets `{ context, data }`, v6 `{ data }`.
    handle.onBeforeTrigger = options.plain
      ? async (params, context) => {
          await onBeforeTrigger.call(definition, { context: await resolveContext(context), data: params.data });
        }
      : async (params) => {
          await onBeforeTrigger.call(definition, params);
        };
  }
  for (const name of TERMINAL_HOOKS) {
    const hook = optionalMethod(definition, name, invalid);
    if (hook) {
      // Webiny: v5 hooks get `{ context, task }`, v6 hooks `{ task, definition }`.
      handle[name] = options.plain
        ? async ({ task }: HandleHookParams<I, O>, context?: TaskContextSource) => {
            await hook.call(definition, { context: await resolveContext(context), task });
          }
        : async ({ task }: HandleHookParams<I, O>) => {
            await hook.call(definition, { task, definition: summaryOf(handle) });
          };
    }
  }
  return Object.freeze(handle);
}

/** The context a v5 `run` or hook sees: the object, or what the function returns now. */
async function resolveContext(context: TaskContextSource | undefined): Promise<unknown> {
  if (context === undefined || context === null) return {};
  return typeof context === "function" ? await (context as () => unknown)() : context;
}

/** What `run()` and v6 hooks are told about their definition (a fresh object each time: they may change it). */
export function summaryOf(definition: { id: string; title: string; description: string | null; maxIterations: number }): DefinitionSummary {
  return { id: definition.id, title: definition.title, description: definition.description, maxIterations: definition.maxIterations };
}

function resolveRetry(
  policy: RetryPolicy | undefined,
  invalid: (reason: string) => Error,
): ResolvedRetryPolicy | null {
  if (policy === undefined || policy === null) return null;
  if (typeof policy !== "object") throw invalid("retry must be an object.");
  const resolved: ResolvedRetryPolicy = {
    attempts: policy.attempts,
    initialDelaySeconds: policy.initialDelaySeconds ?? 1,
    factor: policy.factor ?? 2,
    maxDelaySeconds: policy.maxDelaySeconds ?? 300,
    jitter: policy.jitter ?? true,
  };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) throw invalid("retry.attempts must be a positive integer.");
  if (!(resolved.initialDelaySeconds >= 0)) throw invalid("retry.initialDelaySeconds must be zero or more.");
  if (!(resolved.factor >= 1)) throw invalid("retry.factor must be at least 1.");
  if (!(resolved.maxDelaySeconds >= 0)) throw invalid("retry.maxDelaySeconds must be zero or more.");
  return Object.freeze(resolved);
}

function validateId(id: unknown): string {
  if (!isValidDefinitionId(id)) throw Errors.definitionIdInvalid(String(id));
  return id;
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

function optionalMethod<D extends object, K extends keyof D & string>(
  definition: D,
  name: K,
  invalid: (reason: string) => Error,
): ((this: D, params: any) => unknown) | undefined {
  const value = definition[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "function") throw invalid(`${name} must be a function.`);
  return value as (this: D, params: any) => unknown;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

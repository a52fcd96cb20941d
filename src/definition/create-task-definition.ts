/**
 * The plain-object style (Webiny v5): `createTaskDefinition({ id, title, run, ... })`.
 * Its `run({ context, input, response, isCloseToTimeout, isAborted, store, trigger })`
 * is a thin view over the v6 controller, so both styles share one runner.
 */
import type { TaskInput, TaskOutput } from "../domain/task.js";
import { normalizeDefinition } from "./normalize.js";
import type { PlainRunParams, PlainTaskDefinition, RunParams, RunResult, TaskController, TaskDefinitionHandle } from "./types.js";

export function createTaskDefinition<I = TaskInput, O = TaskOutput, C = unknown>(
  definition: PlainTaskDefinition<I, O, C>,
): TaskDefinitionHandle<I, O> {
  const plainRun = definition.run.bind(definition);
  return normalizeDefinition<I, O>(definition, {
    run: (params, context) => plainRun(new PlainRunView<I, O, C>(params, context as C)),
  });
}

/** Hidden from listDefinitions and the GraphQL trigger enum; still triggerable from code. */
export function createPrivateTaskDefinition<I = TaskInput, O = TaskOutput, C = unknown>(
  definition: PlainTaskDefinition<I, O, C>,
): TaskDefinitionHandle<I, O> {
  const plainRun = definition.run.bind(definition);
  return normalizeDefinition<I, O>(definition, {
    isPrivate: true,
    run: (params, context) => plainRun(new PlainRunView<I, O, C>(params, context as C)),
  });
}

/** Adapts a v5 `run` to the controller params every handle receives. */
export function toControllerRun<I, O, C>(
  plainRun: (params: PlainRunParams<I, O, C>) => RunResult<O, I>,
  context: C,
): (params: RunParams<I, O>) => RunResult<O, I> {
  return (params) => plainRun(new PlainRunView<I, O, C>(params, context));
}

/**
 * The v5 run params over a v6 controller. The functions a task destructures are arrow
 * closures (they work detached); `store` and `progress` are built on first read, as the
 * controller's own parts are (a no-op task built a dozen closures it never called).
 */
class PlainRunView<I, O, C> implements PlainRunParams<I, O, C> {
  readonly context: C;
  readonly input: I;
  readonly response: TaskController<I, O>["response"];
  readonly isCloseToTimeout: (seconds?: number) => boolean;
  readonly isAborted: () => boolean;
  readonly trigger: TaskController<I, O>["task"]["trigger"];
  #controller: TaskController<I, O>;
  #store: PlainRunParams<I, O, C>["store"] | undefined;

  constructor({ input, controller }: RunParams<I, O>, context: C) {
    this.context = context;
    this.input = input;
    this.response = controller.response;
    // Arrow wrappers, not method references: the controller's methods may rely on `this`.
    this.isCloseToTimeout = (seconds) => controller.runtime.isCloseToTimeout(seconds);
    this.isAborted = () => controller.runtime.isAborted();
    this.trigger = (params) => controller.task.trigger(params);
    this.#controller = controller;
  }

  get progress(): TaskController<I, O>["progress"] {
    return this.#controller.progress;
  }

  get store(): PlainRunParams<I, O, C>["store"] {
    const controller = this.#controller;
    return (this.#store ??= {
      getTask: () => controller.state.getTask(),
      getStatus: () => controller.state.getStatus(),
      getInput: () => controller.state.getInput(),
      getOutput: () => controller.state.getOutput(),
      updateInput: (value) => controller.state.updateInput(value),
      updateOutput: (value) => controller.state.updateOutput(value),
      // v5 log calls return promises; the v6 logger buffers items and stores them
      // with the iteration, so there is nothing to wait for.
      addInfoLog: async (params) => controller.logger.info(params),
      addErrorLog: async (params) => controller.logger.error(params),
      listChildTasks: (definitionId) => controller.task.listChildren(definitionId),
    });
  }
}

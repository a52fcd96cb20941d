/**
 * The plain-object style (Webiny v5): `createTaskDefinition({ id, title, run, ... })`.
 * Its `run({ context, input, response, isCloseToTimeout, isAborted, store, trigger })`
 * is a thin view over the v6 controller, so both styles share one runner.
 */
import type { TaskInput, TaskOutput } from "../domain/task.js";
import { normalizeDefinition } from "./normalize.js";
import type { PlainRunParams, PlainTaskDefinition, RunParams, RunResult, TaskDefinitionHandle } from "./types.js";

export function createTaskDefinition<I = TaskInput, O = TaskOutput, C = unknown>(
  definition: PlainTaskDefinition<I, O, C>,
): TaskDefinitionHandle<I, O> {
  return normalizeDefinition<I, O>(definition, {
    run: (params, context) => toControllerRun(definition.run.bind(definition), context as C)(params),
  });
}

/** Hidden from listDefinitions and the GraphQL trigger enum; still triggerable from code. */
export function createPrivateTaskDefinition<I = TaskInput, O = TaskOutput, C = unknown>(
  definition: PlainTaskDefinition<I, O, C>,
): TaskDefinitionHandle<I, O> {
  return normalizeDefinition<I, O>(definition, {
    isPrivate: true,
    run: (params, context) => toControllerRun(definition.run.bind(definition), context as C)(params),
  });
}

/** Adapts a v5 `run` to the controller params every handle receives. */
export function toControllerRun<I, O, C>(
  plainRun: (params: PlainRunParams<I, O, C>) => RunResult<O, I>,
  context: C,
): (params: RunParams<I, O>) => RunResult<O, I> {
  return ({ input, controller }) => {
    // Arrow wrappers, not method references: the controller's methods may rely on `this`.
    const plain: PlainRunParams<I, O, C> = {
      context,
      input,
      response: controller.response,
      isCloseToTimeout: (seconds) => controller.runtime.isCloseToTimeout(seconds),
      isAborted: () => controller.runtime.isAborted(),
      store: {
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
      },
      trigger: (params) => controller.task.trigger(params),
      progress: controller.progress,
    };
    return plainRun(plain);
  };
}

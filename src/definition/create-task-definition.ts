/**
 * The plain-object style (Webiny v5): `createTaskDefinition({ id, title, run, ... })`.
 * Its `run({ context, input, response, isCloseToTimeout, isAborted, store, trigger })`
 * is a thin view over the v6 controller, so both styles share one runner.
 */
import type { TaskInput, TaskOutput } from "../domain/task.js";
import { normalizeDefinition } from "./normalize.js";
import { Errors } from "../domain/errors.js";
import { nextState } from "./state-update.js";
import type { PlainRunParams, PlainTaskDefinition, RunParams, RunResult, TaskController, TaskDefinitionHandle } from "./types.js";

/** The Webiny v5 style: a definition from a plain object with `id`, `title`, `run()` and optional settings and hooks. */
export function createTaskDefinition<I = TaskInput, O = TaskOutput, C = unknown>(
  definition: PlainTaskDefinition<I, O, C>,
): TaskDefinitionHandle<I, O> {
  return normalizeDefinition<I, O>(definition, {
    plain: true,
    // `definition.run` read at each call (as a spy put on it later expects).
    run: (params, context) => definition.run(plainRunParams<I, O, C>(params, context as C)),
  });
}

/** Hidden from listDefinitions and the GraphQL trigger enum; still triggerable from code. */
export function createPrivateTaskDefinition<I = TaskInput, O = TaskOutput, C = unknown>(
  definition: PlainTaskDefinition<I, O, C>,
): TaskDefinitionHandle<I, O> {
  return normalizeDefinition<I, O>(definition, {
    isPrivate: true,
    plain: true,
    run: (params, context) => definition.run(plainRunParams<I, O, C>(params, context as C)),
  });
}

/** Adapts a v5 `run` to the controller params every handle receives. */
export function toControllerRun<I, O, C>(
  plainRun: (params: PlainRunParams<I, O, C>) => RunResult<O, I>,
  context: C,
): (params: RunParams<I, O>) => RunResult<O, I> {
  return (params) => plainRun(plainRunParams<I, O, C>(params, context));
}

const CONTROLLER = Symbol("controller");
const PARTS = Symbol("parts");

/**
 * The v5 run params over a v6 controller. The functions a task destructures are arrow
 * closures (they work detached); `store` and `progress` are class accessors built on
 * first read, as the controller's own parts are (a no-op task built a dozen closures it
 * never called; an object literal with accessors cost more than that). A spread copies
 * the other fields only (README, "The controller").
 */
class PlainRunView<I, O, C> implements PlainRunParams<I, O, C> {
  readonly context: C;
  readonly input: I;
  readonly response: TaskController<I, O>["response"];
  readonly isCloseToTimeout: (seconds?: number) => boolean;
  readonly isAborted: () => boolean;
  readonly trigger: TaskController<I, O>["task"]["trigger"];
  private readonly [CONTROLLER]: TaskController<I, O>;
  private [PARTS]: { store?: PlainRunParams<I, O, C>["store"]; progress?: PlainRunParams<I, O, C>["progress"] } = {};

  constructor({ input, controller }: RunParams<I, O>, context: C) {
    this.context = context;
    this.input = input;
    this.response = controller.response;
    // Arrow wrappers, not method references: the controller's methods may rely on `this`.
    this.isCloseToTimeout = (seconds) => controller.runtime.isCloseToTimeout(seconds);
    this.isAborted = () => controller.runtime.isAborted();
    this.trigger = (params) => controller.task.trigger(params);
    this[CONTROLLER] = controller;
  }

  get progress(): PlainRunParams<I, O, C>["progress"] {
    return (this[PARTS].progress ??= this[CONTROLLER].progress);
  }
  set progress(value) {
    this[PARTS].progress = value;
  }

  get store(): PlainRunParams<I, O, C>["store"] {
    const controller = this[CONTROLLER];
    return (this[PARTS].store ??= {
      getTask: () => controller.state.getTask(),
      getStatus: () => controller.state.getStatus(),
      getInput: () => controller.state.getInput(),
      getOutput: () => controller.state.getOutput(),
      updateInput: (value) => controller.state.updateInput(value),
      updateOutput: (value) => controller.state.updateOutput(value),
      updateTask: (update) => updateTask(controller, update),
      // v5 log calls return promises; the v6 logger buffers items and stores them
      // with the iteration, so there is nothing to wait for.
      addInfoLog: async (params) => controller.logger.info(params),
      addErrorLog: async (params) => controller.logger.error(params),
      listChildTasks: (definitionId) => controller.task.listChildren(definitionId),
    });
  }
  set store(value) {
    this[PARTS].store = value;
  }
}

/** Fields of Webiny's `ITaskUpdateData` the runner owns: a task may not set them. */
const RUNNER_FIELDS = ["name", "taskStatus", "executionName", "startedOn", "finishedOn", "eventResponse", "iterations"];

/**
 * v5 `store.updateTask(data | (task) => data)`: `input` and `output` are stored as
 * `updateInput` / `updateOutput` with an object do (input first: a later output write
 * keeps it). A field the runner owns is refused before anything is written.
 */
async function updateTask<I, O>(
  controller: TaskController<I, O>,
  update: Parameters<PlainRunParams<I, O>["store"]["updateTask"]>[0],
): Promise<void> {
  const data = typeof update === "function" ? update(controller.state.getTask()) : update;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw Errors.invalidArgument("store.updateTask()", "it takes an object (or a callback returning one) with input and/or output.");
  }
  const owned = RUNNER_FIELDS.filter((field) => (data as Record<string, unknown>)[field] !== undefined);
  if (owned.length > 0) {
    throw Errors.invalidArgument("store.updateTask()", `${owned.join(", ")} ${owned.length === 1 ? "is" : "are"} set by the runner; a task may update only input and output.`);
  }
  // Both checked before either is written: a bad output must not leave the input changed.
  if (data.input !== undefined) nextState("store.updateTask()", "input", controller.state.getInput(), data.input);
  if (data.output !== undefined) nextState("store.updateTask()", "output", controller.state.getOutput(), data.output);
  if (data.input !== undefined) await controller.state.updateInput(data.input);
  if (data.output !== undefined) await controller.state.updateOutput(data.output);
}

function plainRunParams<I, O, C>(params: RunParams<I, O>, context: C): PlainRunParams<I, O, C> {
  return new PlainRunView<I, O, C>(params, context);
}

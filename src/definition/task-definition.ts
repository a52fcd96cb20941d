/**
 * The controller style (Webiny v6): a class implementing `TaskDefinition.Interface<I, O>`,
 * registered through `TaskDefinition.createImplementation`. Reads in user code as
 *
 *   class ImportCsv implements TaskDefinition.Interface<Input, Output> { ... }
 *   export const importCsv = TaskDefinition.createImplementation({
 *     implementation: ImportCsv,
 *     dependencies: [storage],
 *   });
 *
 * Webiny resolves `dependencies` through its DI container; Stint has none, so they are the
 * values themselves, passed to the constructor in order.
 */
import type { TaskInput, TaskOutput } from "../domain/task.js";
import type { TaskResponse, TaskResult } from "../response/types.js";
import { normalizeDefinition } from "./normalize.js";
import type {
  RunParams as DefinitionRunParams,
  TaskDefinitionHandle,
  TaskDefinitionInterface,
} from "./types.js";

/** The parameters of `TaskDefinition.createImplementation`: the class and its constructor arguments. */
export interface CreateImplementationParams<I, O, D extends readonly unknown[]> {
  /** A class implementing {@link TaskDefinition.Interface}. */
  implementation: new (...dependencies: D) => TaskDefinitionInterface<I, O>;
  /** Constructor arguments, in order. */
  dependencies?: D;
}

/** Makes a definition of a class instance built with `dependencies` (the instance is used as it is, so its methods keep `this`). */
function createImplementation<I = TaskInput, O = TaskOutput, D extends readonly unknown[] = []>(
  params: CreateImplementationParams<I, O, D>,
): TaskDefinitionHandle<I, O> {
  const instance = new params.implementation(...((params.dependencies ?? []) as D));
  // The instance itself is normalised (not a copy), so its methods keep `this`.
  return normalizeDefinition<I, O>(instance);
}

/** The Webiny v6 style: `TaskDefinition.createImplementation({ implementation, dependencies })` turns a class into a definition. */
export const TaskDefinition = {
  /** Makes a definition of a class: `TaskDefinition.createImplementation({ implementation: MyTask, dependencies: [db] })`. */
  createImplementation,
} as const;

// Type-only members merged with the value above: `TaskDefinition.Interface<I, O>` etc.
/** Types of the Webiny v6 style: `TaskDefinition.Interface`, `TaskDefinition.RunParams`, `TaskDefinition.Handle`. */
export declare namespace TaskDefinition {
  /** What a definition class implements: `id`, `title`, `run()` and the optional settings and hooks. */
  type Interface<I = TaskInput, O = TaskOutput> = TaskDefinitionInterface<I, O>;
  /** The parameters of a definition class's `run()`: `input`, `controller`, `definition`. */
  type RunParams<I = TaskInput, O = TaskOutput> = DefinitionRunParams<I, O>;
  /**
   * What `run()` resolves to: a `controller.response.*` value or a plain Webiny result
   * object (`{ status: "done", output }` ...); `I` is the input type of `continue()`.
   */
  type Result<O = TaskOutput, I = TaskInput> = TaskResponse<O, I> | TaskResult<O, I>;
  /** A definition as registered: what `createImplementation` returns. */
  type Handle<I = TaskInput, O = TaskOutput> = TaskDefinitionHandle<I, O>;
}

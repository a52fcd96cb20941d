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

export interface CreateImplementationParams<I, O, D extends readonly unknown[]> {
  implementation: new (...dependencies: D) => TaskDefinitionInterface<I, O>;
  /** Constructor arguments, in order. */
  dependencies?: D;
}

function createImplementation<I = TaskInput, O = TaskOutput, D extends readonly unknown[] = []>(
  params: CreateImplementationParams<I, O, D>,
): TaskDefinitionHandle<I, O> {
  const instance = new params.implementation(...((params.dependencies ?? []) as D));
  // The instance itself is normalised (not a copy), so its methods keep `this`.
  return normalizeDefinition<I, O>(instance);
}

export const TaskDefinition = { createImplementation } as const;

// Type-only members merged with the value above: `TaskDefinition.Interface<I, O>` etc.
export declare namespace TaskDefinition {
  type Interface<I = TaskInput, O = TaskOutput> = TaskDefinitionInterface<I, O>;
  type RunParams<I = TaskInput, O = TaskOutput> = DefinitionRunParams<I, O>;
  /**
   * What `run()` resolves to: a `controller.response.*` value or a plain Webiny result
   * object (`{ status: "done", output }` ...); `I` is the input type of `continue()`.
   */
  type Result<O = TaskOutput, I = TaskInput> = TaskResponse<O, I> | TaskResult<O, I>;
  type Handle<I = TaskInput, O = TaskOutput> = TaskDefinitionHandle<I, O>;
}

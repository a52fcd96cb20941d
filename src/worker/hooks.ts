import type { Task } from "../domain/task.js";
import type { AnyTaskDefinition } from "../definition/types.js";
import type { HookName } from "../runner/outcome.js";

/**
 * Calls a task's terminal hooks in order with the stored task. A hook that throws is
 * reported and never changes the stored outcome (Webiny v6 rule).
 */
export async function runHooks(
  definition: AnyTaskDefinition | undefined,
  hooks: readonly HookName[],
  task: Task,
  onError: (hook: HookName, error: unknown) => void,
): Promise<void> {
  if (!definition) return;
  for (const hook of hooks) {
    const fn = definition[hook];
    if (!fn) continue;
    try {
      await fn.call(definition, { task });
    } catch (error) {
      onError(hook, error);
    }
  }
}

export function hasAnyHook(definition: AnyTaskDefinition | undefined, hooks: readonly HookName[]): boolean {
  return !!definition && hooks.some((hook) => typeof definition[hook] === "function");
}

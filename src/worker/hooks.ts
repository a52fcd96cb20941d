import type { Task } from "../domain/task.js";
import type { AnyTaskDefinition } from "../definition/types.js";
import type { HookName } from "../runner/outcome.js";
import { Errors } from "../domain/errors.js";
import type { Clock } from "../domain/clock.js";

/**
 * Calls a task's terminal hooks in order with the stored task. A hook that throws is
 * reported and never changes the stored outcome (Webiny v6 rule). A hook that has not
 * settled within `budgetMs` (the iteration's budget) is reported as timed out and left
 * behind, like a hung iteration: the next hook runs and the worker's slot and the hook's
 * claim are let go, so one hung hook cannot hold a worker for ever.
 */
export async function runHooks(
  definition: AnyTaskDefinition | undefined,
  hooks: readonly HookName[],
  task: Task,
  budget: { ms: number; clock: Clock },
  onError: (hook: HookName, error: unknown) => void,
): Promise<void> {
  if (!definition) return;
  for (const hook of hooks) {
    const fn = definition[hook];
    if (!fn) continue;
    let cancel = () => {};
    const expired = new Promise<"expired">((resolve) => {
      // Unref'd: a hook that never settles must not keep the process alive.
      cancel = budget.clock.timeout(budget.ms, () => resolve("expired"), { unref: true });
    });
    try {
      const call = Promise.resolve().then(() => fn.call(definition, { task }));
      const winner = await Promise.race([call, expired]);
      if (winner === "expired") {
        call.catch(() => undefined); // it may still settle; nobody is listening any more
        onError(hook, Errors.hookTimeout(hook, Math.round(budget.ms / 1000)));
      }
    } catch (error) {
      onError(hook, error);
    } finally {
      cancel();
    }
  }
}

export function hasAnyHook(definition: AnyTaskDefinition | undefined, hooks: readonly HookName[]): boolean {
  return !!definition && hooks.some((hook) => typeof definition[hook] === "function");
}

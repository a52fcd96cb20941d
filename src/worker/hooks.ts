import type { Task } from "../domain/task.js";
import type { LogItem } from "../domain/log.js";
import type { AnyTaskDefinition, TaskContextSource } from "../definition/types.js";
import { toTaskRecord } from "../domain/task-record.js";
import type { HookName } from "../runner/outcome.js";
import type { StorageAdapter } from "../storage/port/index.js";
import { Errors } from "../domain/errors.js";
import { replaceNul } from "../domain/nul.js";
import type { Clock } from "../domain/clock.js";
import { shapeThrown, stackOf, withStack } from "../response/error-shape.js";
import { retryTransient } from "./transient.js";
import { traceHook } from "../observability/tracing.js";

/**
 * Calls a task's terminal hooks in order with the stored task. A hook that throws is
 * reported and never changes the stored outcome (Webiny v6 rule). A hook that has not
 * settled within `budgetMs` (the iteration's budget) is reported as timed out and left
 * behind, like a hung iteration: the next hook runs and the worker's slot and the hook's
 * claim are let go, so one hung hook cannot hold a worker for ever. Each hook gets the
 * task in Webiny's shape (a fresh record per hook; input and output shared), and v5 hooks
 * the `context` (resolved per hook when it is a function).
 */
export async function runHooks(
  definition: AnyTaskDefinition | undefined,
  hooks: readonly HookName[],
  task: Task,
  budget: { ms: number; clock: Clock },
  onError: (hook: HookName, error: unknown) => void,
  context?: TaskContextSource,
): Promise<void> {
  if (!definition) return;
  for (const hook of hooks) {
    const fn = definition[hook];
    if (!fn) continue;
    const record = toTaskRecord(task);
    let cancel = () => {};
    const expired = new Promise<"expired">((resolve) => {
      // Unref'd: a hook that never settles must not keep the process alive.
      cancel = budget.clock.timeout(budget.ms, () => resolve("expired"), { unref: true });
    });
    try {
      // One `stint.hook` span per hook run: a timeout or a throw is recorded on it.
      await traceHook(hook, task, async () => {
        const call = Promise.resolve().then(() => fn.call(definition, { task: record }, context));
        const winner = await Promise.race([call, expired]);
        if (winner === "expired") {
          call.catch(() => undefined); // it may still settle; nobody is listening any more
          throw Errors.hookTimeout(hook, Math.round(budget.ms / 1000));
        }
      });
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

export interface HookFailure {
  hook: HookName;
  error: unknown;
}

/**
 * Writes failed hooks into the task's latest log record (one error item each, the error
 * shaped as a task error, with its stack), where whoever looks at the task sees them:
 * a hook runs after the outcome is stored, so its failure changes nothing else. Not when
 * the definition keeps no database logs. Retried through a store blink; `onError` hears
 * a write that still failed (the caller's events have reported the failures anyway).
 */
export async function logHookFailures(
  storage: StorageAdapter,
  definition: AnyTaskDefinition | undefined,
  task: Task,
  failures: readonly HookFailure[],
  write: { executionName: string; now: number; onError: (error: unknown) => void },
): Promise<void> {
  if (failures.length === 0 || !definition?.databaseLogs) return;
  const items: LogItem[] = failures.map(({ hook, error }) => {
    const shaped = replaceNul(withStack(shapeThrown(error, `${hook} hook`), stackOf(error)));
    return { type: "error", message: `${hook} hook failed: ${shaped.message}`, error: shaped, createdOn: new Date(write.now) };
  });
  // The record of the iteration that settled the task: task.iterations (an abort of a task
  // that never ran appends to iteration 0's, as the abort's own item does), except that a
  // task stopped at its maximum is stored with `maxIterations` while the attempt that hit
  // it logged under the next number.
  const iteration = failures.some((f) => f.hook === "onMaxIterations") ? task.iterations + 1 : task.iterations;
  // A few tries only: the caller has already confirmed the hooks (that write is the one
  // that must get through); a store away for longer loses this item, not the hook's fate.
  await retryTransient(
    () => storage.logAppend({ taskId: task.id, iteration, executionName: write.executionName, now: write.now, items }),
    { attempts: 3, onError: write.onError },
  ).catch(() => undefined);
}

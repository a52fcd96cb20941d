/**
 * One batch abort (`taskAbortMany`) and the onAbort hooks it owes: the core of a parent's
 * cascade, of `abortMany` and of a delete's "abort first". The store aborts the rows in
 * one statement and keeps each task whose onAbort this process knows claimed for the
 * hook; the hooks run here (a few at a time), and their claims are released together
 * (`taskHooksDone`, one call per batch). A task of a definition this process does not
 * know has its hook left due at once for a worker that knows it (as abort() does).
 */
import type { Task } from "../domain/task.js";
import type { AnyTaskDefinition } from "../definition/types.js";
import { logHookFailures, runHooks, type HookFailure } from "../worker/hooks.js";
import { retryTransient } from "../worker/transient.js";
import type { TaskServiceDependencies } from "./task-service.js";

/** onAbort hooks run at once per batch: enough to finish a batch well inside the hook lease, few enough not to flood what the hooks call. */
const HOOK_CONCURRENCY = 8;
const DEFAULT_HOOK_LEASE_MS = 60_000;

export interface AbortBatch {
  ids: readonly string[];
  subtree: boolean;
  message: string;
  /**
   * false when the tasks are deleted next: their claims go with the rows, and a hook's
   * failure is reported (onHookError) but not written to a log about to be deleted.
   */
  confirm: boolean;
}

/** Aborts the batch, runs each aborted task's onAbort once, and returns the tasks aborted. */
export async function abortBatch(deps: TaskServiceDependencies, batch: AbortBatch): Promise<Task[]> {
  const runHere: string[] = [];
  const none: string[] = [];
  for (const definition of deps.definitions.list({ includePrivate: true })) (definition.onAbort ? runHere : none).push(definition.id);
  const leaseMs = deps.hookLeaseMs ?? DEFAULT_HOOK_LEASE_MS;
  const workerId = deps.serviceId ?? "stint-service";
  const { aborted, woken } = await deps.storage.taskAbortMany({
    ids: batch.ids,
    subtree: batch.subtree,
    now: deps.clock.now(),
    message: batch.message,
    workerId,
    hooks: { leaseMs, runHere, none },
  });
  if (aborted.length === 0) return [];
  // The store already told other processes (PostgreSQL notifies in the abort's transaction).
  let unknown = false;
  for (const { task } of aborted) {
    deps.signals?.emit("task-aborted", task.id);
    if (!deps.definitions.get(task.definitionId)) unknown = true;
  }
  // An unknown definition's hook is due for another worker; a woken parent is due now.
  if (unknown || woken) deps.signals?.emit("tasks-available");

  const withHook = aborted.filter(({ task }) => deps.definitions.get(task.definitionId)?.onAbort);
  const failed: { task: Task; definition: AnyTaskDefinition; failures: HookFailure[] }[] = [];
  let next = 0;
  const runner = async () => {
    while (next < withHook.length) {
      const { task } = withHook[next++]!;
      const definition = deps.definitions.get(task.definitionId)!;
      const failures: HookFailure[] = [];
      await runHooks(definition, ["onAbort"], task, { ms: leaseMs, clock: deps.clock }, (hook, error) => {
        failures.push({ hook, error });
        try {
          deps.onHookError?.({ task, hook, error });
        } catch {
          // A reporter that throws must not skip the confirmation below (a worker would run onAbort again).
        }
      }, deps.context);
      if (failures.length > 0) failed.push({ task, definition, failures });
    }
  };
  await Promise.all(Array.from({ length: Math.min(HOOK_CONCURRENCY, withHook.length) }, runner));

  if (batch.confirm && withHook.length > 0) {
    // The aborts are stored and the hooks ran: a failed confirmation does not fail the
    // call (the claims lapse; a worker re-runs onAbort only if the store stayed away).
    const items = withHook.map(({ task, leaseToken }) => ({ id: task.id, leaseToken }));
    await retryTransient(() => deps.storage.taskHooksDone({ items })).catch(() => undefined);
    for (const { task, definition, failures } of failed) {
      await logHookFailures(deps.storage, definition, task, failures, { executionName: workerId, now: deps.clock.now(), onError: () => undefined });
    }
  }
  return aborted.map(({ task }) => task);
}

/**
 * The abort use cases: one task (with its unfinished descendants unless `children:
 * false`) and the bulk abort of whatever a `where` matches. The task itself goes through
 * the single `taskAbort` (abort wins, exactly once; NOT_FOUND and TASK_ABORT_ERROR as
 * Webiny); its descendants and the bulk pages through the batch abort (abort-batch.ts).
 */
import { toTaskRecord, type TaskRecord } from "../domain/task-record.js";
import { Errors } from "../domain/errors.js";
import { isValidId } from "../domain/ids.js";
import { replaceNul, sliceText } from "../domain/nul.js";
import { logHookFailures, runHooks, type HookFailure } from "../worker/hooks.js";
import { retryTransient } from "../worker/transient.js";
import { abortBatch } from "./abort-batch.js";
import { matchingIdPages, countMatching, parseBulkParams } from "./bulk.js";
import type { TaskServiceDependencies } from "./task-service.js";
import type { AbortManyParams, AbortParams, BulkResult } from "./types.js";

const MAX_MESSAGE_LENGTH = 10_000;
const DEFAULT_MESSAGE = "Task aborted.";

export async function abortTask(deps: TaskServiceDependencies, params: AbortParams): Promise<TaskRecord> {
  if (!params || typeof params !== "object") throw Errors.invalidArgument("abort", "expected { id, message?, children? }");
  if (!isValidId(params.id)) throw Errors.invalidId(params.id);
  const id = params.id;
  const message = parseMessage(params.message);
  const children = parseFlag("children", params.children, true);
  // Only its definition is needed here (the abort itself returns the whole task).
  const existing = await deps.storage.taskGet({ id, fields: ["definitionId"] });
  if (!existing) throw Errors.taskNotFound(id);
  const definition = deps.definitions.get(existing.definitionId);
  // An unknown definition (another process's) may still have an onAbort: leave the
  // hook due at once for a worker that knows it.
  const hookLeaseMs = !definition ? 0 : definition.onAbort ? (deps.hookLeaseMs ?? 60_000) : undefined;
  const result = await deps.storage.taskAbort({
    id,
    now: deps.clock.now(),
    message,
    workerId: deps.serviceId ?? "stint-service",
    ...(hookLeaseMs !== undefined ? { hookLeaseMs } : {}),
  });
  if (result.outcome === "not-found") throw Errors.taskNotFound(id);
  if (result.outcome === "not-abortable") throw Errors.abortNotAllowed(id, result.task.taskStatus);

  deps.signals?.emit("task-aborted", id);
  // Its parent waited for it as the last unfinished child: due now (PostgreSQL also notified).
  if (result.woken) deps.signals?.emit("tasks-available");
  await deps.storage.publish({ type: "task-aborted", id }).catch(() => undefined);
  // The descendants now, before this task's hook: a child must not go on running (and
  // triggering) while the parent's onAbort cleans up after it. One statement for the tree.
  if (children) await abortBatch(deps, { ids: [id], subtree: true, message, confirm: true });
  if (definition?.onAbort) {
    // abort() waits for onAbort, at most as long as the claim kept for it (hookLeaseMs).
    const budget = { ms: hookLeaseMs ?? 60_000, clock: deps.clock };
    const failures: HookFailure[] = [];
    await runHooks(definition, ["onAbort"], result.task, budget, (hook, error) => {
      failures.push({ hook, error });
      try {
        deps.onHookError?.({ task: result.task, hook, error });
      } catch {
        // A reporter that throws must not fail an abort that is stored, nor skip the
        // hook's confirmation below (a worker would run onAbort again).
      }
    }, deps.context);
    // The abort is stored and its hook ran: a failed confirmation must not fail abort()
    // (the hook lease lapses and a worker re-runs onAbort only if the store stays away).
    await retryTransient(() => deps.storage.taskHooksDone({ items: [{ id, leaseToken: result.leaseToken }] })).catch(() => undefined);
    // Not a reason to fail abort(): the abort is stored, the failure was just reported.
    await logHookFailures(deps.storage, definition, result.task, failures, {
      executionName: deps.serviceId ?? "stint-service",
      now: deps.clock.now(),
      onError: () => undefined,
    });
  } else if (!definition) {
    deps.signals?.emit("tasks-available");
  }
  return toTaskRecord(result.task);
}

export async function abortMany(deps: TaskServiceDependencies, params: AbortManyParams): Promise<BulkResult> {
  const selection = parseBulkParams("abortMany", params);
  const message = parseMessage(params.message);
  const children = parseFlag("children", params.children, true);
  // Only tasks that can be aborted count and are walked.
  const filters = [...selection.filters, { field: "taskStatus" as const, op: "in" as const, value: ["pending", "running"] }];
  if (selection.dryRun) return { count: await countMatching(deps.storage, filters, selection.limit), dryRun: true };
  let count = 0;
  for await (const ids of matchingIdPages(deps.storage, filters, selection.limit)) {
    count += (await abortBatch(deps, { ids, subtree: children, message, confirm: true })).length;
  }
  return { count, dryRun: false };
}

function parseMessage(message: unknown): string {
  if (message !== undefined && message !== null && typeof message !== "string") throw Errors.invalidArgument("message", "expected a string");
  return replaceNul(sliceText((message as string | null | undefined) || DEFAULT_MESSAGE, MAX_MESSAGE_LENGTH));
}

export function parseFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") throw Errors.invalidArgument(name, "expected true or false");
  return value;
}

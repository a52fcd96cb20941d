/**
 * Re-run (docs/run-history.md "Re-run"): a finished task stored again as a new task of the
 * same definition, one at a time (`rerun`) or every finished task a `where` matches
 * (`rerunMany`). A re-run is a trigger: the TaskService's own checks and `onBeforeTrigger`
 * run for it (`prepare`), so a re-run is refused exactly where a trigger of the same
 * values would be. What it copies: the name, the parent (while it exists), the priority
 * and the concurrency key. Not the idempotency key: the original still holds it, so a
 * trigger carrying it would return the original instead of running again.
 */
import { Errors, describeValue } from "../domain/errors.js";
import { isValidId } from "../domain/ids.js";
import { isTerminalStatus, TERMINAL_STATUSES, type Identity, type Task } from "../domain/task.js";
import type { Clock } from "../domain/clock.js";
import type { DefinitionRegistry } from "../definition/registry.js";
import type { Filter, Sort, StorageAdapter, TaskCreateOrGetItem, TaskListField } from "../storage/port/index.js";
import type { WorkerSignals } from "../worker/signals.js";
import { traceTrigger } from "../observability/tracing.js";
import { parseTaskListParams } from "./parse-list-params.js";
import type { BulkResult, RerunFrom, RerunManyParams, RerunParams, TriggerParams } from "./types.js";

/** Tasks re-run per batch: one page read, one parents read and one insert each. */
export const RERUN_BATCH_SIZE = 500;

const FROM_VALUES: readonly RerunFrom[] = ["start", "checkpoint"];

export interface RerunDependencies {
  storage: StorageAdapter;
  definitions: DefinitionRegistry;
  clock: Clock;
  signals?: WorkerSignals;
  /** The TaskService's trigger checks for one task (onBeforeTrigger included); its parent is known to exist. */
  prepare(params: TriggerParams, now: number, createdBy: Identity): Promise<TaskCreateOrGetItem>;
}

/** `stint.tasks.rerun`: the new task, as stored. */
export async function rerunTask(deps: RerunDependencies, params: RerunParams, createdBy: Identity): Promise<Task> {
  if (!params || typeof params !== "object") throw Errors.invalidArgument("rerun", "expected { id, from? }");
  if (!isValidId(params.id)) throw Errors.invalidId(params.id);
  const from = parseFrom(params.from);
  const task = await deps.storage.taskGet({ id: params.id, fields: [inputField(from)] });
  if (!task) throw Errors.taskNotFound(params.id);
  if (!isTerminalStatus(task.taskStatus)) throw Errors.rerunNotAllowed(task.id, task.taskStatus);
  const [stored] = await storeReruns(deps, [task], from, createdBy, "throw");
  return stored;
}

/**
 * `stint.tasks.rerunMany`: every finished task matching `where`, newest first (listTasks'
 * order: `limit` takes the tasks its first page would show), at most `limit`, a batch of
 * RERUN_BATCH_SIZE per page. The walk goes down from the newest task (the cursor of the
 * lists, on the indexes that serve them), so the re-runs it stores, all newer, are never
 * reached. Each batch is its own short write; pages are read without a count.
 */
export async function rerunManyTasks(deps: RerunDependencies, params: RerunManyParams, createdBy: Identity): Promise<BulkResult> {
  if (!params || typeof params !== "object") throw Errors.invalidArgument("rerunMany", "expected { where, limit?, dryRun?, from? }");
  const filters = bulkFilters(params.where);
  const limit = parseBulkLimit(params.limit);
  const dryRun = parseDryRun(params.dryRun);
  const from = parseFrom(params.from);

  if (dryRun) {
    const { totalCount } = await deps.storage.taskList({ filters, sort: NEWEST_FIRST, limit: 1, fields: [] });
    return { count: Math.min(totalCount, limit), dryRun };
  }
  let count = 0;
  let seen = 0;
  let after: string | undefined;
  while (seen < limit) {
    const pageSize = Math.min(RERUN_BATCH_SIZE, limit - seen);
    const page = await deps.storage.taskList({ filters, sort: NEWEST_FIRST, limit: pageSize, fields: [inputField(from)], count: false, after });
    seen += page.items.length;
    if (page.items.length > 0) count += (await storeReruns(deps, page.items, from, createdBy, "skip")).length;
    if (!page.cursor) break;
    after = page.cursor;
  }
  return { count, dryRun: false };
}

/** listTasks' default order, which the list indexes of both stores serve without a sort. */
const NEWEST_FIRST: Sort<TaskListField>[] = [
  { field: "createdOn", direction: "desc" },
  { field: "id", direction: "desc" },
];

/**
 * The re-runs of `tasks`, prepared as triggers and stored in one write. `refused`: what a
 * refused re-run does: fail the call (`throw`, a single re-run) or drop that task (`skip`,
 * a bulk one).
 */
async function storeReruns(
  deps: RerunDependencies,
  tasks: readonly Task[],
  from: RerunFrom,
  createdBy: Identity,
  refused: "throw" | "skip",
): Promise<Task[]> {
  const parents = await existingParents(deps.storage, tasks);
  return traceTrigger(async (traceContext) => {
    const now = deps.clock.now();
    const rows: TaskCreateOrGetItem[] = [];
    for (const task of tasks) {
      let row: TaskCreateOrGetItem;
      try {
        row = await deps.prepare(triggerOf(deps, task, from, parents), now, createdBy);
      } catch (error) {
        if (refused === "throw") throw error;
        continue;
      }
      row.rerunOf = task.id;
      if (traceContext) row.traceContext = traceContext;
      rows.push(row);
    }
    if (rows.length === 0) return [];
    const stored = await deps.storage.taskCreateMany({ tasks: rows });
    deps.signals?.emit("tasks-available");
    return stored;
  });
}

/** The trigger a re-run of `task` is: its definition, its name, its parent while that exists, its flow-control values. */
function triggerOf(deps: RerunDependencies, task: Task, from: RerunFrom, parents: ReadonlySet<string>): TriggerParams {
  const definition = deps.definitions.get(task.definitionId);
  return {
    definition: task.definitionId,
    input: from === "start" ? task.triggeredInput : task.input,
    name: task.name,
    ...(task.parentId !== null && parents.has(task.parentId) ? { parent: task.parentId } : {}),
    priority: task.priority,
    // A definition that dropped its concurrency limit since has no group to count it in.
    ...(definition?.concurrency && task.concurrencyKey ? { concurrencyKey: task.concurrencyKey } : {}),
  };
}

/** The parents of `tasks` that still exist: one read for the batch (a deleted parent leaves its re-runs without one). */
async function existingParents(storage: StorageAdapter, tasks: readonly Task[]): Promise<ReadonlySet<string>> {
  const ids = [...new Set(tasks.flatMap((task) => (task.parentId === null ? [] : [task.parentId])))];
  if (ids.length === 0) return new Set();
  return new Set((await storage.taskGetMany({ ids, fields: [] })).map((task) => task.id));
}

/** The input a re-run starts from, as a read field. */
function inputField(from: RerunFrom): "triggeredInput" | "input" {
  return from === "start" ? "triggeredInput" : "input";
}

function parseFrom(from: unknown): RerunFrom {
  if (from === undefined || from === null) return "start";
  if (typeof from !== "string" || !FROM_VALUES.includes(from as RerunFrom)) {
    throw Errors.invalidArgument("from", `expected "start" or "checkpoint", got ${describeValue(from)}`);
  }
  return from as RerunFrom;
}

/**
 * The filters of a bulk action's `where` (listTasks's), restricted to finished tasks. An
 * empty or absent `where` is refused: acting on every task must be asked for by a filter.
 */
export function bulkFilters(where: unknown): Filter<TaskListField>[] {
  if (where === undefined || where === null) throw Errors.invalidArgument("where", "a bulk action needs a where with at least one filter");
  const { filters } = parseTaskListParams({ where: where as Record<string, unknown> });
  if (filters.length === 0) throw Errors.invalidArgument("where", "a bulk action needs a where with at least one filter");
  return [...filters, { field: "taskStatus", op: "in", value: [...TERMINAL_STATUSES] }];
}

/** A bulk action's `limit`: a positive integer, or every matching task when absent. */
export function parseBulkLimit(limit: unknown): number {
  if (limit === undefined || limit === null) return Number.MAX_SAFE_INTEGER;
  if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1) {
    throw Errors.invalidArgument("limit", `expected a positive integer, got ${describeValue(limit)}`);
  }
  return limit;
}

function parseDryRun(dryRun: unknown): boolean {
  if (dryRun === undefined || dryRun === null) return false;
  if (typeof dryRun !== "boolean") throw Errors.invalidArgument("dryRun", `expected true or false, got ${describeValue(dryRun)}`);
  return dryRun;
}

/**
 * The delete use cases: one task (with `children: true` its whole subtree) and the bulk
 * delete of whatever a `where` matches. Deleting is safe: a pending or running task is
 * aborted first (fenced: its iteration's later finish, update or log append changes
 * nothing, and finds no row to bring back) and its onAbort runs once, here, before the
 * row goes.
 *
 * Why an unfinished task whose definition this process does not know is refused
 * (TASK_DELETE_ERROR) rather than deleted: its onAbort can only run in a process that
 * knows it, and a deleted row leaves no claim for such a worker to find. Deleting anyway
 * would silently skip the hook (the very bug this guards against); aborting and keeping
 * the row would not do what was asked. The error says how to get there: abort it (a
 * worker runs onAbort), then delete the aborted task.
 */
import { Errors } from "../domain/errors.js";
import { isValidId } from "../domain/ids.js";
import type { TaskSubtreeRow } from "../storage/port/types.js";
import { abortBatch } from "./abort-batch.js";
import { parseFlag } from "./abort-tasks.js";
import { countMatching, matchingIdPages, parseBulkParams } from "./bulk.js";
import type { TaskServiceDependencies } from "./task-service.js";
import type { BulkResult, DeleteManyParams, DeleteOptions } from "./types.js";

const DELETE_MESSAGE = "Task aborted: deleted.";

export async function deleteTask(deps: TaskServiceDependencies, id: unknown, options: DeleteOptions | null | undefined = {}): Promise<boolean> {
  if (!isValidId(id)) throw Errors.invalidId(id);
  if (options !== undefined && options !== null && typeof options !== "object") throw Errors.invalidArgument("options", "expected { children? }");
  const children = parseFlag("children", options?.children, false);
  const deleted = await deleteBatch(deps, [id], children);
  if (!deleted.includes(id)) throw Errors.taskNotFound(id);
  return true;
}

export async function deleteMany(deps: TaskServiceDependencies, params: DeleteManyParams): Promise<BulkResult> {
  const selection = parseBulkParams("deleteMany", params);
  const children = parseFlag("children", params.children, false);
  if (selection.dryRun) return { count: await countMatching(deps.storage, selection.filters, selection.limit), dryRun: true };
  // Refused before anything is written when a matching task itself cannot be deleted
  // here (its descendants are checked batch by batch, as they are reached).
  const known = knownDefinitionIds(deps);
  const unknownUnfinished = await deps.storage.taskList({
    filters: [
      ...selection.filters,
      { field: "taskStatus", op: "in", value: ["pending", "running"] },
      ...(known.length > 0 ? [{ field: "definitionId" as const, op: "not_in" as const, value: known }] : []),
    ],
    sort: [{ field: "id", direction: "asc" }],
    limit: 1,
    fields: ["id", "definitionId", "taskStatus"],
  });
  const [first] = unknownUnfinished.items;
  if (first) throw Errors.deleteNeedsDefinition(first.id, first.taskStatus, first.definitionId);
  let count = 0;
  for await (const ids of matchingIdPages(deps.storage, selection.filters, selection.limit)) {
    count += (await deleteBatch(deps, ids, children)).length;
  }
  return { count, dryRun: false };
}

/**
 * Deletes `ids` (with `subtree`, their descendants): reads the tree's statuses (one
 * statement), refuses if an unfinished one's onAbort cannot run here, aborts the
 * unfinished ones (one statement, hooks run), then deletes (one statement).
 */
async function deleteBatch(deps: TaskServiceDependencies, ids: readonly string[], subtree: boolean): Promise<string[]> {
  const tree = await deps.storage.taskSubtree({ ids, subtree });
  if (tree.length === 0) return [];
  const unfinished = tree.filter(isUnfinished);
  const unknown = unfinished.find((row) => !deps.definitions.get(row.definitionId));
  if (unknown) throw Errors.deleteNeedsDefinition(unknown.id, unknown.taskStatus, unknown.definitionId);
  if (unfinished.length > 0) await abortBatch(deps, { ids, subtree, message: DELETE_MESSAGE, confirm: false });
  return deps.storage.taskDeleteMany({ ids, subtree });
}

function isUnfinished(row: TaskSubtreeRow): boolean {
  return row.taskStatus === "pending" || row.taskStatus === "running";
}

function knownDefinitionIds(deps: TaskServiceDependencies): string[] {
  return deps.definitions.list({ includePrivate: true }).map((definition) => definition.id);
}

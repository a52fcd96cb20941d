/**
 * The bulk actions' shared part: which tasks a `where` selects, checked once, and the
 * walk over their ids in keyset pages, so an action on 100,000 tasks is a few hundred
 * short statements (no long transaction, no long lock) instead of one huge one or one
 * per task. Each use case (abort-tasks.ts, delete-tasks.ts) decides what one page costs.
 */
import { Errors } from "../domain/errors.js";
import type { StorageAdapter } from "../storage/port/index.js";
import type { Filter, TaskListParams } from "../storage/port/types.js";
import type { TaskListField } from "../storage/port/list-fields.js";
import { parseTaskListParams } from "./parse-list-params.js";
import type { BulkParams, ListWhere } from "./types.js";

/** Ids per page: one abort and one delete statement each, short enough to hold no lock for long. */
export const BULK_PAGE_SIZE = 500;

/** A bulk call's arguments, checked. */
export interface BulkSelection {
  filters: Filter<TaskListField>[];
  /** At most this many tasks; undefined: every match. */
  limit: number | undefined;
  dryRun: boolean;
}

/**
 * Checks a bulk call's `where`, `limit` and `dryRun`. An empty or absent `where` is
 * refused: acting on every task must be asked for with a filter that says so.
 */
export function parseBulkParams(action: string, params: BulkParams | null | undefined): BulkSelection {
  if (!params || typeof params !== "object") throw Errors.invalidArgument(action, "expected { where, limit?, dryRun? }");
  const where: ListWhere | undefined = params.where ?? undefined;
  const filters = parseTaskListParams({ where }).filters as Filter<TaskListField>[];
  if (filters.length === 0) {
    throw Errors.invalidArgument("where", `${action} needs at least one filter (e.g. { taskStatus: "failed" }); it never acts on every task by default.`);
  }
  const { limit, dryRun } = params;
  if (limit !== undefined && limit !== null && (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1)) {
    throw Errors.invalidArgument("limit", "expected a whole number of at least 1");
  }
  if (dryRun !== undefined && dryRun !== null && typeof dryRun !== "boolean") throw Errors.invalidArgument("dryRun", "expected true or false");
  return { filters, limit: limit ?? undefined, dryRun: dryRun === true };
}

/** How many tasks match (at most `limit`): one counted read of one row. */
export async function countMatching(storage: StorageAdapter, filters: readonly Filter<TaskListField>[], limit?: number): Promise<number> {
  const { totalCount } = await storage.taskList({ ...listOf(filters, 1), fields: ["id"] });
  return limit === undefined ? totalCount : Math.min(totalCount, limit);
}

/**
 * The ids of the matching tasks, a page at a time (at most `limit` in all), each page
 * read after the previous one was acted on. The keyset cursor goes on after the last id
 * read, so a page acted on (aborted: no longer matching a status filter; deleted: gone)
 * moves the walk on whatever the action did to it.
 */
export async function* matchingIdPages(
  storage: StorageAdapter,
  filters: readonly Filter<TaskListField>[],
  limit: number | undefined,
  pageSize = BULK_PAGE_SIZE,
): AsyncGenerator<string[]> {
  let left = limit ?? Infinity;
  let after: string | undefined;
  while (left > 0) {
    const size = Math.min(pageSize, left);
    const page = await storage.taskList({ ...listOf(filters, size), ...(after ? { after } : {}), fields: ["id"], count: false });
    if (page.items.length === 0) return;
    left -= page.items.length;
    yield page.items.map((task) => task.id);
    if (!page.cursor) return;
    after = page.cursor;
  }
}

/** The list read of the pages: the default order (newest first, as the runs page shows them). */
function listOf(filters: readonly Filter<TaskListField>[], limit: number): TaskListParams {
  return { ...parseTaskListParams({ limit }), filters };
}

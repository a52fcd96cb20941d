/** Every operation the dashboard sends, each a thin typed wrapper over `graphql()`. */
import { graphql, unwrap, type ApiErrorShape } from "./api.js";
import type { Definition, ListMeta, TaskDetail, TaskLog, TaskRow, TaskStatus, WorkerRow } from "./types.js";

const ERROR = "error { message code data }";
// Only what the pages show: a polled list of 50 rows must not carry the tasks' inputs
// and outputs (up to 1 MiB each; the server reads only the columns selected). The
// run page shows input and output, so its task query reads them, but not eventResponse.
const ROW = "id name definitionId parentId iterations taskStatus progress createdOn startedOn finishedOn runAt";
const DETAIL = `${ROW} executionName input output createdBy { id displayName type } priority idempotencyKey concurrencyKey triggeredInput rerunOf`;

interface Env<T> {
  data: T | null;
  error: ApiErrorShape | null;
}
interface ListEnv<T> extends Env<T[]> {
  meta: ListMeta | null;
}

export interface TaskFilter {
  status?: TaskStatus | "";
  definitionId?: string;
  parentId?: string;
  search?: string;
}

export interface TaskPage {
  items: TaskRow[];
  meta: ListMeta;
}

function where(filter: TaskFilter): Record<string, string> {
  const out: Record<string, string> = {};
  if (filter.status) out.taskStatus = filter.status;
  if (filter.definitionId) out.definitionId = filter.definitionId;
  if (filter.parentId) out.parentId = filter.parentId;
  return out;
}

export async function listTasks(filter: TaskFilter, limit: number, after?: string | null): Promise<TaskPage> {
  const data = await graphql<{ backgroundTasks: { listTasks: ListEnv<TaskRow> } }>(
    `query Runs($where: WebinyBackgroundTaskListWhereInput, $limit: Int, $after: String, $search: String) {
      backgroundTasks { listTasks(where: $where, limit: $limit, after: $after, search: $search, sort: [createdOn_DESC]) {
        data { ${ROW} } meta { cursor hasMoreItems totalCount } ${ERROR} } } }`,
    { where: where(filter), limit, after: after || null, search: filter.search?.trim() || null },
  );
  const envelope = data.backgroundTasks.listTasks;
  const items = unwrap(envelope) ?? [];
  return { items, meta: envelope.meta ?? { cursor: null, hasMoreItems: false, totalCount: items.length } };
}

export async function getTask(id: string): Promise<{ task: TaskDetail | null; logs: TaskLog[] }> {
  const data = await graphql<{ backgroundTasks: { getTask: Env<TaskDetail & { logs: TaskLog[] | null }> } }>(
    `query Run($id: ID!) { backgroundTasks { getTask(id: $id) {
      data { ${DETAIL} logs(limit: 1000) { id iteration executionName createdOn items { message createdOn type data error } } }
      ${ERROR} } } }`,
    { id },
  );
  const task = unwrap(data.backgroundTasks.getTask);
  if (!task) return { task: null, logs: [] };
  const { logs, ...rest } = task;
  // logs is null when the server could not read them (its error is in `errors`).
  return { task: rest, logs: logs ?? [] };
}

export async function listDefinitions(): Promise<Definition[]> {
  const data = await graphql<{ backgroundTasks: { listDefinitions: Env<Definition[]> } }>(
    `query Definitions { backgroundTasks { listDefinitions { data { id title description maxIterations inputSchema } ${ERROR} } } }`,
  );
  return unwrap(data.backgroundTasks.listDefinitions) ?? [];
}

export async function listWorkers(): Promise<WorkerRow[]> {
  const data = await graphql<{ backgroundTasks: { listWorkers: Env<WorkerRow[]> } }>(
    `query Workers { backgroundTasks { listWorkers { data { id host pid version startedOn concurrency leaseMs heartbeatMs lastHeartbeatOn state tasks { id name definitionId iteration attempt } } ${ERROR} } } }`,
  );
  return unwrap(data.backgroundTasks.listWorkers) ?? [];
}

/** Runs per status for each definition, in one request (one aliased count per pair). */
export async function countRuns(definitionIds: string[], statuses: readonly TaskStatus[]): Promise<Record<string, Record<string, number>>> {
  if (definitionIds.length === 0) return {};
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  definitionIds.forEach((id, d) => {
    variables[`d${d}`] = id;
    declarations.push(`$d${d}: String`);
    for (const status of statuses) {
      fields.push(`d${d}_${status}: listTasks(where: { definitionId: $d${d}, taskStatus: "${status}" }, limit: 1) { meta { totalCount } ${ERROR} }`);
    }
  });
  const data = await graphql<{ backgroundTasks: Record<string, ListEnv<unknown>> }>(
    `query Counts(${declarations.join(", ")}) { backgroundTasks { ${fields.join("\n")} } }`,
    variables,
  );
  const out: Record<string, Record<string, number>> = {};
  definitionIds.forEach((id, d) => {
    out[id] = {};
    for (const status of statuses) {
      const envelope = data.backgroundTasks[`d${d}_${status}`];
      unwrap(envelope);
      out[id][status] = envelope.meta?.totalCount ?? 0;
    }
  });
  return out;
}

export async function triggerTask(definition: string, input: unknown, name?: string, delay?: number): Promise<TaskRow> {
  const data = await graphql<{ backgroundTasks: { triggerTask: Env<TaskRow> } }>(
    `mutation Trigger($definition: WebinyBackgroundTaskDefinitionEnum!, $input: JSON, $name: String, $delay: Number) {
      backgroundTasks { triggerTask(definition: $definition, input: $input, name: $name, delay: $delay) { data { ${ROW} } ${ERROR} } } }`,
    { definition, input, name: name || null, delay: delay ?? null },
  );
  return unwrap(data.backgroundTasks.triggerTask);
}

export async function abortTask(id: string, message?: string): Promise<TaskRow> {
  const data = await graphql<{ backgroundTasks: { abortTask: Env<TaskRow> } }>(
    `mutation Abort($id: ID!, $message: String) { backgroundTasks { abortTask(id: $id, message: $message) { data { ${ROW} } ${ERROR} } } }`,
    { id, message: message || null },
  );
  return unwrap(data.backgroundTasks.abortTask);
}

/** A new run of a finished one (docs/run-history.md "Re-run"), from its first input or its checkpoint. */
export async function rerunTask(id: string, from: "start" | "checkpoint"): Promise<TaskRow> {
  const data = await graphql<{ backgroundTasks: { rerunTask: Env<TaskRow> } }>(
    `mutation Rerun($id: ID!, $from: WebinyBackgroundTaskRerunFrom) { backgroundTasks { rerunTask(id: $id, from: $from) { data { ${ROW} } ${ERROR} } } }`,
    { id, from },
  );
  return unwrap(data.backgroundTasks.rerunTask);
}

export async function deleteTask(id: string): Promise<boolean> {
  const data = await graphql<{ backgroundTasks: { deleteTask: Env<boolean> } }>(
    `mutation Delete($id: ID!) { backgroundTasks { deleteTask(id: $id) { data ${ERROR} } } }`,
    { id },
  );
  return unwrap(data.backgroundTasks.deleteTask);
}

/** A schedule as the Schedules page shows it. */
export interface ScheduleRow {
  id: string;
  definitionId: string;
  cron: string;
  timezone: string;
  name: string | null;
  enabled: boolean;
  overlap: "allow" | "skip";
  source: string;
  nextRuns: string[];
  lastRunAt: string | null;
  lastTaskId: string | null;
}

const SCHEDULE = "id definitionId cron timezone name enabled overlap source nextRuns(count: 5) lastRunAt lastTaskId";

export async function listSchedules(): Promise<ScheduleRow[]> {
  const data = await graphql<{ backgroundTasks: { listSchedules: Env<ScheduleRow[]> } }>(
    `query Schedules { backgroundTasks { listSchedules { data { ${SCHEDULE} } ${ERROR} } } }`,
  );
  return unwrap(data.backgroundTasks.listSchedules) ?? [];
}

export async function setScheduleEnabled(id: string, enabled: boolean): Promise<ScheduleRow> {
  const data = await graphql<{ backgroundTasks: { updateSchedule: Env<ScheduleRow> } }>(
    `mutation EnableSchedule($id: ID!, $enabled: Boolean!) { backgroundTasks { updateSchedule(id: $id, data: { enabled: $enabled }) { data { ${SCHEDULE} } ${ERROR} } } }`,
    { id, enabled },
  );
  return unwrap(data.backgroundTasks.updateSchedule)!;
}

/**
 * How many tasks match the filter in each status (the filter's own status is ignored),
 * in one request: an aliased `listTasks(limit: 1)` per status reading `meta.totalCount`.
 *
 * Why not the store's `taskStats` (the grouped counts behind the metrics): it counts the
 * whole table by definition and status and knows no name search or parent, so it could
 * not honour the runs page's filters, and it would need a new GraphQL field. Each count
 * here is the exact `count(*)` a filtered list already makes for its own `totalCount`
 * (the table's pager shows it); with no other filter it walks only that status's range of
 * the `(status, created_on, id)` index both stores have. Five of them cost more than one
 * page, so the runs page polls them every 10 s, not every 2 s (STATUS_COUNTS_INTERVAL_MS).
 */
export async function countTasksByStatus(filter: TaskFilter, statuses: readonly TaskStatus[]): Promise<Record<string, number>> {
  const variables: Record<string, unknown> = { search: filter.search?.trim() || null };
  const declarations = ["$search: String"];
  const fields = statuses.map((status) => {
    variables[`w_${status}`] = { ...where({ ...filter, status }), taskStatus: status };
    declarations.push(`$w_${status}: WebinyBackgroundTaskListWhereInput`);
    return `${status}: listTasks(where: $w_${status}, search: $search, limit: 1) { meta { totalCount } ${ERROR} }`;
  });
  const data = await graphql<{ backgroundTasks: Record<string, ListEnv<unknown>> }>(
    `query StatusCounts(${declarations.join(", ")}) { backgroundTasks { ${fields.join("\n")} } }`,
    variables,
  );
  const out: Record<string, number> = {};
  for (const status of statuses) {
    const envelope = data.backgroundTasks[status];
    unwrap(envelope);
    out[status] = envelope.meta?.totalCount ?? 0;
  }
  return out;
}

/** What a bulk mutation did (or, with dryRun, would do). */
export interface BulkResult {
  count: number;
  dryRun: boolean;
}

export type BulkAction = "abort" | "delete" | "rerun";

const BULK_MUTATIONS: Record<BulkAction, string> = {
  abort: "abortTasks",
  delete: "deleteTasks",
  rerun: "rerunTasks",
};

/** abortTasks / deleteTasks / rerunTasks on exactly these ids (`where: { id_in }`). */
export async function bulkAction(action: BulkAction, ids: readonly string[], dryRun: boolean): Promise<BulkResult> {
  const field = BULK_MUTATIONS[action];
  const data = await graphql<{ backgroundTasks: Record<string, Env<BulkResult>> }>(
    `mutation Bulk($where: WebinyBackgroundTaskListWhereInput!, $dryRun: Boolean) {
      backgroundTasks { ${field}(where: $where, dryRun: $dryRun) { data { count dryRun } ${ERROR} } } }`,
    { where: { id_in: ids }, dryRun },
  );
  return unwrap(data.backgroundTasks[field]);
}

/** The stored settings (Webiny 6.4 `getSettings`). */
export async function getSettings(): Promise<{ retentionDays: number }> {
  const data = await graphql<{ backgroundTasks: { getSettings: Env<{ retentionDays: number }> } }>(
    `query Settings { backgroundTasks { getSettings { data { retentionDays } ${ERROR} } } }`,
  );
  return unwrap(data.backgroundTasks.getSettings);
}

/** Stores `retentionDays` (Webiny 6.4 `updateSettings`); the server checks the value. */
export async function updateSettings(retentionDays: number): Promise<{ retentionDays: number }> {
  const data = await graphql<{ backgroundTasks: { updateSettings: Env<{ retentionDays: number }> } }>(
    `mutation UpdateSettings($input: UpdateBackgroundTaskSettingsInput!) { backgroundTasks { updateSettings(input: $input) { data { retentionDays } ${ERROR} } } }`,
    { input: { retentionDays } },
  );
  return unwrap(data.backgroundTasks.updateSettings);
}

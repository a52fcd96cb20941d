/**
 * The SDL of the management API: Webiny's schema (WEBINY-COMPAT "GraphQL schema") with
 * names unchanged, plus Stint's extra fields (`WebinyBackgroundTask.progress`,
 * `WebinyBackgroundTaskDefinition.maxIterations` and `inputSchema`, `listWorkers`).
 */
import { LOG_LIST_FIELDS, TASK_LIST_FIELDS } from "../storage/port/index.js";
import { LOG_NESTED_FILTERS, sorterEnumSdl, whereInputSdl } from "./list-inputs.js";
import { SCHEDULES_SDL } from "./schedules-sdl.js";
import { SETTINGS_SDL } from "./settings-sdl.js";

import { RERUN_SDL } from "./rerun-sdl.js";

const ENUM_VALUE = /^[_A-Za-z][_0-9A-Za-z]*$/;
const RESERVED_ENUM_VALUES = new Set(["true", "false", "null"]);

/**
 * The values of `WebinyBackgroundTaskDefinitionEnum`: the public definition ids that
 * GraphQL can spell as enum values (camelCase ids always can), or `Empty` when none.
 */
export function definitionEnumValues(definitionIds: readonly string[]): string[] {
  const values = definitionIds.filter((id) => ENUM_VALUE.test(id) && !RESERVED_ENUM_VALUES.has(id));
  return values.length > 0 ? [...new Set(values)] : ["Empty"];
}

const STATIC_SDL = /* GraphQL */ `
scalar JSON
scalar DateTime
scalar Number

type WebinyBackgroundTaskError {
  message: String
  code: String
  data: JSON
  stack: String
}

type WebinyBackgroundTaskIdentity {
  id: String!
  displayName: String!
  type: String
}

type WebinyBackgroundTask {
  id: String!
  createdOn: DateTime!
  savedOn: DateTime
  createdBy: WebinyBackgroundTaskIdentity!
  name: String
  definitionId: String
  parentId: String
  executionName: String
  iterations: Number
  input: JSON
  output: JSON
  taskStatus: String
  startedOn: DateTime
  finishedOn: DateTime
  eventResponse: JSON
  "Stint: what the task reported last through controller.progress.set()."
  progress: JSON
  "Stint (flow control): higher is claimed first among due tasks; default 0."
  priority: Number
  "Stint (flow control): the trigger's idempotency key, if any."
  idempotencyKey: String
  "Stint (flow control): the group the definition's concurrency limit counts this task in."
  concurrencyKey: String
  "Stint: when the task's next iteration may start. For a pending task, when it will run: its trigger's delay, or the wait a continue asked for."
  runAt: DateTime

  "Stint (re-run): the input as first triggered; the same as input until a continue or updateInput changed it."
  triggeredInput: JSON
  "Stint (re-run): the id of the task this one re-runs."
  rerunOf: ID
  # Nullable on purpose (it was non-null): an error here (no read permission, a limit
  # too high, the response budget) must null only this field, not the whole task, or a
  # triggerTask/abortTask that did its write would answer data: null and lose the id.
  "The task's logs, one per iteration, oldest first unless sorted otherwise. Null, with the reason in the response's errors, when they cannot be read: the task around them still comes back."
  logs(where: WebinyBackgroundTaskLogListWhereInput, limit: Number, sort: [WebinyBackgroundTaskLogListSorter!]): [WebinyBackgroundTaskLog!]
}

type WebinyTaskLog_Items {
  message: String
  createdOn: DateTime
  type: String
  data: JSON
  error: JSON
}

type WebinyBackgroundTaskLog {
  id: String!
  createdOn: DateTime!
  createdBy: WebinyBackgroundTaskIdentity!
  task: WebinyBackgroundTask!
  executionName: String
  iteration: Number
  items: [WebinyTaskLog_Items!]
}

type WebinyBackgroundTaskMeta {
  cursor: String
  hasMoreItems: Boolean!
  totalCount: Int!
}

type WebinyBackgroundTaskResponse {
  data: WebinyBackgroundTask
  error: WebinyBackgroundTaskError
}

type WebinyBackgroundTaskListResponse {
  data: [WebinyBackgroundTask!]
  meta: WebinyBackgroundTaskMeta
  error: WebinyBackgroundTaskError
}

type WebinyBackgroundTaskLogListResponse {
  data: [WebinyBackgroundTaskLog!]
  meta: WebinyBackgroundTaskMeta
  error: WebinyBackgroundTaskError
}

type WebinyBackgroundTaskDefinition {
  id: String!
  title: String!
  description: String
  fields: JSON
  "Stint: the iteration limit of the definition."
  maxIterations: Number
  "Stint: JSON Schema of the input when the definition validates it, else null."
  inputSchema: JSON
  "Stint (flow control): at most this many of its tasks run at once (per concurrency key); null: no limit."
  concurrencyLimit: Number
}

type WebinyBackgroundTaskListDefinitionsResponse {
  data: [WebinyBackgroundTaskDefinition!]
  error: WebinyBackgroundTaskError
}

"Stint: a task a worker holds (worker registry)."
type WebinyBackgroundTaskWorkerTask {
  id: String!
  name: String
  definitionId: String
  iteration: Number
  attempt: Number
}

"Stint: a registered worker. state: alive, lagging (missed a beat) or gone (silent longer than its lease)."
type WebinyBackgroundTaskWorker {
  id: String!
  host: String!
  pid: Number!
  version: String!
  startedOn: DateTime!
  concurrency: Number!
  leaseMs: Number!
  heartbeatMs: Number!
  lastHeartbeatOn: DateTime!
  state: String!
  tasks: [WebinyBackgroundTaskWorkerTask!]!
}

type WebinyBackgroundTaskListWorkersResponse {
  data: [WebinyBackgroundTaskWorker!]
  error: WebinyBackgroundTaskError
}

type WebinyBackgroundTaskTriggerResponse {
  data: WebinyBackgroundTask
  error: WebinyBackgroundTaskError
}

type WebinyBackgroundTaskDeleteResponse {
  data: Boolean
  error: WebinyBackgroundTaskError
}

type WebinyBackgroundTaskBulkResult {
  "How many tasks the call acted on (a dry run: how many it would act on)."
  count: Int!
  dryRun: Boolean!
}

type WebinyBackgroundTaskBulkResponse {
  data: WebinyBackgroundTaskBulkResult
  error: WebinyBackgroundTaskError
}

type WebinyBackgroundTaskQuery {
  getTask(id: ID!): WebinyBackgroundTaskResponse!
  listTasks(where: WebinyBackgroundTaskListWhereInput, sort: [WebinyBackgroundTaskListSorter!], limit: Int, after: String, search: String): WebinyBackgroundTaskListResponse!
  listDefinitions: WebinyBackgroundTaskListDefinitionsResponse!
  listLogs(where: WebinyBackgroundTaskLogListWhereInput, sort: [WebinyBackgroundTaskLogListSorter!], limit: Int, after: String, search: String): WebinyBackgroundTaskLogListResponse!
  "Stint: the registered workers, alive, lagging or gone, and the tasks each holds."
  listWorkers: WebinyBackgroundTaskListWorkersResponse!
}

type WebinyBackgroundTaskMutation {
  triggerTask(definition: WebinyBackgroundTaskDefinitionEnum!, input: JSON, name: String, delay: Number, priority: Number, idempotencyKey: String, idempotencyKeyTtlSeconds: Number, concurrencyKey: String): WebinyBackgroundTaskTriggerResponse!
  "Stint: children (default true) also aborts its unfinished descendants, each one's onAbort run once."
  abortTask(id: ID!, message: String, children: Boolean = true): WebinyBackgroundTaskResponse!
  "Stint: aborts the pending and running tasks where matches (at least one filter), at most limit, in batches; dryRun counts only."
  abortTasks(where: WebinyBackgroundTaskListWhereInput!, limit: Int, dryRun: Boolean, message: String, children: Boolean = true): WebinyBackgroundTaskBulkResponse!
  "Stint: a pending or running task is aborted first (onAbort run once); children: true deletes the whole subtree."
  deleteTask(id: ID!, children: Boolean = false): WebinyBackgroundTaskDeleteResponse!
  "Stint: deletes the tasks where matches (at least one filter), at most limit, in batches; dryRun counts only."
  deleteTasks(where: WebinyBackgroundTaskListWhereInput!, limit: Int, dryRun: Boolean, children: Boolean = false): WebinyBackgroundTaskBulkResponse!
}

type Query {
  backgroundTasks: WebinyBackgroundTaskQuery
}

type Mutation {
  backgroundTasks: WebinyBackgroundTaskMutation
}
`;

/** The whole SDL for the given public definition ids. */
export function buildSchemaSdl(definitionIds: readonly string[]): string {
  const enumValues = definitionEnumValues(definitionIds).map((value) => `  ${value}`).join("\n");
  return [
    STATIC_SDL.trim(),
    `"One value per public task definition id; the single value Empty when there is none."\nenum WebinyBackgroundTaskDefinitionEnum {\n${enumValues}\n}`,
    whereInputSdl("WebinyBackgroundTaskListWhereInput", TASK_LIST_FIELDS),
    whereInputSdl("WebinyBackgroundTaskLogListWhereInput", LOG_LIST_FIELDS, LOG_NESTED_FILTERS),
    sorterEnumSdl("WebinyBackgroundTaskListSorter", TASK_LIST_FIELDS),
    sorterEnumSdl("WebinyBackgroundTaskLogListSorter", LOG_LIST_FIELDS),
    SCHEDULES_SDL.trim(),
    SETTINGS_SDL.trim(),

    RERUN_SDL.trim(),
  ].join("\n\n") + "\n";
}

/**
 * Resolvers: each `backgroundTasks` field is one TaskService call inside an envelope
 * helper. Arguments go to the service as Webiny wrote them (`where` objects, sorter
 * strings); the service validates them. Only `limit` is checked here too, against the
 * server's own cap, so an oversized page is refused before any work is done.
 */
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { Errors } from "../domain/errors.js";
import type { TaskRecord as Task } from "../domain/task-record.js";
import type { TaskLogRecord as TaskLog } from "../domain/log-record.js";
import type { DefinitionInfo, ListTasksParams } from "../service/types.js";
import { MAX_LIST_LIMIT } from "../service/parse-list-params.js";
import type { GraphQLContext } from "./context.js";
import { envelope, listEnvelope, toEnvelopeError } from "./envelope.js";
import { DateTimeScalar, JSONScalar, NumberScalar } from "./scalars.js";
import { selectedDataFields, selectedFields } from "./selection-fields.js";
import { checkWriteSelection } from "./write-selection.js";
import { wantsLogItems } from "../storage/port/types.js";
import { scheduleMutationResolvers, scheduleQueryResolvers, scheduleTypeResolvers } from "./schedule-resolvers.js";
import { rerunMutationResolvers } from "./rerun-resolvers.js";

interface ListArgs {
  where?: Record<string, unknown> | null;
  sort?: string[] | null;
  limit?: number | null;
  after?: string | null;
  search?: string | null;
}

interface NestedLogsArgs {
  where?: Record<string, unknown> | null;
  sort?: string[] | null;
  limit?: number | null;
}

interface TriggerArgs {
  definition: string;
  input?: unknown;
  name?: string | null;
  delay?: number | null;
  /** Stint (flow control): passed on as given; the TaskService checks them. */
  priority?: number | null;
  idempotencyKey?: string | null;
  idempotencyKeyTtlSeconds?: number | null;
  concurrencyKey?: string | null;
}

function checkedLimit(limit: number | null | undefined, context: GraphQLContext): number | undefined {
  if (limit === null || limit === undefined) return undefined;
  if (limit > context.maxListLimit) {
    throw Errors.invalidArgument("limit", `at most ${context.maxListLimit} items can be listed at once, got ${limit}`);
  }
  return limit;
}

/**
 * Webiny's `WebinyBackgroundTask.logs` reads `limit: 10000` unless the query gives a limit:
 * all of a task's log records (one per iteration) in practice. Stint reads them in pages
 * of the server's list limit, so no single query or page is larger than a listLogs one.
 */
export const NESTED_LOGS_LIMIT = 10_000;

function nestedLogsLimit(limit: number | null | undefined): number {
  if (limit === null || limit === undefined) return NESTED_LOGS_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > NESTED_LOGS_LIMIT) {
    throw Errors.invalidArgument("limit", `the logs of a task are listed 1 to ${NESTED_LOGS_LIMIT} at a time, got ${limit}`);
  }
  return limit;
}

async function allLogs(task: Task, args: NestedLogsArgs, context: GraphQLContext, fields: string[]): Promise<TaskLog[]> {
  const wanted = nestedLogsLimit(args.limit);
  const pageSize = Math.min(context.maxListLimit, MAX_LIST_LIMIT);
  const logs: TaskLog[] = [];
  let after: string | null = null;
  do {
    const page: { items: TaskLog[]; meta: { cursor: string | null } } = await context.service.listLogs({
      where: { ...args.where, task: task.id },
      sort: args.sort ?? ["createdOn_ASC"],
      limit: Math.min(pageSize, wanted - logs.length),
      after,
      ...readOptions(context, fields),
    });
    logs.push(...page.items);
    after = page.meta.cursor;
  } while (after !== null && logs.length < wanted);
  return logs;
}

function listParams(args: ListArgs, context: GraphQLContext): ListTasksParams {
  return {
    where: args.where ?? undefined,
    sort: args.sort ?? undefined,
    limit: checkedLimit(args.limit, context),
    after: args.after ?? undefined,
    search: args.search ?? undefined,
  };
}

/** The arguments of the bulk mutations (abortTasks, deleteTasks). */
interface BulkArgs {
  where: Record<string, unknown>;
  limit?: number | null;
  dryRun?: boolean | null;
  children?: boolean | null;
}

function bulkParams(args: BulkArgs): { where: Record<string, unknown>; limit?: number; dryRun?: boolean; children?: boolean } {
  return { where: args.where, limit: args.limit ?? undefined, dryRun: args.dryRun ?? undefined, children: args.children ?? undefined };
}

/** Reads name the fields the selection uses (the rest stay unread) and charge the request's budget. */
function readOptions(context: GraphQLContext, fields: string[]): { fields: string[]; budget: GraphQLContext["budget"] } {
  return { fields, budget: context.budget };
}

/** Nested fields have no envelope: their errors become GraphQL field errors. */
function toFieldError(error: unknown, context: GraphQLContext): GraphQLError {
  const { message, code, data, stack } = toEnvelopeError(error, context);
  return new GraphQLError(message, { extensions: { code, data, ...(stack ? { stack } : {}) } });
}

export const resolvers = {
  JSON: JSONScalar,
  DateTime: DateTimeScalar,
  Number: NumberScalar,

  Query: { backgroundTasks: () => ({}) },
  Mutation: { backgroundTasks: () => ({}) },

  WebinyBackgroundTaskQuery: {
    getTask: (_: unknown, args: { id: string }, context: GraphQLContext, info: GraphQLResolveInfo) =>
      envelope(context, "r", () => context.service.getTask(args.id, readOptions(context, selectedDataFields(info)))),
    listTasks: (_: unknown, args: ListArgs, context: GraphQLContext, info: GraphQLResolveInfo) =>
      listEnvelope(context, "r", () =>
        context.service.listTasks({ ...listParams(args, context), ...readOptions(context, selectedDataFields(info)) }),
      ),
    listDefinitions: (_: unknown, __: unknown, context: GraphQLContext) =>
      envelope(context, "r", () => context.service.listDefinitions()),
    listLogs: (_: unknown, args: ListArgs, context: GraphQLContext, info: GraphQLResolveInfo) =>
      listEnvelope(context, "r", () =>
        context.service.listLogs({ ...listParams(args, context), ...readOptions(context, selectedDataFields(info)) }),
      ),
    listWorkers: (_: unknown, __: unknown, context: GraphQLContext) => envelope(context, "r", () => context.service.listWorkers()),
    getSettings: (_: unknown, __: unknown, context: GraphQLContext) => envelope(context, "r", () => context.service.getSettings()),
    ...scheduleQueryResolvers,
  },

  WebinyBackgroundTaskMutation: {
    triggerTask: (_: unknown, args: TriggerArgs, context: GraphQLContext, info: GraphQLResolveInfo) =>
      envelope(context, "w", () => {
        checkWriteSelection(context, info);
        return context.service.trigger({
          definition: args.definition,
          input: (args.input ?? undefined) as Record<string, unknown> | undefined,
          name: args.name ?? undefined,
          delay: args.delay ?? undefined,
          priority: args.priority ?? undefined,
          idempotencyKey: args.idempotencyKey ?? undefined,
          idempotencyKeyTtlSeconds: args.idempotencyKeyTtlSeconds ?? undefined,
          concurrencyKey: args.concurrencyKey ?? undefined,
        }, context.identity ? { createdBy: context.identity } : {});
      }),
    abortTask: (_: unknown, args: { id: string; message?: string | null; children?: boolean | null }, context: GraphQLContext, info: GraphQLResolveInfo) =>
      envelope(context, "w", () => {
        checkWriteSelection(context, info);
        return context.service.abort({ id: args.id, message: args.message ?? undefined, children: args.children ?? undefined });
      }),
    abortTasks: (_: unknown, args: BulkArgs & { message?: string | null }, context: GraphQLContext) =>
      envelope(context, "w", () => context.service.abortMany({ ...bulkParams(args), message: args.message ?? undefined })),
    deleteTask: (_: unknown, args: { id: string; children?: boolean | null }, context: GraphQLContext) =>
      envelope(context, "d", () => context.service.deleteTask(args.id, { children: args.children ?? undefined })),
    deleteTasks: (_: unknown, args: BulkArgs, context: GraphQLContext) =>
      envelope(context, "d", () => context.service.deleteMany(bulkParams(args))),
    // GraphQL's null for "not given" reaches the service as is: it is refused (a value is required).
    updateSettings: (_: unknown, args: { input: { retentionDays?: number | null } }, context: GraphQLContext) =>
      envelope(context, "w", () => context.service.updateSettings({ retentionDays: args.input.retentionDays as number })),
    ...scheduleMutationResolvers,
    ...rerunMutationResolvers,
  },

  ...scheduleTypeResolvers,

  WebinyBackgroundTask: {
    logs: async (task: Task, args: NestedLogsArgs, context: GraphQLContext, info: GraphQLResolveInfo) => {
      const fields = selectedFields(info);
      // With or without items read: two selections of the same logs must not share one answer.
      const key = JSON.stringify([task.id, args.where ?? null, args.sort ?? null, args.limit ?? null, wantsLogItems(fields)]);
      let logs = context.nestedLogs.get(key);
      if (!logs) {
        logs = (async () => {
          if (!context.permissions.has("r")) throw Errors.notAuthorized();
          return allLogs(task, args, context, fields);
        })();
        context.nestedLogs.set(key, logs);
      }
      try {
        return await logs;
      } catch (error) {
        throw toFieldError(error, context);
      }
    },
  },

  WebinyBackgroundTaskLog: {
    task: async (log: TaskLog, _: unknown, context: GraphQLContext, info: GraphQLResolveInfo) => {
      try {
        const task = await context.tasks.load(log.task, selectedFields(info));
        if (!task) throw Errors.taskNotFound(log.task);
        return task;
      } catch (error) {
        throw toFieldError(error, context);
      }
    },
  },

  WebinyBackgroundTaskDefinition: {
    // Webiny's definitions without fields answer `fields: []`; Stint's have none.
    fields: () => [],
    inputSchema: (definition: DefinitionInfo) => definition.inputSchema,
  },
};

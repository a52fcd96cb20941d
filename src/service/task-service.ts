/**
 * TaskService: the use cases. Every argument is checked here before anything is stored,
 * so GraphQL, the CLI and user code get the same typed errors and no half-done writes.
 * Tasks leave the service as Webiny's records (`TaskRecord`: ISO dates, absent fields
 * undefined); inside Stint they stay `Task`s. `stored` gives the inner form to the parts
 * of Stint that keep working on it (the runner's child triggers).
 */
import type { Identity, Task, TaskInput } from "../domain/task.js";
import { toTaskRecord, type TaskRecord } from "../domain/task-record.js";
import { SYSTEM_IDENTITY } from "../domain/task.js";
import { toTaskLogRecord, type TaskLogRecord } from "../domain/log-record.js";
import type { Clock } from "../domain/clock.js";
import { Errors, describeValue } from "../domain/errors.js";
import { isValidId, newId } from "../domain/ids.js";
import { sliceText } from "../domain/nul.js";
import type { AnyTaskDefinition, TaskContextSource } from "../definition/types.js";
import type { DefinitionRegistry } from "../definition/registry.js";
import type { StorageAdapter, TaskCreateOrGetItem } from "../storage/port/index.js";
import type { WorkerSignals } from "../worker/signals.js";
import type { HookFailure } from "../worker/hooks.js";
import { parseLogListParams, parseTaskListParams } from "./parse-list-params.js";
import { markUserError } from "./user-error.js";
import { checkFlowValues, checkTriggerValues, concurrencyKeyOf } from "./trigger-values.js";
import { parseReadOptions, type ReadOptions } from "./read-options.js";
import { traceTrigger } from "../observability/tracing.js";
import { listWorkers } from "./workers.js";
import { readSettings, updateSettings } from "./settings.js";
import { rerunManyTasks, rerunTask, type RerunDependencies } from "./rerun.js";
import type { WorkerInfo } from "../domain/worker.js";
import { abortMany, abortTask } from "./abort-tasks.js";
import { deleteMany, deleteTask } from "./delete-tasks.js";
import type {
  AbortManyParams,
  AbortParams,
  BulkResult,
  DeleteManyParams,
  DeleteOptions,
  DefinitionInfo,
  ListLogsParams,
  ListResponse,
  ListTasksParams,
  RerunManyParams,
  RerunParams,
  TaskService,
  TriggerOptions,
  TriggerParams,
  TaskSettings,
  UpdateSettingsParams,
} from "./types.js";

/** Largest input accepted at trigger, JSON-encoded. */
const MAX_NAME_LENGTH = 255;

export interface TaskServiceDependencies {
  storage: StorageAdapter;
  definitions: DefinitionRegistry;
  clock: Clock;
  signals?: WorkerSignals;
  /** Stored as the identity that aborts (the hook claim owner). */
  serviceId?: string;
  /** How long an abort keeps the task claimed while its onAbort hook runs. */
  hookLeaseMs?: number;
  /** `createStint({ context })`: what v5 definitions' onBeforeTrigger and onAbort (run by abort()) get as `context`. */
  context?: TaskContextSource;
  /** The config's `retention.days`: what getSettings answers while nothing is stored. */
  configRetentionDays?: number;
  /** A hook this service ran (onAbort, from abort()) threw or ran out of time; it is also written to the task's log. */
  onHookError?: (event: { task: Task } & HookFailure) => void;
}

/** One trigger, prepared: a task to store, or (idempotency key) the task already holding its key. */
type Prepared = { row: TaskCreateOrGetItem; existing?: undefined } | { row?: undefined; existing: Task };

export class DefaultTaskService implements TaskService {
  constructor(private readonly deps: TaskServiceDependencies) {}

  async trigger<I = TaskInput>(params: TriggerParams<I>, options: TriggerOptions = {}): Promise<TaskRecord<I>> {
    const [task] = await this.triggerStored([params as TriggerParams], options);
    return toTaskRecord(task) as TaskRecord<I>;
  }

  async triggerMany(list: readonly TriggerParams[], options: TriggerOptions = {}): Promise<TaskRecord[]> {
    return (await this.triggerStored(list, options)).map((task) => toTaskRecord(task));
  }

  /**
   * Stint-internal: the use cases that hand back stored tasks (`Task`, with Dates), for the
   * runner's child triggers, which keep working on the stored form.
   * @internal
   */
  readonly stored = {
    trigger: async (params: TriggerParams<any>, options: TriggerOptions = {}): Promise<Task> => (await this.triggerStored([params], options))[0],
    listChildren: (parentId: string, definitionId?: string): Promise<Task[]> => this.childrenOf(parentId, definitionId),
  };

  private async triggerStored(list: readonly TriggerParams[], options: TriggerOptions): Promise<Task[]> {
    if (!Array.isArray(list)) throw Errors.invalidArgument("triggers", "expected an array");
    if (list.length === 0) return [];
    // One `stint.trigger` span for the call; its context is stored with every new task.
    return traceTrigger(async (traceContext) => {
      const now = this.deps.clock.now();
      const prepared: Prepared[] = [];
      for (const params of list) prepared.push(await this.prepare(params, now, options.createdBy ?? SYSTEM_IDENTITY));
      const rows = prepared.flatMap((p) => (p.row ? [p.row] : []));
      if (rows.length === 0) return prepared.map((p) => p.existing!);
      if (traceContext) for (const row of rows) row.traceContext = traceContext;
      // Without a key, the plain create (and its handoff); with one, the store decides
      // race-safely whether each task is new (docs/flow-control.md "Idempotency keys").
      const keyed = rows.some((row) => row.idempotencyKey != null);
      const stored = keyed
        ? await this.deps.storage.taskCreateOrGet({ tasks: rows })
        : (await this.deps.storage.taskCreateMany({ tasks: rows })).map((task) => ({ task, created: true }));
      if (stored.some((s) => s.created)) this.deps.signals?.emit("tasks-available");
      let next = 0;
      return prepared.map((p) => (p.row ? stored[next++].task : p.existing!));
    });
  }

  // Re-run lives in rerun.ts; it triggers through this service's checks (prepare).
  async rerun(params: RerunParams, options: TriggerOptions = {}): Promise<TaskRecord> {
    return toTaskRecord(await rerunTask(this.rerunDependencies(), params, options.createdBy ?? SYSTEM_IDENTITY));
  }

  rerunMany(params: RerunManyParams, options: TriggerOptions = {}): Promise<BulkResult> {
    return rerunManyTasks(this.rerunDependencies(), params, options.createdBy ?? SYSTEM_IDENTITY);
  }

  private rerunDependencies(): RerunDependencies {
    const { storage, definitions, clock, signals } = this.deps;
    // No idempotency key in a re-run: prepare always returns a row to store.
    return { storage, definitions, clock, signals, prepare: async (params, now, createdBy) => (await this.prepare(params, now, createdBy, true)).row! };
  }

  abort(params: AbortParams): Promise<TaskRecord> {
    return abortTask(this.deps, params);
  }

  abortMany(params: AbortManyParams): Promise<BulkResult> {
    return abortMany(this.deps, params);
  }

  deleteMany(params: DeleteManyParams): Promise<BulkResult> {
    return deleteMany(this.deps, params);
  }

  async getTask(id: string, options?: ReadOptions): Promise<TaskRecord | null> {
    const task = await this.deps.storage.taskGet({ id: this.checkId(id), ...parseReadOptions(options) });
    return task ? toTaskRecord(task) : null;
  }

  async listTasks(params: ListTasksParams = {}): Promise<ListResponse<TaskRecord>> {
    const result = await this.listStored(params);
    return { items: result.items.map((task) => toTaskRecord(task)), meta: result.meta };
  }

  private async listStored(params: ListTasksParams): Promise<ListResponse<Task>> {
    const result = await this.deps.storage.taskList({ ...parseTaskListParams(params ?? {}), ...parseReadOptions(params ?? {}) });
    return { items: result.items, meta: { cursor: result.cursor, hasMoreItems: result.hasMoreItems, totalCount: result.totalCount } };
  }

  async listLogs(params: ListLogsParams = {}): Promise<ListResponse<TaskLogRecord>> {
    const result = await this.deps.storage.logList({ ...parseLogListParams(params ?? {}), ...parseReadOptions(params ?? {}) });
    return { items: result.items.map(toTaskLogRecord), meta: { cursor: result.cursor, hasMoreItems: result.hasMoreItems, totalCount: result.totalCount } };
  }

  listWorkers(): Promise<WorkerInfo[]> {
    return listWorkers(this.deps.storage, this.deps.clock);
  }

  listDefinitions(options: { includePrivate?: boolean } = {}): DefinitionInfo[] {
    return this.deps.definitions.list({ includePrivate: options.includePrivate ?? false }).map(toDefinitionInfo);
  }

  getDefinition(id: string): AnyTaskDefinition | undefined {
    return this.deps.definitions.get(id);
  }

  deleteTask(id: string, options?: DeleteOptions): Promise<boolean> {
    return deleteTask(this.deps, id, options);
  }

  getSettings(): Promise<TaskSettings> {
    return readSettings(this.deps);
  }

  updateSettings(params: UpdateSettingsParams): Promise<TaskSettings> {
    return updateSettings(this.deps, params);
  }

  // Paged internally; the parent_id index keeps it cheap.
  async listChildren(parentId: string, definitionId?: string): Promise<TaskRecord[]> {
    return (await this.childrenOf(parentId, definitionId)).map((task) => toTaskRecord(task));
  }

  private async childrenOf(parentId: string, definitionId?: string): Promise<Task[]> {
    const where: Record<string, unknown> = { parentId: this.checkId(parentId) };
    if (definitionId !== undefined) where.definitionId = definitionId;
    const children: Task[] = [];
    let after: string | null = null;
    do {
      const page: ListResponse<Task> = await this.listStored({ where, sort: ["createdOn_ASC"], limit: 1000, after });
      children.push(...page.items);
      after = page.meta.cursor;
    } while (after);
    return children;
  }

  /**
   * Webiny's order: the definition, then `onBeforeTrigger` (with the data as Webiny builds
   * it), then the delay, then the input. An error thrown by onBeforeTrigger reaches the
   * caller as it was thrown. Stint's own checks (sizes, NUL, the parent) follow, so a
   * refused trigger stores nothing whichever check refuses it. `parentKnown`: the caller
   * read the parent already (a re-run batch reads all its parents at once).
   */
  private async prepare(params: TriggerParams, now: number, createdBy: Identity, parentKnown = false): Promise<Prepared> {
    if (!params || typeof params !== "object") throw Errors.invalidArgument("trigger", "expected { definition, input?, name?, delay?, parent? }");
    const definitionId = typeof params.definition === "string" ? params.definition : params.definition?.id;
    if (typeof definitionId !== "string") throw Errors.definitionNotFound(describeValue(definitionId));
    const definition = this.deps.definitions.get(definitionId);
    if (!definition) throw Errors.definitionNotFound(definitionId);

    if (params.name !== undefined && params.name !== null && typeof params.name !== "string") {
      throw Errors.invalidArgument("name", "expected a string");
    }
    const name = sliceText(params.name || definition.title, MAX_NAME_LENGTH);
    // Stint's flow-control values first: a refused one runs no hook.
    const flow = checkFlowValues(definition, params);
    const keyReleaseBefore = flow.idempotencyKeyTtlMs === null ? undefined : now - flow.idempotencyKeyTtlMs;
    if (flow.idempotencyKey !== null) {
      // A duplicate returns the task holding the key before onBeforeTrigger runs: the hook
      // runs once per stored task (Webiny's "before storing"). Triggers racing with one new
      // key may each run it; the store still keeps one task and all get it.
      const existing = await this.deps.storage.taskFindByIdempotencyKey({
        definitionId,
        idempotencyKey: flow.idempotencyKey,
        ...(keyReleaseBefore !== undefined ? { createdSince: keyReleaseBefore } : {}),
      });
      if (existing) return { existing };
    }
    const input = (params.input || {}) as TaskInput;
    const hasParent = params.parent !== undefined && params.parent !== null;
    const parentRef: unknown = !hasParent ? undefined : typeof params.parent === "string" ? params.parent : (params.parent as { id?: unknown }).id;

    if (definition.onBeforeTrigger) {
      try {
        await definition.onBeforeTrigger(
          { data: { definitionId, name, input, ...(hasParent ? { parentId: parentRef as string } : {}) } },
          this.deps.context,
        );
      } catch (error) {
        markUserError(error);
        throw error;
      }
    }

    const delay = await checkTriggerValues(definition, { input, name, delay: params.delay });

    let parentId: string | null = null;
    if (hasParent) {
      parentId = this.checkId(parentRef);
      if (!parentKnown && !(await this.deps.storage.taskGet({ id: parentId, fields: ["id"] }))) throw Errors.taskNotFound(parentId);
    }

    const concurrencyKey = concurrencyKeyOf(definition, flow.concurrencyKey, input);
    const runAt = now + Math.round(delay * 1000);
    const row: TaskCreateOrGetItem = {
      id: newId(now),
      name,
      definitionId,
      parentId,
      input,
      maxIterations: definition.maxIterations,
      runAt,
      createdOn: now,
      createdBy,
      eventResponse: { dispatcher: "stint", runAt: new Date(runAt).toISOString() },
      priority: flow.priority,
      concurrencyKey,
      idempotencyKey: flow.idempotencyKey,
      ...(keyReleaseBefore !== undefined ? { keyReleaseBefore } : {}),
    };
    return { row };
  }

  private checkId(id: unknown): string {
    if (!isValidId(id)) throw Errors.invalidId(id);
    return id;
  }
}

/** What listDefinitions shows of a definition. */
export function toDefinitionInfo(definition: AnyTaskDefinition): DefinitionInfo {
  return {
    id: definition.id,
    title: definition.title,
    description: definition.description,
    maxIterations: definition.maxIterations,
    isPrivate: definition.isPrivate,
    inputSchema: definition.inputJsonSchema(),
    concurrencyLimit: definition.concurrency?.limit ?? null,
  };
}

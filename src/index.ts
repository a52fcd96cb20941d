/** Stint's public API. Adapters: `stint/sqlite`, `stint/postgres`; test helpers: `stint/testing`. */
export { createStint } from "./stint.js";
export type { CreateStintOptions, Stint, StartServerOptions, ServerHandle } from "./stint.js";
export { defineConfig } from "./config/define-config.js";
export type { StintConfig, StintApiKey, StintServerConfig, StintMetricsConfig } from "./config/define-config.js";
export { DEFAULT_DATABASE_URL, parseDatabaseUrl } from "./config/database.js";

export { TaskDefinition } from "./definition/task-definition.js";
export { createTaskDefinition, createPrivateTaskDefinition } from "./definition/create-task-definition.js";
export { DefinitionRegistry } from "./definition/registry.js";
export type {
  AnyTaskDefinition,
  TaskDefinitionHandle,
  TaskDefinitionInterface,
  PlainTaskDefinition,
  PlainRunParams,
  RunParams,
  RunResult,
  TaskController,
  HookParams,
  BeforeTriggerParams,
  InvalidFields,
  RetryPolicy,
} from "./definition/types.js";
export type { TaskResponse, ContinueOptions, TaskResponseError } from "./response/types.js";
export type { TaskResult, ResultDone, ResultContinue, ResultError, ResultAborted } from "./response/types.js";
export type { TaskContextSource, PlainHookParams, StateUpdate, TaskUpdate } from "./definition/types.js";
export type { ConcurrencyOptions, ResolvedConcurrency } from "./definition/concurrency.js";

export { TaskStatus, TASK_STATUSES, isTerminalStatus, SYSTEM_IDENTITY } from "./domain/task.js";
export type { TaskInput, TaskOutput, TaskProgress, Identity } from "./domain/task.js";
// A task as user code sees it (TaskService results, run params, hooks): Webiny's record,
// dates as ISO strings and absent fields undefined. `Task` is the same type, by Webiny's name.
export type { TaskRecord, TaskRecord as Task } from "./domain/task-record.js";
export type { LogItem, LogItemType } from "./domain/log.js";
// A log as TaskService.listLogs returns it: Webiny's record (`task` id, ISO dates).
export type { TaskLogRecord, TaskLogRecord as TaskLog, LogItemRecord } from "./domain/log-record.js";
export { StintError, ErrorCode, Errors, isStintError, MAX_DELAY_SECONDS, MAX_OUTPUT_BYTES } from "./domain/errors.js";
export type { Clock } from "./domain/clock.js";
export { systemClock } from "./domain/clock.js";

export type {
  TaskService,
  TriggerParams,
  AbortParams,
  AbortManyParams,
  BulkParams,
  BulkResult,
  DeleteManyParams,
  DeleteOptions,
  ListTasksParams,
  ListLogsParams,
  ListResponse,
  ListMeta,
  DefinitionInfo,
} from "./service/types.js";
export type { ScheduleService, ScheduleDeclaration, ScheduleChanges, ScheduleRecord } from "./schedules/types.js";
export type { ScheduleOverlap, ScheduleSource } from "./domain/schedule.js";
export { DefaultScheduleService } from "./schedules/service.js";
export { ScheduleTicker } from "./schedules/ticker.js";
export type { ScheduleTickerEventMap } from "./schedules/ticker.js";
export { MAX_FLOW_KEY_LENGTH, MAX_PRIORITY, MAX_IDEMPOTENCY_TTL_SECONDS } from "./service/trigger-values.js";
export { Worker } from "./worker/worker.js";
export type { WorkerOptions } from "./worker/options.js";
export type { WorkerEventMap } from "./worker/events.js";
export type { StintEventMap } from "./service/events.js";
export type { StorageAdapter, StorageCapabilities } from "./storage/port/index.js";
// Traces (docs/tracing.md): the tracer name and attribute names of Stint's spans, for an
// app's sampler or span processor; the trace context stored with a task.
export { TRACER_NAME, TraceAttributes } from "./observability/tracing.js";
export type { TraceCarrier } from "./storage/port/index.js";
export { StintMetrics } from "./metrics/metrics.js";
export type { StintMetricsOptions } from "./metrics/metrics.js";
export { startMetricsServer } from "./metrics/server.js";
export type { MetricsServer, MetricsServerOptions } from "./metrics/server.js";
export type { WorkerInfo, WorkerState, WorkerTaskInfo } from "./domain/worker.js";
export { STINT_VERSION } from "./version.js";

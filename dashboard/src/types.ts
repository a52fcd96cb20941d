/** The shapes the dashboard reads from the GraphQL API (a subset of its fields). */
export type TaskStatus = "pending" | "running" | "success" | "failed" | "aborted";

export const TASK_STATUSES: readonly TaskStatus[] = ["pending", "running", "success", "failed", "aborted"];

export interface Progress {
  done: number;
  total?: number;
  message?: string;
}

export interface TaskRow {
  id: string;
  name: string | null;
  definitionId: string | null;
  parentId: string | null;
  iterations: number | null;
  taskStatus: TaskStatus;
  progress: Progress | null;
  createdOn: string;
  startedOn: string | null;
  finishedOn: string | null;
  /** When the next iteration may start: for a pending task, when it will run. */
  runAt: string | null;
}

export interface TaskDetail extends TaskRow {
  executionName: string | null;
  input: unknown;
  output: unknown;
  createdBy: { id: string; displayName: string; type: string | null };
  /** Flow control (docs/flow-control.md). */
  priority: number | null;
  idempotencyKey: string | null;
  concurrencyKey: string | null;
  /** Re-run (docs/run-history.md): the input as first triggered, and the run this one re-runs. */
  triggeredInput: unknown;
  rerunOf: string | null;
}

export interface LogItem {
  message: string | null;
  createdOn: string | null;
  type: string | null;
  data: unknown;
  error: unknown;
}

export interface TaskLog {
  id: string;
  iteration: number | null;
  executionName: string | null;
  createdOn: string;
  items: LogItem[] | null;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  description?: string;
  title?: string;
  default?: unknown;
  examples?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  [key: string]: unknown;
}

export interface Definition {
  id: string;
  title: string;
  description: string | null;
  maxIterations: number | null;
  inputSchema: JsonSchema | null;
}

export interface ListMeta {
  cursor: string | null;
  hasMoreItems: boolean;
  totalCount: number;
}

/** A registered worker (GraphQL `listWorkers`). */
export type WorkerState = "alive" | "lagging" | "gone";

export interface WorkerTask {
  id: string;
  name: string | null;
  definitionId: string | null;
  iteration: number | null;
  attempt: number | null;
}

export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  version: string;
  startedOn: string;
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  lastHeartbeatOn: string;
  state: WorkerState;
  tasks: WorkerTask[];
}

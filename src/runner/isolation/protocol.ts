/** Messages between a worker and the thread that runs one isolated iteration. */
import type { TaskProgress } from "../../domain/task.js";
import type { TaskRecord } from "../../domain/task-record.js";
import type { LogItem } from "../../domain/log.js";
import type { TaskResponseError } from "../../response/types.js";

export interface ThreadInit {
  moduleUrl: string;
  definitionId: string;
  /** The task as run() sees it (Webiny's shape). */
  task: TaskRecord;
  /** Epoch ms at which the iteration's budget ends. */
  deadline: number;
  /** The iteration span's trace context, for spans run() makes in the thread (null: not traced). */
  traceContext: Readonly<Record<string, string>> | null;
}

export type ToThread =
  /** The signal fired: `user` for a user's abort; otherwise the budget, a shutdown or a lost lease (wrap up). */
  | { type: "abort"; user: boolean }
  | { type: "rpc-result"; id: number; value?: unknown; error?: TaskResponseError };

export type RpcMethod = "updateInput" | "updateOutput" | "trigger" | "listChildren";

export type FromThread =
  | { type: "log"; item: Omit<LogItem, "createdOn" | "attempt"> }
  | { type: "progress"; progress: TaskProgress }
  | { type: "rpc"; id: number; method: RpcMethod; args: unknown[] }
  /** What run() resolved to, unchecked: the worker reads it (`readResult`). */
  | { type: "result"; response: unknown }
  | { type: "thrown"; error: TaskResponseError; stack?: string };

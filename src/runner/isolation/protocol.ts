/** Messages between a worker and the thread that runs one isolated iteration. */
import type { Task, TaskProgress } from "../../domain/task.js";
import type { LogItem } from "../../domain/log.js";
import type { TaskResponse, TaskResponseError } from "../../response/types.js";

export interface ThreadInit {
  moduleUrl: string;
  definitionId: string;
  task: Task;
  /** Epoch ms at which the iteration's budget ends. */
  deadline: number;
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
  | { type: "result"; response: TaskResponse }
  | { type: "thrown"; error: TaskResponseError };

import { EventEmitter } from "node:events";
import type { Task, TaskStatus } from "../domain/task.js";
import type { HookName } from "../runner/outcome.js";

/** Typed `noun:verb` events a worker emits; listeners must not throw. */
export interface WorkerEventMap {
  "worker:start": [{ workerId: string }];
  "worker:stop": [{ workerId: string }];
  /** Something went wrong outside a task (store unreachable, ...); the worker carries on. */
  "worker:error": [{ workerId: string; error: unknown; during: string }];
  /** An iteration attempt starts. */
  "task:start": [{ task: Task; iteration: number; attempt: number }];
  /** An iteration ended and its outcome was stored (`applied` false: abort or takeover won). */
  "task:iteration": [{ task: Task; status: TaskStatus; applied: boolean; durationMs: number }];
  "task:done": [{ task: Task }];
  /** `error`: the failure as logged (message, code, data, and the stack of what was thrown). */
  "task:failed": [{ task: Task; error?: unknown }];
  "task:aborted": [{ task: Task }];
  "task:timeout": [{ task: Task }];
  "hook:error": [{ task: Task; hook: HookName; error: unknown }];
}

export class WorkerEvents extends EventEmitter<WorkerEventMap> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
}

import { EventEmitter } from "node:events";
import type { Task } from "../domain/task.js";
import type { HookName } from "../runner/outcome.js";

/** Typed events of a Stint instance itself (a worker has its own: WorkerEvents). */
export interface StintEventMap {
  /** A hook run by `tasks.abort()` (onAbort) threw or ran out of time; the abort stands. */
  "hook:error": [{ task: Task; hook: HookName; error: unknown }];
}

export class StintEvents extends EventEmitter<StintEventMap> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
}

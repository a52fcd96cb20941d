import { EventEmitter } from "node:events";

/**
 * In-process wake-ups between the TaskService and the workers of one Stint instance:
 * a trigger wakes an idle worker at once and an abort reaches the running iteration
 * without waiting for the next lease renewal.
 */
export interface SignalMap {
  "tasks-available": [];
  "task-aborted": [id: string];
  /** A schedule was created, changed or deleted: tickers re-read when the next one is due. */
  "schedules-changed": [];
}

export class WorkerSignals extends EventEmitter<SignalMap> {
  constructor() {
    super();
    // Every worker and iteration of the instance may listen; no leak warning for that.
    this.setMaxListeners(0);
  }
}

/**
 * What reaches a worker from outside its loop, in two groups with different lives:
 * in-process signals from the TaskService of the same instance are cheap, so they are on
 * from construction (drain() relies on them too); store notifications (PostgreSQL LISTEN)
 * and clock jumps only while the loop runs. Each returns what turns it off again.
 */
import type { Clock } from "../domain/clock.js";
import type { StorageAdapter, StorageEvent } from "../storage/port/index.js";
import type { WorkerSignals } from "./signals.js";

/** What a worker does with what it hears. */
export interface WorkerEars {
  /** Something may be due (a trigger, a continue, time jumped). */
  wake(): void;
  /** A user aborted this task. */
  aborted(id: string): void;
  /** A trigger handed a task to a worker (handoff). */
  handed(event: Extract<StorageEvent, { type: "task-handed" }>): void;
}

/** Listens to the instance's in-process signals (none without `signals`). */
export function listenInProcess(signals: WorkerSignals | undefined, ears: WorkerEars): () => void {
  if (!signals) return () => {};
  const onAborted = (id: string) => ears.aborted(id);
  const onAvailable = () => ears.wake();
  signals.on("task-aborted", onAborted);
  signals.on("tasks-available", onAvailable);
  return () => {
    signals.off("task-aborted", onAborted);
    signals.off("tasks-available", onAvailable);
  };
}

/** Listens to the store's notifications (where it has them) and the clock's jumps (where it has them). */
export function listenToStore(storage: StorageAdapter, clock: Clock, ears: WorkerEars): () => void {
  const stops: (() => void)[] = [];
  if (storage.capabilities.supportsNotify) {
    stops.push(
      storage.subscribe((event) => {
        if (event.type === "task-aborted") ears.aborted(event.id);
        else if (event.type === "task-handed") ears.handed(event);
        else ears.wake();
      }),
    );
  }
  if (clock.onAdvance) stops.push(clock.onAdvance(() => ears.wake()));
  return () => {
    for (const stop of stops.splice(0)) stop();
  };
}

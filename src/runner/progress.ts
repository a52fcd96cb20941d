import type { TaskProgress } from "../domain/task.js";
import { Errors } from "../domain/errors.js";
import { replaceNul, sliceText } from "../domain/nul.js";

/**
 * Coalesces `controller.progress.set()`: a task may report progress thousands of times a
 * second; the store sees at most one write per `intervalMs`, and the latest value always
 * lands with the iteration's end.
 */
export class ProgressTracker {
  private latest: TaskProgress | null;
  private dirty = false;
  private lastWriteAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    initial: TaskProgress | null,
    private readonly write: (progress: TaskProgress) => Promise<unknown>,
    private readonly intervalMs = 1000,
  ) {
    this.latest = initial;
  }

  set(progress: { done: number; total?: number; message?: string }): void {
    this.latest = validateProgress(progress);
    this.dirty = true;
    if (this.closed || this.timer) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.writeNow(), wait);
    this.timer.unref?.();
  }

  get current(): TaskProgress | null {
    return this.latest;
  }

  /** Stops background writes; returns the value still to store, if any. */
  close(): TaskProgress | undefined {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.dirty && this.latest ? this.latest : undefined;
  }

  private writeNow(): void {
    this.timer = undefined;
    if (this.closed || !this.dirty || !this.latest) return;
    this.dirty = false;
    this.lastWriteAt = Date.now();
    this.write(this.latest).catch(() => {
      this.dirty = true; // retried with the next set() or stored with the iteration's end
    });
  }
}

function validateProgress(progress: { done: number; total?: number; message?: string }): TaskProgress {
  if (!progress || typeof progress !== "object") throw Errors.invalidArgument("progress", "expected { done, total?, message? }");
  const { done, total, message } = progress;
  if (typeof done !== "number" || !Number.isFinite(done) || done < 0) {
    throw Errors.invalidArgument("progress.done", "expected a finite number, zero or more");
  }
  if (total !== undefined && (typeof total !== "number" || !Number.isFinite(total) || total < 0)) {
    throw Errors.invalidArgument("progress.total", "expected a finite number, zero or more");
  }
  if (message !== undefined && typeof message !== "string") {
    throw Errors.invalidArgument("progress.message", "expected a string");
  }
  const result: TaskProgress = { done };
  if (total !== undefined) result.total = total;
  if (message !== undefined) result.message = replaceNul(sliceText(message, 500)); // never cut inside a surrogate pair
  return result;
}

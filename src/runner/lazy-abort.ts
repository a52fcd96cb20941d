/**
 * An abort flag whose AbortSignal is built only when someone reads it. The worker keeps
 * one per running task (user abort, lost lease, shutdown), but few iterations ever look
 * at a signal: an AbortController per task (its EventTarget, and the DOMException of an
 * abort without a reason) showed at ~4 % of the worker's CPU in the drain benchmark.
 */
/**
 * The reason a user's abort (TaskService.abort) gives. Any other reason (the worker
 * stopping, a lease lost) asks the iteration to stop without the task being aborted:
 * `isAborted()` stays false, `isCloseToTimeout()` turns true, the signal fires.
 */
export const USER_ABORT = "aborted";

export class LazyAbort {
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private isAborted = false;

  get aborted(): boolean {
    return this.isAborted;
  }

  /** Why it was aborted (the first reason given); undefined until then. */
  get reason(): unknown {
    return this.abortReason;
  }

  /** The signal, aborted already (with the same reason) if the flag is set. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Sets the flag (the first reason wins) and fires the signal if it was built. */
  abort(reason?: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}

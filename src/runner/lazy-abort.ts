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
  private listeners: (() => void)[] | undefined;
  private wasStopped = false;

  /** Asked to stop for another reason than a user's abort (shutdown, lease lost), even if a user's abort followed. */
  get stopped(): boolean {
    return this.wasStopped;
  }

  get aborted(): boolean {
    return this.isAborted;
  }

  /** Aborted by a user (TaskService.abort), whatever asked it to stop before. */
  get userAborted(): boolean {
    return this.abortReason === USER_ABORT;
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

  /**
   * Sets the flag and fires the signal if it was built. The first reason wins, except
   * that a user's abort (USER_ABORT) replaces an earlier stop (shutdown, lease lost): the
   * task is then aborted, whatever asked it to stop first. Listeners hear both.
   */
  abort(reason?: unknown): void {
    if (reason !== USER_ABORT) this.wasStopped = true;
    if (this.isAborted) {
      if (reason !== USER_ABORT || this.abortReason === USER_ABORT) return;
      this.abortReason = reason;
    } else {
      this.isAborted = true;
      this.abortReason = reason;
      this.controller?.abort(reason);
    }
    for (const listener of this.listeners ?? []) listener();
  }

  /** Called at the abort and again if a user's abort replaces an earlier stop. */
  onChange(listener: () => void): void {
    (this.listeners ??= []).push(listener);
  }
}

import type { Clock } from "../domain/clock.js";
import type { AbortWatch, LeaseState, StorageAdapter } from "../storage/port/index.js";

export interface HeldLease {
  id: string;
  leaseToken: number;
  /** Clock time after which the store may hand the task to someone else. */
  expiresAt: number;
  /** Told when the lease is lost or the task aborted by a user. */
  onLost(state: Exclude<LeaseState, "held">): void;
}

/**
 * Renews every lease this worker holds in one store call per beat. A lease the store
 * reports aborted or lost, or one that ran out locally because the store could not be
 * reached, is reported to its holder so the running iteration stops. On a store that
 * watches for aborts (SQLite: `watchAborts`; PostgreSQL notifies instead), an abort from
 * another process is reported within that watch's period, not at the next beat: the
 * watch is on only while leases are held.
 */
export class LeaseKeeper {
  readonly leases = new Map<string, HeldLease>();
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;
  private readonly watch: AbortWatch | undefined;
  /** Leases already told of an abort by the watch (it reports a task at each change until no longer held). */
  private readonly told = new WeakSet<HeldLease>();

  constructor(
    private readonly options: {
      storage: StorageAdapter;
      clock: Clock;
      workerId: string;
      leaseMs: number;
      intervalMs: number;
      onError: (error: unknown) => void;
    },
  ) {
    this.watch = options.storage.watchAborts?.({
      held: () => this.leases.values(),
      onAborted: (id) => {
        const lease = this.leases.get(id);
        if (!lease || this.told.has(lease)) return;
        this.told.add(lease);
        lease.onLost("aborted");
      },
    });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renew(), this.options.intervalMs);
    this.timer.unref();
    if (this.leases.size > 0) this.watch?.active(true);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watch?.stop();
  }

  hold(lease: HeldLease): void {
    this.leases.set(lease.id, lease);
    if (this.timer && this.leases.size === 1) this.watch?.active(true);
  }

  /** Stops renewing a lease (the claim finished, was given back or dropped). */
  stopRenewing(id: string): void {
    if (this.leases.delete(id) && this.leases.size === 0) this.watch?.active(false);
  }

  async renew(): Promise<void> {
    if (this.renewing || this.leases.size === 0) return;
    this.renewing = true;
    const now = this.options.clock.now();
    const batch = [...this.leases.values()];
    try {
      const result = await this.options.storage.taskRenewLeases({
        workerId: this.options.workerId,
        leases: batch.map((l) => ({ id: l.id, leaseToken: l.leaseToken })),
        now,
        leaseMs: this.options.leaseMs,
      });
      for (const lease of batch) {
        const state = result.states.get(lease.id) ?? "lost";
        if (state === "held") lease.expiresAt = result.leaseExpiresAt;
        else if (this.leases.get(lease.id) === lease) lease.onLost(state);
      }
    } catch (error) {
      this.options.onError(error);
      for (const lease of batch) {
        if (lease.expiresAt <= this.options.clock.now() && this.leases.get(lease.id) === lease) lease.onLost("lost");
      }
    } finally {
      this.renewing = false;
    }
  }
}

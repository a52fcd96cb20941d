/**
 * The worker's side of handoff. On stores that can (PostgreSQL), a trigger of a task due
 * now stores it claimed by an idle worker and notifies that worker, so run() starts with
 * no claim round trip. That has a life of its own beside the claim loop, so it lives here:
 * - **offer**: each claim from the loop offers this worker's free slots until a few claim
 *   loops from now; what the claim itself brings in uses them up first.
 * - **receive**: a handed task arrives by notification, or with a later claim when the
 *   notification seems lost (a silently dead LISTEN connection); it is taken once however
 *   often it comes.
 * - **close**: at shutdown the offer is withdrawn, and what was handed and never taken is
 *   given back at once (and so is anything that arrives after that).
 */
import type { Clock } from "../domain/clock.js";
import type { ClaimedTask, StorageAdapter, TaskClaimParams } from "../storage/port/index.js";
import type { GiveBacks } from "./give-backs.js";
import type { ResolvedWorkerOptions } from "./options.js";

type Offer = NonNullable<TaskClaimParams["handoff"]>;

export interface HandoffInboxOptions {
  deps: { storage: StorageAdapter; clock: Clock };
  /** The worker's: its id, `handoff` (off: every task is claimed) and idle poll (an offer lasts a couple). */
  options: Pick<ResolvedWorkerOptions, "workerId" | "handoff" | "pollIntervalMs">;
  /** Takes handed claims as if claimed (queued, or run at once for hooks). */
  deliver(claims: readonly ClaimedTask[]): void;
  /** Whether the worker runs, queues or holds the lease of this task. */
  holds(id: string): boolean;
  giveBacks: GiveBacks;
  onError(error: unknown, during: string): void;
}

/** Offers free slots to triggers, receives the tasks they hand over, and gives back the unseen ones at shutdown. */
export class HandoffInbox {
  private readonly storage: StorageAdapter;
  private readonly clock: Clock;
  private readonly workerId: string;
  /** The store supports handoff and the worker's option is on. */
  readonly enabled: boolean;
  /** How long an offer stays valid: a few claim loops. */
  private readonly slotMs: number;
  /** Set once shutdown withdrew the offer: a handoff arriving later goes straight back. */
  private closed = false;
  /** Handed tasks received, waiting one turn before they are taken (see receive). */
  private readonly pending: ClaimedTask[] = [];
  /** Handed tasks already taken, until their handed lease ends (see firstSight). */
  private readonly seen = new Map<string, number>();
  /** The slots the last claim offered, and how many no handoff has used yet. */
  private offerSize = 0;
  private offerLeft = 0;

  constructor(private readonly options: HandoffInboxOptions) {
    this.storage = options.deps.storage;
    this.clock = options.deps.clock;
    this.workerId = options.options.workerId;
    this.enabled = this.storage.capabilities.supportsHandoff && options.options.handoff;
    // An idle worker claims every pollIntervalMs, renewing its offer; a dead one's lapses
    // within this (a handoff to it meanwhile waits for its lease to expire).
    this.slotMs = Math.min(10_000, Math.max(1_000, 2 * options.options.pollIntervalMs));
  }

  /** Half the offer is used (or none stands): a claim soon would renew it. */
  get offerHalfUsed(): boolean {
    return this.offerLeft <= this.offerSize / 2;
  }

  /** The offer to send with a claim: `freeSlots` until a few claim loops from now (none when off). */
  offer(now: number, freeSlots: number): Offer | undefined {
    return this.enabled ? { until: now + this.slotMs, slots: freeSlots } : undefined;
  }

  /** A claim came back with `claimed` tasks of its own: the rest of its offer stands until the next claim. */
  offerStands(offer: Offer | undefined, claimed: number): void {
    this.offerSize = this.offerLeft = offer ? Math.max(0, offer.slots - claimed) : 0;
  }

  /**
   * A store notification of a handed task. A task for this worker waits one turn of the
   * event loop, so an abort that arrived right behind it (e.g. in the same read from the
   * socket) drops it before run() starts.
   */
  receive(event: { workerId: string; claim: ClaimedTask }): void {
    const { claim } = event;
    if (event.workerId !== this.workerId) return;
    // Expired on the way (another worker may have taken it over), or already here.
    if (claim.leaseExpiresAt <= this.clock.now() || !this.firstSight(claim)) return;
    this.pending.push(claim);
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  /** A user aborted this task: if it waits here, drop it (not started: nothing to stop or give back). */
  drop(id: string): void {
    const index = this.pending.findIndex((claim) => claim.task.id === id);
    if (index >= 0) this.pending.splice(index, 1);
  }

  /**
   * Whether this is the first time this worker sees a handed task: a handoff can come
   * both by notification and (if that seemed lost) with a claim. Remembered until the
   * handed lease ends; after that a late notification is dropped as expired anyway.
   */
  firstSight(claim: ClaimedTask): boolean {
    const now = this.clock.now();
    for (const [id, until] of this.seen) {
      if (until > now) break; // roughly in expiry order: stop at the first live one
      this.seen.delete(id);
    }
    if (this.seen.has(claim.task.id)) return false;
    this.seen.set(claim.task.id, claim.leaseExpiresAt);
    return true;
  }

  /**
   * No handoff after this. `offered`: the worker's loop ran, so it may have offered slots:
   * withdraw them, and give back what was handed and never arrived (its notification, if
   * it comes now, is given back too). The give-back writes are not awaited here; shutdown
   * waits for every give-back before the store closes.
   */
  async close(offered: boolean): Promise<void> {
    if (offered && this.enabled) {
      const unseen = await this.storage.taskWithdrawHandoff({ workerId: this.workerId }).catch((error) => {
        this.options.onError(error, "withdraw handoff slot");
        return [];
      });
      // A handed task this worker is running (or holds) is not unseen, even when its first
      // sight has been forgotten (its handed lease passed while it ran): giving it back
      // would let another worker run it too.
      const unseenHere = unseen.filter((claim) => !this.options.holds(claim.task.id) && this.firstSight(claim));
      void this.options.giveBacks.giveBack([...unseenHere, ...this.pending.splice(0)], "give back handed claims");
    }
    this.closed = true;
  }

  private flush(): void {
    const handed = this.pending.splice(0);
    if (this.closed) {
      void this.options.giveBacks.giveBack(handed, "give back handed claims");
      return;
    }
    this.offerLeft -= handed.length;
    this.options.deliver(handed);
  }
}

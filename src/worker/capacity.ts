/**
 * How many claims a worker may hold, and which of them count. Apart from the loop because
 * what counts is subtle and was measured: an iteration whose run() returned holds no slot
 * while its outcome is written, so the next claim overlaps that write. Executions report
 * their phases here, and a phase that frees room wakes the loop.
 */
import type { PrefetchPolicy } from "./prefetch.js";
import type { WakeGate } from "./wake-gate.js";

/** What the loop learns as an iteration goes. */
export interface IterationPhases {
  /** run() returned (or was left behind at its timeout): the slot takes new work. */
  ran(): void;
  /** The outcome's write ended: hooks that follow count against the capacity again. */
  stored(): void;
}

/** The worker's run slots and claim budget. */
export class Capacity {
  /** Iterations whose run() is still going (a slot each). */
  running = 0;
  /** Iterations whose run() returned and whose outcome is being stored. */
  storing = 0;

  constructor(
    private readonly concurrency: number,
    private readonly prefetch: PrefetchPolicy,
    private readonly gate: WakeGate,
  ) {}

  /** The most claims held at once: the running slots plus the prefetch queue. */
  get total(): number {
    return this.concurrency + this.prefetch.target();
  }

  /** A run slot is free. */
  get slotFree(): boolean {
    return this.running < this.concurrency;
  }

  /** Run slots neither running nor promised to `queued` claims: what a handoff offer holds out. */
  unpromised(queued: number): number {
    return this.concurrency - this.running - queued;
  }

  /**
   * Claims that count against the capacity: queued, running, hooks. Iterations whose
   * outcome is being stored do not: counting them kept the next claim waiting for the
   * outcome batch's write, so the store and this process took turns instead of working
   * at once (see `storeBacklogFull` for their bound).
   */
  held(queued: number, inFlight: number): number {
    return queued + inFlight - this.storing;
  }

  /**
   * Outcomes waiting to be stored. Up to two capacities' worth, the next claim overlaps
   * the write of the last batch's outcomes (the store works on both while this process
   * runs tasks); past that the store is the bottleneck and claiming more only piles up.
   */
  get storeBacklogFull(): boolean {
    return this.storing >= 2 * this.total;
  }

  /** Counts an execution in (a slot, for an iteration) and returns what it reports its phases to. */
  enter(execution: { storing: boolean }, isIteration: boolean): IterationPhases {
    if (isIteration) this.running++;
    let slotFreed = !isIteration;
    return {
      ran: () => {
        if (slotFreed) return;
        slotFreed = true;
        this.running--;
        execution.storing = true;
        this.storing++;
        this.gate.slot();
      },
      stored: () => {
        if (!execution.storing) return;
        const wasFull = this.storeBacklogFull;
        execution.storing = false;
        this.storing--;
        if (wasFull) this.gate.slot(); // the loop may claim again, even while hooks run
      },
    };
  }
}

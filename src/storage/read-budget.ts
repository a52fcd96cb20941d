/**
 * A per-request allowance of bytes read from the store (`ReadBudget` of the storage port).
 * Adapters charge it row by row as they read, so a request that asks for too much stops
 * at the limit with a typed error instead of loading every row first.
 */
import { Errors } from "../domain/errors.js";
import type { ReadBudget } from "./port/types.js";

export class ByteBudget implements ReadBudget {
  private spent = 0;

  constructor(readonly max: number) {}

  /** Bytes charged so far. */
  get used(): number {
    return this.spent;
  }

  charge(bytes: number): void {
    this.spent += bytes;
    if (this.spent > this.max) throw Errors.responseTooLarge(this.max);
  }
}

/** The concurrency limits a worker's claims carry (docs/flow-control.md "Concurrency limits"). */
import type { AnyTaskDefinition } from "../definition/types.js";
import type { ConcurrencyLimit } from "../storage/port/index.js";

/** The limits of the definitions a worker runs; undefined when none has one (the claim's fast path). */
export function claimLimitsOf(definitions: { get(id: string): AnyTaskDefinition | undefined }, ids: readonly string[]): ConcurrencyLimit[] | undefined {
  let limits: ConcurrencyLimit[] | undefined;
  for (const id of ids) {
    const limit = definitions.get(id)?.concurrency?.limit;
    if (limit !== undefined) (limits ??= []).push({ definitionId: id, limit });
  }
  return limits;
}

/**
 * A definition's concurrency limit (docs/flow-control.md "Concurrency limits"), checked
 * once when the definition is created so a bad one never reaches a worker.
 */
import type { TaskInput } from "../domain/task.js";

/** `concurrency` of a definition: at most `limit` of its tasks `running` at once, per `key(input)` when given. */
export interface ConcurrencyOptions<I = TaskInput> {
  /** A positive integer: tasks of this definition (per key) running at once across every worker. */
  limit: number;
  /**
   * The group a task counts in, computed from its input at trigger and stored with it
   * (for example the tenant). A trigger's own `concurrencyKey` takes its place. Without
   * it, the limit holds for the whole definition.
   */
  key?(input: I): string;
}

/** The checked form a registered definition carries. */
export interface ResolvedConcurrency {
  /** Tasks of the definition (per key) running at once, at most. */
  readonly limit: number;
  /** The definition's `key(input)`, or null: the limit holds for the whole definition. */
  readonly key: ((input: TaskInput) => string) | null;
}

/** The checked `concurrency` option, null when absent; `invalid(reason)` builds the definition's error. */
export function resolveConcurrency(value: unknown, invalid: (reason: string) => Error): ResolvedConcurrency | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object") throw invalid("concurrency must be an object { limit, key? }.");
  const { limit, key } = value as { limit?: unknown; key?: unknown };
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) {
    throw invalid("concurrency.limit must be a positive integer.");
  }
  if (key !== undefined && typeof key !== "function") throw invalid("concurrency.key must be a function of the input.");
  const keyFn = key as ((input: TaskInput) => string) | undefined;
  // Called on the options object, so a `key` method may use `this`.
  return Object.freeze({ limit, key: keyFn ? (input: TaskInput) => keyFn.call(value, input) : null });
}

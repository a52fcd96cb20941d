/**
 * Which due tasks of limited definitions a claim may take (docs/flow-control.md
 * "Concurrency limits"), decided once for every adapter. The adapter serialises claims of
 * those definitions (SQLite's write lock; PostgreSQL's advisory locks), reads how many of
 * their tasks are `running` per concurrency key, reads the due candidates in claim order,
 * and takes what this returns, all in one transaction.
 */
import type { ConcurrencyLimit } from "./port/types.js";

/** A due row of a limited definition, in claim order (priority DESC, due_at, id). */
export interface LimitCandidate {
  id: string;
  definitionId: string;
  concurrencyKey: string | null;
  status: string;
}

/** `running` tasks per (definition, concurrency key), as the adapter counted them. */
export interface RunningCount {
  definitionId: string;
  concurrencyKey: string | null;
  running: number;
}

/** The group a task counts in: a definition-wide limit groups every task under "". */
export function groupOf(definitionId: string, concurrencyKey: string | null): string {
  return `${definitionId}\u0000${concurrencyKey ?? ""}`;
}

/** The groups that are full now: their pending tasks cannot be claimed. */
export function fullGroups(limits: readonly ConcurrencyLimit[], counts: readonly RunningCount[]): RunningCount[] {
  const limitOf = new Map(limits.map((l) => [l.definitionId, l.limit]));
  return counts.filter((c) => c.running >= (limitOf.get(c.definitionId) ?? Infinity));
}

/**
 * The ids to claim, at most `batch`, in candidate order. A task that is not `pending`
 * (running and due for its next iteration, a takeover of an expired lease, a terminal
 * task owing its hook) already holds its place, or needs none: always taken. A pending
 * task is taken while its group has a place, and then holds it.
 */
export function pickWithinLimits(
  limits: readonly ConcurrencyLimit[],
  counts: readonly RunningCount[],
  candidates: readonly LimitCandidate[],
  batch: number,
): string[] {
  const limitOf = new Map(limits.map((l) => [l.definitionId, l.limit]));
  const running = new Map(counts.map((c) => [groupOf(c.definitionId, c.concurrencyKey), c.running]));
  const picked: string[] = [];
  for (const candidate of candidates) {
    if (picked.length >= batch) break;
    if (candidate.status !== "pending") {
      picked.push(candidate.id);
      continue;
    }
    const group = groupOf(candidate.definitionId, candidate.concurrencyKey);
    const now = running.get(group) ?? 0;
    if (now >= (limitOf.get(candidate.definitionId) ?? Infinity)) continue;
    running.set(group, now + 1);
    picked.push(candidate.id);
  }
  return picked;
}

/**
 * How many candidates to read for a batch: the batch, plus room to pass over pending tasks
 * of groups that fill up during this pick (groups already full are excluded by the query).
 * Bounded, so one claim's cost does not grow with the queue; a group whose backlog fills
 * the window holds back others only until it is full, when the query excludes it.
 */
export function candidateWindow(batch: number, limits: readonly ConcurrencyLimit[]): number {
  const places = limits.reduce((sum, l) => sum + l.limit, 0);
  return batch + Math.min(places, 1000);
}

/** The limits to enforce among `definitionIds`, and the definitions claimed without one. */
export function splitByLimit(
  definitionIds: readonly string[],
  limits: readonly ConcurrencyLimit[] | undefined,
): { unlimited: string[]; limited: ConcurrencyLimit[] } {
  if (!limits || limits.length === 0) return { unlimited: [...definitionIds], limited: [] };
  const wanted = new Set(definitionIds);
  const limited = limits.filter((l) => wanted.has(l.definitionId));
  const limitedIds = new Set(limited.map((l) => l.definitionId));
  return { unlimited: definitionIds.filter((id) => !limitedIds.has(id)), limited };
}

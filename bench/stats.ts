/** Small statistics for the benchmark: repeated runs summarised as median with min and max. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("summarize: no values");
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), min: sorted[0], max: sorted[sorted.length - 1], runs: [...values] };
}

/** Quantile of already sorted values, linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), count: sorted.length };
}

/** Runs `fn` `runs` times (sequentially: runs must not overlap) and collects its numbers by key. */
export async function repeat<K extends string>(runs: number, fn: (run: number) => Promise<Record<K, number>>): Promise<Record<K, Summary>> {
  const collected = new Map<K, number[]>();
  for (let run = 0; run < runs; run++) {
    const values = await fn(run);
    for (const [key, value] of Object.entries(values) as [K, number][]) {
      if (!collected.has(key)) collected.set(key, []);
      collected.get(key)!.push(value);
    }
  }
  const out = {} as Record<K, Summary>;
  for (const [key, values] of collected) out[key] = summarize(values);
  return out;
}

/** High-resolution wall-clock milliseconds, comparable across processes on one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export function rate(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Infinity;
}

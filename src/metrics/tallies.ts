/**
 * The per-iteration metrics, kept as plain numbers and handed to prom-client only when
 * scraped. prom-client's `observe()` and `inc()` check and hash their label object on
 * every call (about 0.3–1 µs each, three per iteration: 2–3 % of a worker's CPU in the
 * drain benchmark); here an update is a map lookup by label value and a few additions.
 *
 * - {@link TalliedCounter}: counts per label values, copied into a prom-client Counter
 *   by its `collect()` (run on each scrape);
 * - {@link TalliedHistogram}: bucket counts per label value, handed to the registry in
 *   the shape prom-client's own Histogram gives (`get()`: the `_bucket`, `_sum` and
 *   `_count` values), so prom-client writes the exposition and it reads the same.
 */
import { Counter, type Metric, type Registry } from "prom-client";

/** A counter by two labels: `inc(a, b)` adds one. */
export class TalliedCounter<A extends string, B extends string> {
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(options: { name: string; help: string; labelNames: readonly [A, B]; registers: Registry[] }) {
    const counts = this.counts;
    const [a, b] = options.labelNames;
    new Counter({
      name: options.name,
      help: options.help,
      labelNames: options.labelNames,
      registers: options.registers,
      collect() {
        // The totals since start, set again from the tally (a counter's reset is only its copy).
        this.reset();
        for (const [first, inner] of counts) {
          for (const [second, count] of inner) this.inc({ [a]: first, [b]: second } as Partial<Record<A | B, string>>, count);
        }
      },
    });
  }

  inc(first: string, second: string): void {
    let inner = this.counts.get(first);
    if (!inner) this.counts.set(first, (inner = new Map()));
    inner.set(second, (inner.get(second) ?? 0) + 1);
  }
}

interface Series {
  /** Observations per bucket (not cumulative); the last one is above every bound (+Inf). */
  buckets: Float64Array;
  sum: number;
  count: number;
}

type HistogramValue = { labels: Record<string, string | number>; value: number; metricName: string };

/** A histogram by one label, registered on `registers` like a prom-client Histogram. */
export class TalliedHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  private readonly labelName: string;
  private readonly bounds: readonly number[];
  private series = new Map<string, Series>();

  constructor(options: { name: string; help: string; labelName: string; buckets: readonly number[]; registers: Registry[] }) {
    this.name = options.name;
    this.help = options.help;
    this.labelName = options.labelName;
    this.bounds = [...options.buckets].sort((x, y) => x - y);
    // Not a prom-client class: the registry reads any metric through get() (the cast is
    // for its type, which lists prom-client's own classes only).
    for (const registry of options.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** Counts `value` (seconds) in the series of `labelValue`. Like prom-client, a value equal to a bound is in that bound's bucket. */
  observe(labelValue: string, value: number): void {
    if (!Number.isFinite(value)) return; // prom-client throws; a clock step must not break a worker
    let series = this.series.get(labelValue);
    if (!series) this.series.set(labelValue, (series = { buckets: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 }));
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    series.buckets[i]++;
    series.sum += value;
    series.count++;
  }

  /** The values prom-client's Histogram would give for the same observations (its `get()` shape). */
  async get(): Promise<{ name: string; help: string; type: "histogram"; aggregator: "sum"; values: HistogramValue[] }> {
    const values: HistogramValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const [labelValue, series] of this.series) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += series.buckets[i];
        values.push({ labels: { le: this.bounds[i], [this.labelName]: labelValue }, value: cumulative, metricName: bucketName });
      }
      values.push({ labels: { le: "+Inf", [this.labelName]: labelValue }, value: series.count, metricName: bucketName });
      values.push({ labels: { [this.labelName]: labelValue }, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { [this.labelName]: labelValue }, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** `registry.resetMetrics()`. */
  reset(): void {
    this.series = new Map();
  }
}

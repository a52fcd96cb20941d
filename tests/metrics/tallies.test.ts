/**
 * The tallied metrics (src/metrics/tallies.ts) expose exactly what prom-client's own
 * Counter and Histogram expose for the same updates: the same lines and values, bucket
 * edges and escaping included (a counter's series may come in another order, which the
 * format leaves free).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Counter, Histogram, Registry } from "prom-client";
import { TalliedCounter, TalliedHistogram } from "../../src/metrics/tallies.js";

const BUCKETS = [0.005, 0.01, 0.5, 1, 10];
// Below the first bound, on a bound, between bounds, above the last, zero and negative.
const OBSERVED: [string, number][] = [
  ["quick", 0.001],
  ["quick", 0.005],
  ["slow", 0.7],
  ["quick", 0.5],
  ["slow", 42],
  ["slow", 10],
  ['odd "label"\\ with\nnewline', 0],
  ["quick", -1],
  ["slow", 0.011],
];

describe("tallied metrics", () => {
  it("a TalliedHistogram's exposition is prom-client's Histogram's, line for line", async () => {
    const theirs = new Registry();
    const histogram = new Histogram({ name: "h_seconds", help: "A histogram.", labelNames: ["definition"], buckets: BUCKETS, registers: [theirs] });
    const ours = new Registry();
    const tallied = new TalliedHistogram({ name: "h_seconds", help: "A histogram.", labelName: "definition", buckets: BUCKETS, registers: [ours] });
    assert.equal(await ours.metrics(), await theirs.metrics(), "empty");
    for (const [label, value] of OBSERVED) {
      histogram.observe({ definition: label }, value);
      tallied.observe(label, value);
    }
    const text = await ours.metrics();
    assert.equal(text, await theirs.metrics());
    assert.match(text, /h_seconds_bucket\{le="\+Inf",definition="slow"\} 4/);
  });

  it("a TalliedCounter's exposition is prom-client's Counter's, scrape after scrape", async () => {
    const theirs = new Registry();
    const counter = new Counter({ name: "c_total", help: "A counter.", labelNames: ["definition", "outcome"], registers: [theirs] });
    const ours = new Registry();
    const tallied = new TalliedCounter({ name: "c_total", help: "A counter.", labelNames: ["definition", "outcome"], registers: [ours] });
    const updates: [string, string][] = [["a", "done"], ["b", "error"], ["a", "done"], ["a", "continue"], ["b", "error"], ["a", "done"]];
    for (const [i, [definition, outcome]] of updates.entries()) {
      counter.inc({ definition, outcome });
      tallied.inc(definition, outcome);
      if (i % 2 === 1) assert.deepEqual(lines(await ours.metrics()), lines(await theirs.metrics()), `after update ${i + 1}`);
    }
    const text = await ours.metrics();
    assert.match(text, /c_total\{definition="a",outcome="done"\} 3/);
    assert.deepEqual(lines(text), lines(await theirs.metrics()), "scraped twice: the counts are not added again");
  });

  it("a non-finite value is not counted (it would make the sum NaN)", async () => {
    const registry = new Registry();
    const tallied = new TalliedHistogram({ name: "h_seconds", help: "A histogram.", labelName: "definition", buckets: BUCKETS, registers: [registry] });
    tallied.observe("quick", Number.NaN);
    tallied.observe("quick", Number.POSITIVE_INFINITY);
    tallied.observe("quick", 0.2);
    const text = await registry.metrics();
    assert.match(text, /h_seconds_count\{definition="quick"\} 1\n/);
    assert.match(text, /h_seconds_sum\{definition="quick"\} 0.2\n/);
  });
});

/** HELP and TYPE first, then the series in any order. */
function lines(text: string): string[] {
  const all = text.split("\n");
  return [...all.filter((line) => line.startsWith("#")), ...all.filter((line) => !line.startsWith("#")).sort()];
}

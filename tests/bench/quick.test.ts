import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseConfig, type StoreName } from "../../bench/config.js";
import { runSuite, type SuiteResults } from "../../bench/suite.js";
import { buildRows, renderText } from "../../bench/table.js";
import type { Summary } from "../../bench/stats.js";
import { isPostgresReachable, POSTGRES_TEST_URL } from "../helpers/stores.js";

/** The quick mode's sizes, trimmed further: this checks the harness, not timings. */
function quickConfig(store: StoreName) {
  const config = parseConfig(["--quick", `--stores=${store}`, "--no-json", `--pg=${POSTGRES_TEST_URL}`]);
  Object.assign(config.sizes, { triggerCount: 60, triggerBatch: 20, drainCount: 200, latencyCount: 10, checkpointIterations: 50, commitSamples: 20, scaleLarge: 600, scaleSmall: 100, scaleSample: 100 });
  return config;
}

function assertFigure(summary: Summary | undefined, name: string): void {
  assert.ok(summary, `${name}: no figure`);
  assert.ok(Number.isFinite(summary.median) && summary.median > 0, `${name}: ${summary.median}`);
}

function assertPresent(summary: Summary | undefined, name: string): void {
  assert.ok(summary, `${name}: no figure`);
  assert.ok(Number.isFinite(summary.median) && summary.median >= 0, `${name}: ${summary.median}`);
}

function assertStintFigures(results: SuiteResults, store: StoreName): void {
  const r = results.stint[store];
  assert.ok(r, `no results for ${store}`);
  assertFigure(r.trigger?.oneByOne, "trigger one by one");
  assertFigure(r.trigger?.batched, "trigger batched");
  assertFigure(r.drain?.rate, "drain rate");
  assertFigure(r.drain?.peakRssMb, "drain peak RSS");
  if (process.platform === "linux") {
    // CPU per task from /proc: tiny samples may round to 0 ticks, so present and not negative.
    assertPresent(r.drain?.workerCpuUs, "drain worker CPU per task");
    if (store === "postgres") assertPresent(r.drain?.serverCpuUs, "drain PostgreSQL CPU per task");
    else assert.equal(r.drain?.serverCpuUs, undefined, "a SQLite drain has no server");
  }
  if (store === "postgres") {
    assertFigure(r.drain?.walBytes, "drain WAL per task");
    // Every task's claim and finish are durable writes: well over 100 bytes of WAL each.
    assert.ok(r.drain!.walBytes!.median > 100, `drain WAL per task ${r.drain!.walBytes!.median} B`);
  } else {
    assert.equal(r.drain?.walBytes, undefined, "a SQLite drain writes no PostgreSQL WAL");
  }
  for (const p of ["p50", "p95", "p99"] as const) assertFigure(r.latency?.[p], `latency ${p}`);
  assertFigure(r.checkpoint?.msPerIteration, "checkpoint");
  assertFigure(r.checkpoint?.bareCommitMs, "bare commit");
  assertFigure(r.scale?.rateLarge, "scale large");
  assertFigure(r.scale?.rateSmall, "scale small");
  assertFigure(r.scale?.listFirstPageMs, "list first page");
  // Every workload verifies its own tasks reached success (it throws otherwise); the table renders them all.
  const text = renderText(buildRows(results));
  assert.match(text, new RegExp(`checkpoint \\(ms/iteration\\)\\s+${store}`));
  if (store === "postgres") assert.match(text, /drain WAL per task \(bytes\)\s+postgres/);
}

describe("bench --quick", () => {
  it("measures every workload on SQLite, every task reaching success", { timeout: 60_000 }, async () => {
    const results = await runSuite(quickConfig("sqlite"));
    assertStintFigures(results, "sqlite");
    assert.equal(results.graphile, undefined);
  });

  it("measures every workload on PostgreSQL, with graphile-worker beside it", { timeout: 60_000 }, async (t) => {
    if (!(await isPostgresReachable())) return t.skip("PostgreSQL not reachable");
    const lines: string[] = [];
    const results = await runSuite(quickConfig("postgres"), (line) => lines.push(line));
    assertStintFigures(results, "postgres");
    // Each drain sample of both systems prints its HOT share and its WAL by record type
    // (the test's user is a superuser, so pg_walinspect can be created); a drain updates rows.
    const drainLines = lines.filter((line) => /^ {2}(stint|graphile) run \d/.test(line));
    assert.ok(drainLines.length >= 2, lines.join("\n"));
    for (const line of drainLines) {
      assert.match(line, /HOT updates \d+ %/);
      assert.match(line, /WAL per task by record type \(bytes, records\): (Heap|Btree)\/\w+/);
    }
    assertFigure(results.graphile?.trigger?.oneByOne, "graphile trigger");
    assertFigure(results.graphile?.drain?.rate, "graphile drain");
    if (process.platform === "linux") assertPresent(results.graphile?.drain?.serverCpuUs, "graphile drain PostgreSQL CPU per task");
    assertFigure(results.graphile?.drain?.walBytes, "graphile drain WAL per task");
    assertFigure(results.graphile?.latency?.p99, "graphile latency");
  });
});

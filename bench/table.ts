/**
 * The results as rows: each Stint figure beside graphile-worker's (PostgreSQL, workloads
 * 1–3) with the ratio, and each of the targets marked met or missed.
 */
import type { Summary } from "./stats.js";
import type { SuiteResults, SystemResults } from "./suite.js";

export interface Row {
  workload: string;
  store: string;
  stint: string;
  graphile: string;
  ratio: string;
  target: string;
  verdict: "met" | "MISSED" | "";
}

const num = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
export const fmt = (s: Summary | undefined, digits = 0) =>
  s ? (s.runs.length > 1 ? `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})` : num(s.median, digits)) : "–";
const ratioOf = (a: Summary | undefined, b: Summary | undefined) => (a && b ? a.median / b.median : undefined);
const fmtRatio = (r: number | undefined) => (r === undefined ? "" : `${r.toFixed(2)}×`);
const verdict = (ok: boolean | undefined): Row["verdict"] => (ok === undefined ? "" : ok ? "met" : "MISSED");

export function buildRows(results: SuiteResults): Row[] {
  const rows: Row[] = [];
  const g: SystemResults = results.graphile ?? {};
  const gDrain = g.drain?.rate;
  for (const [store, r] of Object.entries(results.stint) as [string, SystemResults][]) {
    const pg = store === "postgres";
    const peer = pg ? g : {};
    if (r.trigger) {
      rows.push(row("trigger one by one (tasks/s)", store, r.trigger.oneByOne, peer.trigger?.oneByOne, 0));
      rows.push(row("trigger batched (tasks/s)", store, r.trigger.batched, peer.trigger?.batched, 0));
    }
    if (r.drain) {
      // The SQLite target is set against graphile-worker on PostgreSQL, measured in the same run.
      const ratio = ratioOf(r.drain.rate, gDrain);
      const need = pg ? 1.2 : 3;
      rows.push({
        workload: "drain (tasks/s)",
        store,
        stint: fmt(r.drain.rate),
        graphile: fmt(gDrain),
        ratio: ratio === undefined ? "" : fmtRatio(ratio) + (pg ? "" : " vs PG peer"),
        target: `≥ ${need}× graphile`,
        verdict: verdict(ratio === undefined ? undefined : ratio >= need),
      });
      rows.push({
        workload: "worker peak RSS, drain (MB)",
        store,
        stint: fmt(r.drain.peakRssMb, 1),
        graphile: pg ? fmt(g.drain?.peakRssMb, 1) : "",
        ratio: pg ? fmtRatio(ratioOf(r.drain.peakRssMb, g.drain?.peakRssMb)) : "",
        target: "≤ 200 MB",
        verdict: verdict(r.drain.peakRssMb.median <= 200),
      });
      // Where a drain's time goes: no target, the reason behind the rate's ratio.
      if (r.drain.workerCpuUs) {
        rows.push(row("drain CPU per task, worker (µs)", store, r.drain.workerCpuUs, pg ? g.drain?.workerCpuUs : undefined, 0));
      }
      if (r.drain.serverCpuUs) {
        rows.push(row("drain CPU per task, PostgreSQL (µs)", store, r.drain.serverCpuUs, g.drain?.serverCpuUs, 0));
      }
      if (r.drain.walBytes) {
        rows.push(row("drain WAL per task (bytes)", store, r.drain.walBytes, g.drain?.walBytes, 0));
      }
    }
    if (r.latency) {
      for (const p of ["p50", "p95", "p99"] as const) {
        const mine = r.latency[p];
        const theirs = pg ? g.latency?.[p] : undefined;
        const ratio = ratioOf(mine, theirs);
        let target = "";
        let ok: boolean | undefined;
        if (p !== "p95") {
          if (pg) {
            target = "≤ 0.7× graphile";
            ok = ratio === undefined ? undefined : ratio <= 0.7;
          } else {
            const limit = p === "p50" ? 1 : 3;
            target = `≤ ${limit} ms`;
            ok = mine.median <= limit;
          }
        }
        rows.push({ workload: `latency ${p} (ms)`, store, stint: fmt(mine, 2), graphile: fmt(theirs, 2), ratio: fmtRatio(ratio), target, verdict: verdict(ok) });
      }
    }
    for (const [figures, label] of [[r.parentWake, "from commit"], [r.parentWakeFromFinish, "from finish"]] as const) {
      if (!figures) continue;
      for (const p of ["p50", "p95", "p99"] as const) {
        rows.push({ workload: `parent wake-up ${label} ${p} (ms)`, store, stint: fmt(figures[p], 2), graphile: "", ratio: "", target: "", verdict: verdict(undefined) });
      }
    }
    if (r.checkpoint) {
      const perIteration = r.checkpoint.msPerIteration;
      const bare = r.checkpoint.bareCommitMs;
      const ratio = perIteration.median / bare.median;
      rows.push({
        workload: "checkpoint (ms/iteration)",
        store,
        stint: fmt(perIteration, 3),
        graphile: "",
        ratio: `${ratio.toFixed(2)}× bare commit`,
        target: pg ? "≤ 2× bare commit" : "≤ 0.2 ms",
        verdict: verdict(pg ? ratio <= 2 : perIteration.median <= 0.2),
      });
      rows.push({ workload: "bare one-row durable commit (ms)", store, stint: fmt(bare, 3), graphile: "", ratio: "", target: "(floor)", verdict: "" });
    }
    if (r.scale) {
      const s = r.scale;
      rows.push({ workload: `drain rate, ${results.sizes.scaleLarge} queued (tasks/s)`, store, stint: s.rateLarge ? fmt(s.rateLarge) : "FAILED (see below)", graphile: "", ratio: "", target: "", verdict: "" });
      rows.push({ workload: `drain rate, ${results.sizes.scaleSmall} queued (tasks/s)`, store, stint: fmt(s.rateSmall), graphile: "", ratio: "", target: "", verdict: "" });
      rows.push({ workload: "scale ratio (large / small)", store, stint: s.ratio === undefined ? "–" : s.ratio.toFixed(2), graphile: "", ratio: "", target: "≥ 0.8", verdict: verdict(s.ratio === undefined ? false : s.ratio >= 0.8) });
      rows.push({
        workload: `listTasks first page, ${results.sizes.scaleLarge} rows (ms)`,
        store,
        stint: fmt(s.listFirstPageMs, 1),
        graphile: "",
        ratio: "",
        target: "≤ 20 ms",
        verdict: verdict(s.listFirstPageMs.median <= 20),
      });
    }
  }
  return rows;
}

function row(workload: string, store: string, mine: Summary, theirs: Summary | undefined, digits: number): Row {
  return { workload, store, stint: fmt(mine, digits), graphile: fmt(theirs, digits), ratio: fmtRatio(ratioOf(mine, theirs)), target: "", verdict: "" };
}

const HEAD: Row = { workload: "workload", store: "store", stint: "Stint median (min–max)", graphile: "graphile-worker", ratio: "Stint / graphile", target: "target", verdict: "" };
const KEYS = Object.keys(HEAD) as (keyof Row)[];

export function renderText(rows: Row[]): string {
  const all = [HEAD, ...rows];
  const widths = KEYS.map((k) => Math.max(...all.map((r) => r[k].length)));
  const line = (r: Row) => KEYS.map((k, i) => r[k].padEnd(widths[i])).join("  ").trimEnd();
  return [line(HEAD), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function renderMarkdown(rows: Row[]): string {
  const cells = (r: Row, head = false) => `| ${KEYS.map((k) => (head && k === "verdict" ? "status" : r[k] || " ")).join(" | ")} |`;
  return [cells(HEAD, true), `|${KEYS.map(() => "---").join("|")}|`, ...rows.map((r) => cells(r))].join("\n");
}

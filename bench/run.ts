/**
 * `npm run bench` / `npm run bench:quick`: runs the suite (./suite.ts), prints the table
 * and writes the figures to bench/results/<date>.json. Flags: see USAGE in ./config.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BenchUsageError, parseConfig, USAGE } from "./config.js";
import { runSuite } from "./suite.js";
import { buildRows, renderMarkdown, renderText } from "./table.js";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const config = parseConfig(argv);
  const log = (line: string) => console.log(line);
  log(`Stint benchmark${config.quick ? " (quick: harness check, not timings)" : ""}; stores ${config.stores.join(", ")}; ` +
    `workloads ${config.workloads.join(", ")}; ${config.sizes.runs} run(s) per figure`);
  const results = await runSuite(config, log);
  const rows = buildRows(results);
  const env = results.environment;
  log("");
  log(renderText(rows));
  for (const failure of results.failures) log(`FAILED ${failure.system} ${failure.workload}: ${failure.message}`);
  log("");
  log(`machine: ${env.cpus} CPUs (${env.cpuModel}), ${env.memoryGb.toFixed(1)} GB; load ${env.loadBefore.map((l) => l.toFixed(2)).join(" ")} before, ` +
    `${env.loadAfter.map((l) => l.toFixed(2)).join(" ")} after`);
  log(`versions: node ${env.node}, SQLite ${env.sqlite}, PostgreSQL ${env.postgres ?? "–"}, graphile-worker ${env.graphileWorker}; commit ${env.commit ?? "–"}`);
  log(`took ${(results.durationMs / 1000).toFixed(1)} s${results.skipped.length ? `; skipped: ${results.skipped.join("; ")}` : ""}`);
  if (Object.keys(results.stint).length === 0) {
    console.error("bench: nothing was measured (every store asked for was skipped)");
    process.exitCode = 1;
  } else if (results.failures.length > 0) {
    process.exitCode = 1; // the figures that were measured are still printed and written
  }
  if (config.outDir) {
    mkdirSync(config.outDir, { recursive: true });
    const file = join(config.outDir, `${results.date.replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify({ ...results, rows, markdown: renderMarkdown(rows) }, null, 2));
    log(`wrote ${file}`);
  }
}

main().catch((error) => {
  if (error instanceof BenchUsageError) {
    console.error(`bench: ${error.message}\n(npm run bench -- --help lists every flag)`);
    process.exitCode = 2;
    return;
  }
  console.error(error);
  process.exitCode = 1;
});

#!/usr/bin/env node
// Runs the test files under tests/ (or the paths given) with node's test runner and tsx.
// Node 20's runner takes no globs, so the files are listed here.
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawn } from "node:child_process";

function collect(path, out) {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  } else if (/\.test\.ts$/.test(path)) {
    out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("--"));
const roots = args.filter((a) => !a.startsWith("--"));
const files = (roots.length ? roots : ["tests"]).flatMap((root) => collect(resolve(root), []));
if (files.length === 0) {
  console.error("run-tests: no test files found");
  process.exit(1);
}
// Three files at once on two cores: most of the long files wait on child processes,
// PostgreSQL or real-time schedule ticks rather than compute. The limit is per file
// (Node 20 times a whole file): generous, so a loaded machine slows the suite, not fails it.
const child = spawn(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=3", "--test-timeout=300000", ...flags, ...files],
  { stdio: "inherit", env: { ...process.env, STINT_TESTING: "1" } },
);
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

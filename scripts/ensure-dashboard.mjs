#!/usr/bin/env node
// Builds the dashboard into dist/dashboard/ (and GraphiQL into dist/graphiql/) when a
// build is missing or older than its sources, so `npm start` on a fresh clone serves them
// without a separate build step.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const builds = [
  { built: join(root, "dist", "dashboard", "index.html"), config: "dashboard/vite.config.ts", name: "the dashboard (dist/dashboard/)" },
  { built: join(root, "dist", "graphiql", "index.html"), config: "dashboard/graphiql.vite.config.ts", name: "GraphiQL (dist/graphiql/)" },
];

function newest(dir) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "scripts") continue;
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

const sources = newest(join(root, "dashboard"));
const stale = builds.filter(({ built }) => !existsSync(built) || sources > statSync(built).mtimeMs);
if (stale.length === 0) process.exit(0);
const vite = join(root, "node_modules", "vite", "bin", "vite.js");
if (!existsSync(vite)) {
  console.warn("dashboard: vite is not installed (npm install without dev dependencies?); the API runs without the dashboard");
  process.exit(0);
}
for (const { config, name } of stale) {
  console.log(`Building ${name}...`);
  execFileSync(process.execPath, [vite, "build", "--config", config, "--logLevel", "warn"], { cwd: root, stdio: "inherit" });
}

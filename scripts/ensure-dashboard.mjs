#!/usr/bin/env node
// Builds the dashboard into dist/dashboard/ when the build is missing or older than its
// sources, so `npm start` on a fresh clone serves it at `/` without a separate build step.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const built = join(root, "dist", "dashboard", "index.html");

function newest(dir) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "scripts") continue;
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

if (existsSync(built) && newest(join(root, "dashboard")) <= statSync(built).mtimeMs) process.exit(0);
const vite = join(root, "node_modules", "vite", "bin", "vite.js");
if (!existsSync(vite)) {
  console.warn("dashboard: vite is not installed (npm install without dev dependencies?); the API runs without the dashboard");
  process.exit(0);
}
console.log("Building the dashboard (dist/dashboard/)...");
execFileSync(process.execPath, [vite, "build", "--config", "dashboard/vite.config.ts", "--logLevel", "warn"], { cwd: root, stdio: "inherit" });

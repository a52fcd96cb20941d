#!/usr/bin/env node
// Checks what the package exports, on the tarball users install:
//   - publint (strict): package.json fields (exports, files, bin, types) against the files
//     the tarball really carries;
//   - @arethetypeswrong/cli: every entry point resolves to JavaScript and types under
//     Node's and bundlers' resolution. Profile "esm-only": Stint ships one ESM build, and
//     CommonJS apps load it with require(esm), unflagged on every Node in `engines`
//     (^20.19.0 || >=22.12.0); attw's TypeScript models require(esm) as "dynamic import
//     only", and node10 resolution (no `exports`) is not a supported consumer.
//
//   node scripts/check-package.mjs [stint-x.y.z.tgz]   (without one, packs to a temp folder)
// Exits 1 on any problem. tests/package/ runs it on the tarball it installs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const root = fileURLToPath(new URL("..", import.meta.url));
let tarball = process.argv[2];
let packDir;
if (!tarball) {
  packDir = mkdtempSync(join(tmpdir(), "stint-pack-"));
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
  tarball = join(packDir, packed.filename);
}

let failed = false;
try {
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, strict: true, level: "suggestion" });
  for (const message of messages) console.log(`publint ${message.type}: ${formatMessage(message, pkg)}`);
  if (messages.some((m) => m.type !== "suggestion")) failed = true;
  else console.log(`publint: ${messages.length ? "suggestions only" : "all good"}`);

  const attw = join(root, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");
  try {
    execFileSync(process.execPath, [attw, tarball, "--profile", "esm-only", "--format", "table-flipped", "--no-color", "--no-emoji"], { stdio: "inherit" });
  } catch {
    failed = true;
  }
} finally {
  if (packDir) rmSync(packDir, { recursive: true, force: true });
}
if (failed) {
  console.error("check-package: the package has problems (above)");
  process.exit(1);
}

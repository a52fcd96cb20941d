#!/usr/bin/env node
// Empties dist/ before a build, so a file whose source was removed or renamed (or a
// bench/probe build that wrote here) never reaches the published package.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

rmSync(fileURLToPath(new URL("../dist", import.meta.url)), { recursive: true, force: true });

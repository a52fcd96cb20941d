#!/usr/bin/env node
// Copies each adapter's numbered migrations into dist/sql/<adapter>/, so the package
// carries the SQL a DBA reviews or applies by hand (`stint migrate` runs the same text,
// embedded in dist/storage/<adapter>/migrations.generated.js by scripts/build-sql.mjs).
import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const adapter of ["sqlite", "postgres"]) {
  const from = join(root, "src/storage", adapter, "migrations");
  if (!existsSync(from)) continue;
  const to = join(root, "dist/sql", adapter);
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from).filter((name) => name.endsWith(".sql"))) copyFileSync(join(from, file), join(to, file));
}

/**
 * The embedded migrations must match the .sql files they are built from: a .sql edit
 * without `npm run build:sql` would otherwise ship the old schema.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const root = join(import.meta.dirname, "../..");

describe("generated migration modules", () => {
  for (const adapter of ["sqlite", "postgres"] as const) {
    const dir = join(root, "src/storage", adapter, "migrations");
    it(`embeds every ${adapter} migration file verbatim, in order`, async (t) => {
      if (!existsSync(dir)) return t.skip(`no ${adapter} migrations yet`);
      const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
      const { migrations } = (await import(`../../src/storage/${adapter}/migrations.generated.js`)) as {
        migrations: readonly { version: number; name: string; sql: string }[];
      };
      assert.deepEqual(
        migrations.map((m) => [m.version, m.name, m.sql]),
        files.map((f, i) => [i + 1, f.replace(/^\d{4}_|\.sql$/g, ""), readFileSync(join(dir, f), "utf8")]),
        "run `npm run build:sql`",
      );
    });
  }

  it("finds the generated modules and the SQLite schema dump up to date", async () => {
    const run = promisify(execFile);
    await run(process.execPath, [join(root, "scripts/build-sql.mjs"), "--check"], { cwd: root }).catch((error: { stderr?: string }) => {
      assert.fail(error.stderr || String(error));
    });
  });
});

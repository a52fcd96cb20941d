/** The config file's `retention` key: checked at load, a bad value is CONFIG_INVALID naming the key. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/cli/load-config.js";
import { isStintError } from "../../src/domain/errors.js";

async function load(retention: string) {
  const dir = mkdtempSync(join(tmpdir(), "stint-retention-config-"));
  try {
    const file = join(dir, "stint.config.mjs");
    writeFileSync(file, `export default { database: "sqlite::memory:", retention: ${retention} };\n`);
    return await loadConfig(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("config retention", () => {
  it("loads { days } from 0 to 3650", async () => {
    assert.deepEqual((await load("{ days: 30 }")).config.retention, { days: 30 });
    assert.deepEqual((await load("{ days: 0 }")).config.retention, { days: 0 });
    assert.deepEqual((await load("{ days: 3650 }")).config.retention, { days: 3650 });
  });

  it("refuses anything else with CONFIG_INVALID naming retention", async () => {
    for (const bad of ["{ days: -1 }", "{ days: 3651 }", "{ days: 1.5 }", '{ days: "30" }', "{}", "{ days: 5, keep: true }", "90", "null"]) {
      await assert.rejects(load(bad), (error) => isStintError(error) && error.code === "CONFIG_INVALID" && /retention/.test(error.message), bad);
    }
  });
});

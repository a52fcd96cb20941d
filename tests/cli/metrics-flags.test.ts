/**
 * `stint worker --metrics-port/--metrics-host` bad input: one line, exit 2, and no store
 * created (the checks run before anything is opened).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertUsageError, runCli, writeHelloConfig } from "./helpers.js";

describe("stint worker metrics flags: bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-metrics-flags-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const database = `sqlite:${join(dir, "store.db")}`;
  const config = writeHelloConfig(dir);

  const cases: [string, string[], RegExp][] = [
    ["a port that is not a number", ["--metrics-port", "http"], /--metrics-port must be a whole number from 0 to 65535, got "http"/],
    ["a host without a port", ["--metrics-host", "127.0.0.1"], /--metrics-host needs --metrics-port/],
    ["a non-loopback host without any key", ["--metrics-port", "0", "--metrics-host", "0.0.0.0"], /without metrics\.key or API keys \/metrics is served on loopback only/],
  ];
  for (const [name, flags, pattern] of cases) {
    it(`refuses ${name}`, async () => {
      assertUsageError(await runCli(["worker", "--config", config, "--database", database, ...flags]), pattern);
      assert.equal(existsSync(join(dir, "store.db")), false, "no store was created");
    });
  }

  it("refuses --metrics-port when the config turns metrics off", async () => {
    const off = join(dir, "off.config.ts");
    writeFileSync(off, `import base from ${JSON.stringify(config)};\nexport default { ...base, metrics: false };\n`);
    assertUsageError(await runCli(["worker", "--config", off, "--database", database, "--metrics-port", "0"]), /the config turns metrics off/);
    assert.equal(existsSync(join(dir, "store.db")), false);
  });
});

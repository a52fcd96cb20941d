/**
 * A config file that never finishes loading (a top-level await that never settles) fails
 * after CONFIG_TIMEOUT_MS (STINT_CONFIG_TIMEOUT_MS, short here) with one line and exit 2,
 * instead of hanging or exiting 0 silently.
 */
import { describe, it, after } from "node:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertUsageError, runCli } from "./helpers.js";

describe("a config that never finishes loading", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-config-hang-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, body] of [
    ["a top-level await on a promise that never settles", "await new Promise(() => {});"],
    ["one that also keeps a timer running", "await new Promise(() => setInterval(() => {}, 1000));"],
  ]) {
    it(`${name}: times out with one line naming the file and the setting, exit 2`, async () => {
      const config = join(dir, "stint.config.mjs");
      writeFileSync(config, `${body}\nexport default { definitions: [] };\n`);
      const result = await runCli(["definitions"], { cwd: dir, env: { STINT_CONFIG_TIMEOUT_MS: "300" } });
      assertUsageError(result, /Config file ".*stint\.config\.mjs" is invalid: it did not finish loading within 300 ms .*STINT_CONFIG_TIMEOUT_MS sets the limit \[CONFIG_INVALID\]/);
    });
  }

  it("refuses a timeout that is not a whole number above 0", async () => {
    writeFileSync(join(dir, "stint.config.mjs"), "export default { definitions: [] };\n");
    const result = await runCli(["definitions"], { cwd: dir, env: { STINT_CONFIG_TIMEOUT_MS: "soon" } });
    assertUsageError(result, /STINT_CONFIG_TIMEOUT_MS must be a whole number of milliseconds above 0, got "soon"/);
  });
});

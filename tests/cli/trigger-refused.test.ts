/**
 * A trigger refused for its input or delay creates no store: every check that needs no
 * store runs before one is opened (`trigger` may create it).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertUsageError, runCli, writeHelloConfig } from "./helpers.js";

describe("a refused trigger creates no store", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-refused-"));
  const config = writeHelloConfig(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));

  // The default store is ./.stint/stint.db in the working directory: neither may appear.
  const cases: [string, string[], RegExp][] = [
    ["an input the zod schema refuses", ["--input", '{"name":42}'], /Validation failed\. \(name: .*\) \[VALIDATION_FAILED_INVALID_FIELDS\]/],
    ["a NUL in the input", ["--input", '{"name":"a\\u0000b"}'], /input.*NUL character.*\[INVALID_ARGUMENT\]/],
    ["a lone surrogate in the input", ["--input", '{"name":"a\\ud83d"}'], /input\.name.*lone UTF-16 surrogate.*\[INVALID_ARGUMENT\]/],
    ["a number JSON cannot hold in the input", ["--input", '{"name":"Ada","n":1e999}'], /input\.n.*finite number.*\[INVALID_ARGUMENT\]/],
    // A negative delay means none, as in Webiny (TaskService); an infinite one is refused.
    ["an infinite delay", ["--input", '{"name":"Ada"}', "--delay", "Infinity"], /\[INVALID_DELAY\]/],
    ["a delay that is not a number", ["--input", '{"name":"Ada"}', "--delay", "soon"], /delay/i],
    ["a delay past the maximum", ["--input", '{"name":"Ada"}', "--delay", String(400 * 86_400)], /355 days|MAX_DELAY|delay/i],
  ];
  for (const [name, args, pattern] of cases) {
    it(`${name}: exit 2, one line, and no .stint folder or file`, async () => {
      const result = await runCli(["trigger", "helloWorld", ...args, "--config", config], { cwd: dir });
      assertUsageError(result, pattern);
      assert.deepEqual(readdirSync(dir), ["stint.config.ts"]);
    });
  }

  it("an accepted trigger then creates the store", async () => {
    const result = await runCli(["trigger", "helloWorld", "--input", '{"name":"Ada"}', "--config", config], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(join(dir, ".stint", "stint.db")));
  });
});

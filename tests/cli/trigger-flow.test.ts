/**
 * `stint trigger --priority --idempotency-key --idempotency-key-ttl --concurrency-key`:
 * bad values are refused before any store is made; good ones reach the task.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertUsageError, runCli, writeHelloConfig } from "./helpers.js";

describe("stint trigger with flow-control flags", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-flow-"));
  const config = writeHelloConfig(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const input = ["--input", '{"name":"Ada"}'];

  const cases: [string, string[], RegExp][] = [
    ["a fractional priority", ["--priority", "1.5"], /Invalid priority: expected an integer.*got 1\.5 \[INVALID_ARGUMENT\]/],
    ["a priority that is not a number", ["--priority", "high"], /Invalid priority: .*got high \[INVALID_ARGUMENT\]/],
    ["an empty idempotency key", ["--idempotency-key", ""], /Invalid idempotencyKey: .*\[INVALID_ARGUMENT\]/],
    ["a TTL without a key", ["--idempotency-key-ttl", "60"], /Invalid idempotencyKeyTtlSeconds: needs an idempotencyKey \[INVALID_ARGUMENT\]/],
    ["a TTL of zero", ["--idempotency-key", "k", "--idempotency-key-ttl", "0"], /Invalid idempotencyKeyTtlSeconds: .*\[INVALID_ARGUMENT\]/],
    ["a concurrency key for a definition without a limit", ["--concurrency-key", "t1"], /Invalid concurrencyKey: .*no concurrency limit.*\[INVALID_ARGUMENT\]/],
  ];
  for (const [name, args, pattern] of cases) {
    it(`refuses ${name}: exit 2, one line, and no store`, async () => {
      const result = await runCli(["trigger", "helloWorld", ...input, ...args, "--config", config], { cwd: dir });
      assertUsageError(result, pattern);
      assert.deepEqual(readdirSync(dir), ["stint.config.ts"]);
    });
  }

  it("stores the priority and the key, and returns the same task for the key", async () => {
    const args = ["trigger", "helloWorld", ...input, "--priority", "4", "--idempotency-key", "cli-1", "--json", "--config", config];
    const first = await runCli(args, { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    const task = JSON.parse(first.stdout);
    assert.equal(task.priority, 4);
    assert.equal(task.idempotencyKey, "cli-1");
    const second = await runCli(args, { cwd: dir });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).id, task.id);
  });
});

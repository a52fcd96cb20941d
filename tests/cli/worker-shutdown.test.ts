import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES_CONFIG, startCli, type CliProcess } from "./helpers.js";

describe("stint worker in production, and Ctrl-C while watching", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-worker-"));
  let worker: CliProcess | undefined;

  after(async () => {
    worker?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs JSON lines when not in a terminal and exits 0 on SIGTERM", async () => {
    worker = startCli(["worker", "--config", EXAMPLES_CONFIG, "--database", `sqlite:${join(dir, "stint.db")}`, "--concurrency", "2"]);
    await worker.waitForOutput(/"msg":"worker running"/);
    worker.kill("SIGTERM");
    const result = await worker.exited(20_000);
    assert.equal(result.code, 0, result.stderr);
    const records = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    const running = records.find((r) => r.msg === "worker running");
    assert.equal(running?.concurrency, 2);
    assert.deepEqual(running?.definitions, ["importCsv", "checksumTree", "checksumDirectory"]);
    assert.deepEqual(records.slice(-3).map((r) => r.msg), ["shutting down (send the signal again to force)", "worker stopped", "stopped"]);
  });

  it("trigger --watch without a terminal: the first Ctrl-C says how to abort, the second aborts (exit 1)", async () => {
    const watch = startCli([
      "trigger", "checksumDirectory", "--input", '{"directory":"src"}', "--delay", "600", "--watch",
      "--config", EXAMPLES_CONFIG, "--database", `sqlite:${join(dir, "watch.db")}`,
    ]);
    try {
      await watch.waitForOutput(/iteration 0/);
      watch.kill("SIGINT");
      for (let i = 0; i < 100 && !watch.stderr.includes("press Ctrl-C again"); i++) await new Promise((r) => setTimeout(r, 50));
      watch.kill("SIGINT");
      const result = await watch.exited(20_000);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /press Ctrl-C again to abort task \w+ \(or run: stint abort \w+\)/);
      assert.match(result.stdout, /Aborted after 0 iterations: task \w+ is aborted/);
    } finally {
      watch.kill("SIGKILL");
    }
  });
});

/** The benchmark's command line: bad flags are refused with a typed error, and the CLI exits non-zero without a stack. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fork, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { BenchUsageError, parseConfig } from "../../bench/config.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function refused(argv: string[], message: RegExp, env: NodeJS.ProcessEnv = {}): void {
  assert.throws(() => parseConfig(argv, env), (e) => e instanceof BenchUsageError && message.test(e.message));
}

describe("bench command line", () => {
  it("reads sizes, stores and workloads from flags, and the environment below them", () => {
    const config = parseConfig(["--runs=5", "--stores=postgres", "--workloads=drain,latency", "--no-graphile", "--no-json"], { BENCH_DRAIN_COUNT: "2000", BENCH_RUNS: "9" });
    assert.equal(config.sizes.runs, 5);
    assert.equal(config.sizes.drainCount, 2000);
    assert.deepEqual(config.stores, ["postgres"]);
    assert.deepEqual(config.workloads, ["drain", "latency"]);
    assert.equal(config.graphile, false);
    assert.equal(config.outDir, null);
  });

  it("refuses each kind of bad input with a BenchUsageError naming it", () => {
    refused(["--runs=abc"], /--runs must be a positive integer, got abc/);
    refused(["--runs=0"], /--runs must be a positive integer/);
    refused(["--drain-count=1.5"], /--drain-count must be a positive integer/);
    refused([], /BENCH_LATENCY_COUNT must be a positive integer, got -1/, { BENCH_LATENCY_COUNT: "-1" });
    refused(["--stores=mysql"], /--stores accepts sqlite, postgres; got mysql/);
    refused(["--workloads=drain,foo"], /--workloads accepts .*; got foo/);
    refused(["--bogus"], /unknown flag --bogus/);
    refused(["runs=3"], /unknown argument runs=3/);
  });

  it("exits 2 with the message and no stack on a bad flag", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "bench/run.ts", "--runs=abc"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /bench: --runs must be a positive integer, got abc/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  });

  it("exits 1 when every store asked for was skipped and nothing was measured", () => {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--stores=postgres", "--workloads=trigger", "--quick", "--no-json", "--pg=postgres://nobody@127.0.0.1:1/none"],
      { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /PostgreSQL not reachable/);
    assert.match(run.stderr, /nothing was measured/);
  });
});

describe("bench worker process", () => {
  it("exits when its parent goes away (the IPC channel closes) instead of running on", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(`${tmpdir()}/stint-bench-orphan-`);
    const child = fork(fileURLToPath(new URL("../../bench/worker-process.ts", import.meta.url)), [JSON.stringify({ url: `sqlite:${dir}/stint.db`, target: 1 })], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    try {
      const [ready] = (await once(child, "message")) as [{ type: string }];
      assert.equal(ready.type, "ready");
      child.send({ type: "start" }); // a started worker keeps its own timers running
      const [started] = (await once(child, "message")) as [{ type: string }];
      assert.equal(started.type, "started");
      const exited = once(child, "exit");
      child.disconnect(); // as when the parent dies or is interrupted
      const [code] = (await Promise.race([exited, new Promise((r) => setTimeout(() => r(["still running"]), 10_000))])) as [unknown];
      assert.equal(code, 0);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A worker stopped with user code still hanging leaves nothing that keeps the process alive. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const FIXTURE = fileURLToPath(new URL("../fixtures/hang-exit.ts", import.meta.url));

describe("process exit after stop() and close()", () => {
  for (const mode of ["iteration", "hook"] as const) {
    it(`exits on its own with a ${mode} that never settles (its time budget holds no timer open)`, () => {
      const started = Date.now();
      const run = spawnSync(process.execPath, ["--import", "tsx", FIXTURE, mode], { encoding: "utf8", timeout: 30_000 });
      const elapsed = Date.now() - started;
      assert.equal(run.signal, null, `killed after ${elapsed} ms: the process did not exit on its own`);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /closed/);
      // The budget is 15 minutes: anything holding the process would hold it far longer.
      assert.ok(elapsed < 15_000, `exited after ${elapsed} ms`);
    });
  }
});

/**
 * A long-running command whose parent shell dies: under npm (npx, npm run: `sh -c`, and
 * npm sets npm_lifecycle_event) it shuts down as on SIGTERM; started any other way (e.g.
 * `nohup stint worker &` from a shell that then exits) it keeps running.
 * (tests/package/ checks the real npx path on the installed package.)
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, CliProcess, cleanEnv, EXAMPLES_CONFIG } from "./helpers.js";

const TSX = import.meta.resolve("tsx");

/**
 * `sh -c '<worker> & echo $!; wait'`: the shell is the worker's parent, as under npm. The
 * shell prints the worker's pid; killing the shell (SIGKILL, so it cannot pass anything
 * on) orphans the worker, whose output still comes through the inherited pipe.
 */
function workerUnderShell(database: string, env: Record<string, string>) {
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, "--import", TSX, BIN, "worker", "--config", EXAMPLES_CONFIG, "--database", database].map(quote).join(" ");
  // Without the npm variables of an outer `npm test`: each case sets what it tests.
  const base = Object.fromEntries(Object.entries(cleanEnv()).filter(([key]) => !key.startsWith("npm_")));
  const shell = spawn("sh", ["-c", `${command} & echo "pid=$!"; wait`], { env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  return new CliProcess(shell);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a worker whose parent shell dies", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-parent-"));
  const pids: number[] = [];
  after(() => {
    for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("started by npm (npm_lifecycle_event set): shuts down gracefully, as on SIGTERM", async () => {
    const shell = workerUnderShell(`sqlite:${join(dir, "npm.db")}`, { npm_lifecycle_event: "npx" });
    const pid = Number((await shell.waitForOutput(/pid=(\d+)/))[1]);
    pids.push(pid);
    await shell.waitForOutput(/"msg":"worker running"/);
    shell.kill("SIGKILL");
    await shell.waitForOutput(/"msg":"stopped"/, 30_000);
    assert.match(shell.stdout, /"signal":"parent exited","msg":"shutting down/);
    for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(pid), false, "the worker exited after its shutdown");
  });

  it("started any other way: keeps running (nohup-style), and still stops on SIGTERM", async () => {
    const shell = workerUnderShell(`sqlite:${join(dir, "plain.db")}`, {});
    const pid = Number((await shell.waitForOutput(/pid=(\d+)/))[1]);
    pids.push(pid);
    await shell.waitForOutput(/"msg":"worker running"/);
    shell.kill("SIGKILL");
    // The npm case above notices within one check interval (250 ms); give this one ten.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(alive(pid), true);
    assert.doesNotMatch(shell.stdout, /shutting down/);
    process.kill(pid, "SIGTERM");
    await shell.waitForOutput(/"msg":"stopped"/, 30_000);
  });
});

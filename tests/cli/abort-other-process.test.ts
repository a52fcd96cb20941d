/**
 * An abort from another process reaches a `stint worker` on SQLite while its iteration
 * runs, without waiting for a lease renewal: the worker's lease and heartbeat are set to
 * an hour, so only its abort watch (PRAGMA data_version) can deliver it before the
 * iteration's own end (it polls isAborted() for up to 10 minutes).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, runCli, startCli, type CliProcess } from "./helpers.js";

describe("stint abort from another process, to a running stint worker (SQLite)", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-abort-other-"));
  let worker: CliProcess | undefined;
  after(() => {
    worker?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("stops the iteration, and the task's log ends with the abort's message", async () => {
    const index = pathToFileURL(resolve(ROOT, "src/index.ts")).href;
    writeFileSync(
      join(dir, "stint.config.ts"),
      `import { createTaskDefinition, defineConfig } from ${JSON.stringify(index)};
export default defineConfig({
  worker: { leaseMs: 3_600_000, heartbeatMs: 3_600_000, pollIntervalMs: 100, logFlushIntervalMs: 50 },
  definitions: [
    createTaskDefinition({
      id: "waitForAbort",
      title: "Wait for an abort",
      run: async ({ response, isAborted, store }) => {
        await store.addInfoLog({ message: "waiting" });
        const until = Date.now() + 600_000;
        while (!isAborted() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
        await store.addInfoLog({ message: "saw the abort" }); // after the abort's message: not stored
        return response.done({ sawAbort: isAborted() });
      },
    }),
  ],
});
`,
    );
    const triggered = await runCli(["trigger", "waitForAbort", "--json"], { cwd: dir });
    assert.equal(triggered.code, 0, triggered.stderr);
    const { id } = JSON.parse(triggered.stdout) as { id: string };
    worker = startCli(["worker"], { cwd: dir });
    await worker.waitForOutput(/"msg":"iteration started"/);
    // "waiting" is flushed before the abort, so it stays in the log.
    for (;;) {
      const logs = await runCli(["logs", id, "--json"], { cwd: dir });
      if (logs.stdout.includes("waiting")) break;
    }
    const aborted = await runCli(["abort", id, "--message", "Stopped from another process."], { cwd: dir });
    assert.equal(aborted.code, 0, aborted.stderr);
    await worker.waitForOutput(/"msg":"iteration ended"/);
    const ended = worker.stdout.split("\n").find((line) => line.includes('"msg":"iteration ended"'))!;
    assert.match(ended, /"applied":false/, "the iteration's done() after the abort was fenced out");
    const logs = await runCli(["logs", id, "--json"], { cwd: dir });
    const messages = (JSON.parse(logs.stdout) as { items: { message: string }[] }[]).flatMap((log) => log.items.map((item) => item.message));
    assert.deepEqual(messages, ["waiting", "Stopped from another process."]);
    worker.kill("SIGTERM");
    assert.equal((await worker.exited(20_000)).code, 0);
  });
});

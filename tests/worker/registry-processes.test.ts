/**
 * The worker registry across real processes on PostgreSQL: two `stint worker` processes
 * register; one is SIGKILLed while it runs a task; `listWorkers` and `stint workers` then
 * show it gone while the other stays alive, the other takes its task over (its own
 * `/metrics` counts the takeover), and a clean stop removes a worker from the list.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createStint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { postgresStore, isPostgresReachable } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";
import { ROOT, runCli, startCli, type CliProcess } from "../cli/helpers.js";
import { parseExposition, sample } from "../metrics/exposition.js";

const LEASE_MS = 1500;

function writeConfig(dir: string, database: string): string {
  const path = join(dir, "stint.config.ts");
  const index = pathToFileURL(resolve(ROOT, "src/index.ts")).href;
  writeFileSync(
    path,
    `import { createTaskDefinition, defineConfig } from ${JSON.stringify(index)};
export default defineConfig({
  database: ${JSON.stringify(database)},
  worker: { pollIntervalMs: 100, leaseMs: ${LEASE_MS} },
  metrics: { cacheSeconds: 0 },
  definitions: [
    createTaskDefinition({
      id: "sleepy",
      title: "Sleeps, unless this process runs tasks quickly",
      run: async ({ response }) => {
        if (!process.env.STINT_TEST_QUICK) await new Promise((r) => setTimeout(r, 120_000));
        return response.done({});
      },
    }),
  ],
});
`,
  );
  return path;
}

async function scrape(url: string) {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  return parseExposition(await response.text());
}

const reachable = await isPostgresReachable();

describe("worker registry across processes (postgres)", { skip: reachable ? false : "PostgreSQL is not reachable" }, () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("shows a SIGKILLed worker as gone, the other alive, and forgets a cleanly stopped one", async () => {
    const store = await postgresStore.create();
    cleanups.push(() => store.cleanup());
    const dir = mkdtempSync(join(tmpdir(), "stint-registry-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = writeConfig(dir, store.url);
    const sleepy = createTaskDefinition({ id: "sleepy", title: "Sleepy", run: async ({ response }) => response.done({}) });
    const stint = await createStint({ storage: store.adapter, definitions: [sleepy], useEnv: false, metrics: false });
    cleanups.push(() => stint.close());

    const workers: CliProcess[] = [];
    cleanups.push(async () => {
      for (const worker of workers) {
        worker.kill("SIGKILL");
        await worker.exited(10_000).catch(() => undefined);
      }
    });
    const doomed = startCli(["worker", "--config", config, "--metrics-port", "0"]);
    workers.push(doomed);
    const doomedMetrics = (await doomed.waitForOutput(/"url":"(http:[^"]+\/metrics)"/, 90_000))[1];

    const task = await stint.tasks.trigger({ definition: "sleepy" });
    const held = await waitFor(
      () => stint.tasks.listWorkers(),
      (list) => list.length === 1 && list[0].tasks.some((t) => t.id === task.id),
      20_000,
    );
    const doomedPid = held[0].pid;
    assert.equal(doomedPid, doomed.child.pid);
    assert.equal(held[0].state, "alive");
    // Its own /metrics, scraped while it runs the task: one busy slot of ten.
    const during = await scrape(doomedMetrics);
    assert.equal(sample(during, 'stint_worker_slots{state="busy"}'), 1);
    assert.equal(sample(during, 'stint_worker_slots{state="idle"}'), 9);
    assert.equal(sample(during, 'stint_tasks{definition="sleepy",status="running"}'), 1);

    const survivor = startCli(["worker", "--config", config, "--metrics-port", "0"], { env: { STINT_TEST_QUICK: "1" } });
    workers.push(survivor);
    const survivorMetrics = (await survivor.waitForOutput(/"url":"(http:[^"]+\/metrics)"/, 90_000))[1];
    await waitFor(() => stint.tasks.listWorkers(), (list) => list.length === 2, 20_000);

    doomed.kill("SIGKILL");
    await doomed.exited(10_000);
    const after = await waitFor(
      () => stint.tasks.listWorkers(),
      (list) => list.find((w) => w.pid === doomedPid)?.state === "gone",
      20_000,
    );
    const alive = after.find((w) => w.pid === survivor.child.pid);
    assert.equal(alive?.state, "alive");
    assert.equal(after.length, 2, "a gone worker stays listed for a while");

    // The survivor takes the dead worker's task over once its lease ran out.
    await waitFor(() => stint.tasks.getTask(task.id), (t) => t?.taskStatus === "success", 20_000);
    const survivorCounts = await scrape(survivorMetrics);
    assert.equal(sample(survivorCounts, "stint_lease_takeovers_total"), 1);
    assert.equal(sample(survivorCounts, 'stint_iterations_total{definition="sleepy",outcome="done"}'), 1);

    const listed = await runCli(["workers", "--config", config]);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split("\n");
    assert.match(lines[0], /^ID\s+STATE\s+HOST\s+PID/);
    assert.ok(lines.some((line) => /\bgone\b/.test(line) && line.includes(` ${doomedPid} `)), listed.stdout);
    assert.ok(lines.some((line) => /\balive\b/.test(line) && line.includes(` ${survivor.child.pid} `)), listed.stdout);
    const json = await runCli(["workers", "--config", config, "--json"]);
    const parsed = JSON.parse(json.stdout) as { pid: number; state: string }[];
    assert.deepEqual(parsed.map((w) => [w.pid, w.state]).sort(), [[doomedPid, "gone"], [survivor.child.pid, "alive"]].sort());

    survivor.kill("SIGTERM");
    assert.equal((await survivor.exited(30_000)).code, 0);
    const left = await stint.tasks.listWorkers();
    assert.deepEqual(left.map((w) => w.pid), [doomedPid], "the cleanly stopped worker removed itself");
  });
});

import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { storeKinds, type TestStore } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";
import { createStint } from "../../src/stint.js";
import { multiStep } from "../fixtures/multi-step-definition.js";

const script = fileURLToPath(new URL("../fixtures/drain-worker.ts", import.meta.url));
const TASKS = Number(process.env.STINT_MULTI_PROCESS_TASKS ?? 5000);

function startWorker(url: string, journal: string, pollIntervalMs = 1000, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", script, url, journal, String(pollIntervalMs)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  const ready = waitFor(() => output, (o) => o.includes("ready"), 30_000);
  return { child, ready, output: () => output };
}

function stop(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  return exited;
}

for (const kind of await storeKinds()) {
  describe(`several worker processes on one store (${kind.name})`, () => {
    const cleanups: (() => Promise<unknown> | void)[] = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it(`drains ${TASKS} tasks of 1 to 3 iterations across three processes, each task ending once`, async () => {
      const store = await kind.create();
      const dir = mkdtempSync(join(tmpdir(), "stint-mp-"));
      cleanups.push(() => store.cleanup(), () => rmSync(dir, { recursive: true, force: true }));
      const stint = await createStint({ storage: store.adapter, definitions: [multiStep], useEnv: false });
      const journals = [0, 1, 2].map((i) => join(dir, `worker-${i}.log`));
      const workers = journals.map((journal) => startWorker(store.url, journal));
      cleanups.push(() => Promise.all(workers.map((w) => stop(w.child))));
      await Promise.all(workers.map((w) => w.ready));

      const steps = new Map<string, number>();
      const batch = Array.from({ length: TASKS }, (_, i) => ({ definition: multiStep, input: { steps: (i % 3) + 1 } }));
      for (let i = 0; i < batch.length; i += 1000) {
        for (const task of await stint.tasks.triggerMany(batch.slice(i, i + 1000))) steps.set(task.id, (task.input as { steps: number }).steps);
      }
      await waitFor(
        () => stint.tasks.listTasks({ where: { taskStatus: "success" }, limit: 1 }),
        (page) => page.meta.totalCount === TASKS,
        180_000,
      );
      await Promise.all(workers.map((w) => stop(w.child)));

      const lines = journals.flatMap((file) => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : []));
      const runs = lines.filter((l) => l.startsWith("run ")).map((l) => l.split(" "));
      const dones = lines.filter((l) => l.startsWith("done ")).map((l) => l.split(" "));

      const iterationKeys = runs.map(([, id, iteration]) => `${id}#${iteration}`);
      assert.equal(new Set(iterationKeys).size, iterationKeys.length, "no iteration ran twice (no worker was killed)");
      const expectedIterations = [...steps.values()].reduce((a, b) => a + b, 0);
      assert.equal(runs.length, expectedIterations, "every iteration of every task ran");

      const doneCount = new Map<string, number>();
      for (const [, id] of dones) doneCount.set(id, (doneCount.get(id) ?? 0) + 1);
      assert.equal(doneCount.size, TASKS, "every task reached its terminal transition");
      assert.ok([...doneCount.values()].every((n) => n === 1), "exactly once");

      const perProcess = new Map<string, number>();
      for (const [, , , , pid] of runs) perProcess.set(pid, (perProcess.get(pid) ?? 0) + 1);
      assert.equal(perProcess.size, 3, `all three processes ran iterations: ${JSON.stringify([...perProcess])}`);
      for (const [pid, count] of perProcess) {
        assert.ok(count >= expectedIterations * 0.05, `process ${pid} ran ${count} of ${expectedIterations} iterations`);
      }

      const sample = (await stint.tasks.listTasks({ limit: 5 })).items;
      for (const task of sample) assert.equal(task.iterations, steps.get(task.id));
      await stint.close();
    });

    if (kind.name === "postgres") {
      it("wakes an idle worker in another process on trigger, long before its next poll", async () => {
        const store = await kind.create();
        const dir = mkdtempSync(join(tmpdir(), "stint-wake-"));
        cleanups.push(() => store.cleanup(), () => rmSync(dir, { recursive: true, force: true }));
        const stint = await createStint({ storage: store.adapter, definitions: [multiStep], useEnv: false });
        const worker = startWorker(store.url, join(dir, "w.log"), 60_000, { STINT_REPORT_STARTS: "1" });
        cleanups.push(() => stop(worker.child));
        await worker.ready;
        await new Promise((r) => setTimeout(r, 300)); // let the first (empty) claim and LISTEN settle
        const triggeredAt = Date.now();
        const { id } = await stint.tasks.trigger({ definition: multiStep, input: { steps: 1 } });
        const output = await waitFor(worker.output, (o) => o.includes(`start ${id}`), 10_000);
        const startedAt = Number(/start \S+ (\d+)/.exec(output.slice(output.indexOf(`start ${id}`)))![1]);
        assert.ok(startedAt - triggeredAt < 2_000, `started ${startedAt - triggeredAt} ms after the trigger (poll interval 60 s)`);
        await stint.close();
      });
    }
  });
}

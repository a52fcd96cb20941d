/**
 * PostgreSQL restarted (`pg_ctlcluster … restart -m fast`) while a worker has tasks in
 * flight and triggers keep arriving: nothing lost, none stuck, every task ends with all
 * its iterations, a refused trigger stores nothing.
 *
 * Restarting the server breaks every other test using it at that moment (other test
 * files run in parallel, other developers share the server), so this test only runs
 * when asked: STINT_TEST_PG_RESTART=1 node scripts/run-tests.mjs tests/faults/pg-restart.test.ts
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createStint } from "../../src/stint.js";
import { isStintError } from "../../src/domain/errors.js";
import { isPostgresReachable, postgresStore, type TestStore } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";
import { checkAllDone, stepsDefinition } from "./helpers.js";

function restartCommand(): string[] | string {
  if (process.env.STINT_TEST_PG_RESTART !== "1") return "set STINT_TEST_PG_RESTART=1 to run it (it restarts the shared server)";
  if (process.getuid?.() !== 0) return "not root";
  if (!existsSync("/usr/bin/pg_ctlcluster") || !existsSync("/etc/postgresql")) return "no pg_ctlcluster";
  const version = readdirSync("/etc/postgresql").sort().at(-1);
  if (!version) return "no cluster under /etc/postgresql";
  return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"];
}

const command = restartCommand();
const reachable = await isPostgresReachable();
const skip = !reachable ? "PostgreSQL not reachable" : typeof command === "string" ? command : false;
if (skip) console.warn(`\n*** SKIPPING the PostgreSQL restart test: ${skip} ***\n`);

describe("postgres restarted mid-run", { skip }, () => {
  const stores: TestStore[] = [];
  after(() => Promise.all(stores.map((s) => s.cleanup())));

  it("finishes every task after the server is back; refused triggers store nothing", { timeout: 90_000 }, async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const onDone = new Map<string, number>();
    const stint = await createStint({ storage: store.adapter, definitions: [stepsDefinition(onDone)], useEnv: false });
    try {
      const errors: string[] = [];
      const worker = await stint.startWorker({ concurrency: 8, leaseMs: 2000, pollIntervalMs: 100 });
      worker.events.on("worker:error", ({ error, during }) => errors.push(`${during}: ${isStintError(error) ? error.code : String(error)}`));
      const first = await stint.tasks.triggerMany(Array.from({ length: 40 }, () => ({ definition: "steps", input: { k: 5, workMs: 80 } })));
      await waitFor(() => stint.tasks.listTasks({ where: { iterations_gte: 2 }, limit: 1 }), (p) => p.meta.totalCount > 0);

      // Triggers keep arriving during the restart, each batch under a name of its own.
      let stop = false;
      const batches: { name: string; ok: boolean; code?: string }[] = [];
      const triggering = (async () => {
        for (let n = 0; !stop; n++) {
          const name = `batch-${n}`;
          try {
            await stint.tasks.triggerMany(Array.from({ length: 3 }, () => ({ definition: "steps", name, input: { k: 2 } })));
            batches.push({ name, ok: true });
          } catch (error) {
            batches.push({ name, ok: false, code: isStintError(error) ? error.code : String(error) });
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const began = Date.now();
      execFileSync((command as string[])[0]!, (command as string[]).slice(1), { stdio: "inherit" });
      const restartMs = Date.now() - began;
      await new Promise((r) => setTimeout(r, 1000));
      stop = true;
      await triggering;

      const all = await waitFor(
        async () => (await stint.tasks.listTasks({ limit: 1000 })).items,
        (items) => items.every((t) => t.taskStatus === "success"),
        60_000,
      );
      await waitFor(() => onDone.size, (n) => n === all.length, 10_000).catch(() => undefined);
      const refused = batches.filter((b) => !b.ok);
      console.log(
        `pg restart: restart took ${restartMs} ms; tasks=${all.length}; trigger batches ok=${batches.length - refused.length}, ` +
          `refused=${refused.length} (${[...new Set(refused.map((b) => b.code))].join(",")}); worker errors=${errors.length}`,
      );
      assert.ok(refused.every((b) => b.code === "STORAGE_UNAVAILABLE"), `refused triggers are STORAGE_UNAVAILABLE: ${JSON.stringify(refused)}`);
      for (const batch of batches) {
        const stored = all.filter((t) => t.name === batch.name).length;
        if (batch.ok) assert.equal(stored, 3, `${batch.name} was accepted and stored whole`);
        else assert.ok(stored === 0 || stored === 3, `${batch.name} refused: all or nothing (${stored})`);
      }
      assert.equal(all.length, first.length + 3 * batches.filter((b) => b.ok).length + all.filter((t) => refused.some((b) => b.name === t.name)).length);
      assert.deepEqual(checkAllDone(all, onDone), []);
    } finally {
      await stint.close();
    }
  });
});

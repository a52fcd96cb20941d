/**
 * Issue 20's must-show, with real processes: a schedule every 2 s (`*／2 * * * * *`,
 * declared in the config) and three `stint worker` processes on one store for about
 * 20 s; one of them is SIGKILLed at a tick and the other two carry on. The store must
 * then hold exactly one task per tick from the first tick to the last: no duplicate, no
 * gap.
 *
 * Where the kill lands:
 * - PostgreSQL: inside the tick's transaction, for sure. Just before the tick the test
 *   holds a SHARE lock on the tasks table, so the ticker that wins the compare-and-set
 *   stops at its task INSERT (holding the schedule row) while the others wait on that
 *   row. The test finds that backend in pg_stat_activity (each process has its own
 *   application_name through PGAPPNAME), SIGKILLs its process, then releases the lock:
 *   the dead client's transaction never commits, and one of the waiting tickers must
 *   create the tick's task.
 * - SQLite: a tick is one synchronous transaction, nothing can hold a process inside
 *   it; the kill lands at the tick's instant, while the tickers race for it.
 *
 * No timed assertion: the waits are generous, the ~20 s is the run's length.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createStint, type Stint } from "../../src/stint.js";
import type { TaskRecord } from "../../src/domain/task-record.js";
import { storeKinds, withAdminClient, type StoreKind, type TestStore } from "../helpers/stores.js";
import { ROOT, startCli, type CliProcess } from "../cli/helpers.js";

const SCHEDULE = "every2s";
const PERIOD_MS = 2000;
/** Ticks the three processes share before the kill, and ticks the two survivors must make after it. */
const TICKS_BEFORE_KILL = 4;
const TICKS_AFTER_KILL = 6;
/** Generous: three processes compile the config with tsx at once on a loaded machine. */
const START_TIMEOUT_MS = 180_000;
const APP_NAME = (index: number) => `stint-mp-${process.pid}-${index}`;

/** Resolves when `predicate` holds, probing every `everyMs` (the store is read by three processes already: no busy polling); fails after `timeoutMs`. */
async function poll<T>(probe: () => Promise<T>, predicate: (value: T) => boolean, timeoutMs: number, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (predicate(value)) return value;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleepUntil(Date.now() + everyMs);
  }
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
}

function writeConfig(dir: string, database: string): string {
  const path = join(dir, "stint.config.ts");
  const index = pathToFileURL(resolve(ROOT, "src/index.ts")).href;
  writeFileSync(
    path,
    `import { createTaskDefinition, defineConfig } from ${JSON.stringify(index)};
export default defineConfig({
  database: ${JSON.stringify(database)},
  // A short lease: a task a killed process held is taken over within seconds.
  worker: { pollIntervalMs: 100, leaseMs: 3000 },
  definitions: [
    createTaskDefinition({
      id: "tick",
      title: "Tick",
      // Which process ran it: the survivors must run the ticks after the kill.
      run: async ({ response }) => response.done({ pid: process.pid }),
    }),
  ],
  schedules: [{ id: ${JSON.stringify(SCHEDULE)}, definition: "tick", cron: "*/2 * * * * *" }],
});
`,
  );
  return path;
}

async function scheduledTasks(stint: Stint): Promise<TaskRecord[]> {
  const page = await stint.tasks.listTasks({ where: { createdBy: `schedule:${SCHEDULE}` }, sort: ["createdOn_ASC"], limit: 1000 });
  return page.items;
}

function scheduledFor(task: TaskRecord): number {
  return Date.parse((task.eventResponse as { scheduledFor: string }).scheduledFor);
}

function latestTick(tasks: readonly TaskRecord[]): number {
  return Math.max(-Infinity, ...tasks.map(scheduledFor));
}

/** The schema of a PostgreSQL test store, from its URL. */
function schemaOf(store: TestStore): string {
  return new URL(store.url).searchParams.get("schema")!;
}

/** Which worker was killed, and how (for the test's diagnostic line). */
interface Kill {
  victim: number;
  note: string;
}

/**
 * PostgreSQL: makes the winner of tick `at` stop inside its transaction (see the file
 * header), SIGKILLs it there, then lets the others go on. Returns the killed worker's index.
 */
async function killInsideTick(store: TestStore, workers: readonly CliProcess[], at: number): Promise<Kill> {
  const schema = schemaOf(store);
  return withAdminClient(async (client) => {
    await sleepUntil(at - 700);
    await client.query("BEGIN");
    await client.query(`LOCK TABLE "${schema}".tasks IN SHARE MODE`);
    try {
      // The tick's INSERT into this schema's tasks, waiting on the lock (only ticks insert
      // tasks here). pg_stat_activity keeps the first 1 kB of a query: match its start.
      const blocked = await poll(
        async () => {
          // pg_stat_activity is read once per transaction unless told to read again.
          await client.query("SELECT pg_stat_clear_snapshot()");
          return (
            await client.query<{ application_name: string }>(
              `SELECT application_name FROM pg_stat_activity
               WHERE wait_event_type = 'Lock' AND query LIKE $1`,
              [`%INSERT INTO "${schema}".tasks %`],
            )
          ).rows;
        },
        (rows) => rows.length > 0,
        60_000,
        10,
      );
      assert.equal(blocked.length, 1, "one ticker won the compare-and-set");
      const victim = workers.findIndex((_, i) => APP_NAME(i) === blocked[0].application_name);
      assert.ok(victim >= 0, `the blocked INSERT belongs to a worker: ${blocked[0].application_name}`);
      // For the report only: the other tickers already waiting on the schedule row.
      await client.query("SELECT pg_stat_clear_snapshot()");
      const { rows: waiting } = await client.query(
        `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
        [`%UPDATE "${schema}".schedules SET next_run_at%`],
      );
      workers[victim].kill("SIGKILL");
      const exit = await workers[victim].exited(30_000);
      assert.equal(exit.signal, "SIGKILL");
      return { victim, note: `killed inside its tick's transaction, ${waiting.length} other ticker(s) waiting on the schedule row` };
    } finally {
      // The dead client's backend now finishes its INSERT, finds the client gone and
      // rolls back; the tickers waiting on the schedule row go on.
      await client.query("ROLLBACK");
    }
  });
}

/** SQLite: SIGKILLs a worker at the instant tick `at` is due, while the tickers race for it. */
async function killAtTick(workers: readonly CliProcess[], at: number): Promise<Kill> {
  const victim = 0;
  await sleepUntil(at);
  workers[victim].kill("SIGKILL");
  const exit = await workers[victim].exited(30_000);
  assert.equal(exit.signal, "SIGKILL");
  return { victim, note: "killed at the tick's instant" };
}

for (const kind of await storeKinds()) {
  describe(`a schedule with three worker processes (${kind.name})`, () => {
    const cleanups: (() => Promise<unknown> | void)[] = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it("creates exactly one task per tick for ~20 s, one worker SIGKILLed at a tick", { timeout: 600_000 }, async (t) => {
      const { store, stint, workers } = await start(kind, cleanups);

      // Every process is up: the first tick they all race for, then a few more.
      const readyAt = Date.now();
      const firstShared = latestTick(await poll(() => scheduledTasks(stint), (tasks) => latestTick(tasks) > readyAt, 60_000));
      // A tick at least 1.5 s ahead, so the kill is set up before it is due (ticks are on even seconds).
      const killTick = Math.max(firstShared + TICKS_BEFORE_KILL * PERIOD_MS, Math.ceil((Date.now() + 1500) / PERIOD_MS) * PERIOD_MS);
      const { victim, note } = kind.name === "postgres" ? await killInsideTick(store, workers, killTick) : await killAtTick(workers, killTick);
      const survivors = workers.filter((_, i) => i !== victim);
      const survivorPids = survivors.map((w) => w.child.pid);

      // The two survivors carry on: several more ticks, each task run.
      const lastAwaited = killTick + TICKS_AFTER_KILL * PERIOD_MS;
      await poll(
        () => scheduledTasks(stint),
        (tasks) => latestTick(tasks) >= lastAwaited && tasks.filter((task) => scheduledFor(task) <= lastAwaited).every((task) => task.taskStatus === "success"),
        120_000,
      );
      for (const survivor of survivors) survivor.kill("SIGTERM");
      for (const survivor of survivors) assert.equal((await survivor.exited(60_000)).code, 0, survivor.stderr);

      const tasks = await scheduledTasks(stint);
      assert.equal(new Set(tasks.map((task) => task.id)).size, tasks.length, "no task listed twice");
      const perTick = new Map<number, string[]>();
      for (const task of tasks) perTick.set(scheduledFor(task), [...(perTick.get(scheduledFor(task)) ?? []), task.id]);
      const duplicates = [...perTick].filter(([, ids]) => ids.length > 1);
      assert.deepEqual(duplicates, [], "no tick has two tasks");
      const ticks = [...perTick.keys()].sort((a, b) => a - b);
      const expected = Array.from({ length: (ticks.at(-1)! - ticks[0]) / PERIOD_MS + 1 }, (_, i) => new Date(ticks[0] + i * PERIOD_MS).toISOString());
      assert.deepEqual(
        ticks.map((tick) => new Date(tick).toISOString()),
        expected,
        "every tick from the first to the last has its task (no gap)",
      );
      assert.ok(perTick.has(killTick), "the tick of the kill has its task");
      assert.ok(ticks.at(-1)! >= lastAwaited);
      for (const task of tasks.filter((task) => scheduledFor(task) > killTick && scheduledFor(task) <= lastAwaited)) {
        assert.ok(survivorPids.includes((task.output as { pid: number }).pid), `tick ${scheduledFor(task)} ran in a survivor`);
      }
      t.diagnostic(`${kind.name}: ${ticks.length} ticks from ${expected[0]} to ${expected.at(-1)}, worker ${victim} SIGKILLed at ${new Date(killTick).toISOString()} (${note})`);
    });
  });
}

/** The store, a Stint on it that reads (it runs no worker, and syncs no schedule), and three `stint worker` processes, all running. */
async function start(kind: StoreKind, cleanups: (() => Promise<unknown> | void)[]) {
  const store = await kind.create();
  cleanups.push(() => store.cleanup());
  const dir = mkdtempSync(join(tmpdir(), "stint-sched-mp-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = writeConfig(dir, store.url);
  const stint = await createStint({ storage: store.adapter, definitions: [], useEnv: false, metrics: false });
  cleanups.push(() => stint.close());

  const workers = [0, 1, 2].map((i) => startCli(["worker", "--config", config], { cwd: dir, env: { PGAPPNAME: APP_NAME(i) } }));
  cleanups.push(async () => {
    for (const worker of workers) {
      worker.kill("SIGKILL");
      await worker.exited(10_000).catch(() => undefined);
    }
  });
  await Promise.all(workers.map((worker) => worker.waitForOutput(/"msg":"worker running"/, START_TIMEOUT_MS)));
  return { store, stint, workers };
}

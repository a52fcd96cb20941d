/**
 * The retention sweep under load (docs/benchmarks.md "Retention sweep"): a store seeded
 * with `old` finished tasks (200 days old, one log record and item per tenth task,
 * written by SQL in a few statements, not through the API), then alternating drains of
 * `drain` queued no-op tasks by a worker process, without and with a sweeper deleting
 * the old tasks meanwhile. Reports the drain rates, the sweep's per-batch statement time
 * (each batch one transaction: an upper bound of how long it holds its locks) and the
 * tasks swept per second.
 *
 * The worker process's own sweeper must not sweep during the "without" drains: the bench
 * holds the `retention-sweep` lease under another name for those, and under its own
 * sweeper's name for the "with" drains (the worker's sweeper then waits).
 */
import pg from "pg";
import Database from "better-sqlite3";
import { createStint } from "../../src/stint.js";
import { RetentionSweeper, SWEEP_LEASE_NAME } from "../../src/worker/retention-sweeper.js";
import { systemClock } from "../../src/domain/clock.js";
import { NOOP } from "../definitions.js";
import { quantile } from "../stats.js";
import type { BenchStore } from "../stores.js";
import { drainSample } from "./drain.js";
import { fill, openStint } from "./common.js";

const DAY = 86_400_000;

export interface RetentionFigures {
  seeded: number;
  seedMs: number;
  drainWithout: number[];
  drainWith: number[];
  batchMs: { max: number; p99: number; median: number; count: number };
  sweptPerSecond: number;
  swept: number;
}

/** Seeds `count` finished tasks created 200 days ago, by SQL. */
async function seed(store: BenchStore, count: number): Promise<void> {
  const created = Date.now() - 200 * DAY;
  if (store.kind === "postgres") {
    const url = new URL(store.url);
    const schema = url.searchParams.get("schema")!;
    url.searchParams.delete("schema");
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const s = `"${schema}"`;
      await client.query(`
        INSERT INTO ${s}.tasks (id, name, definition_id, input, max_iterations, status, iterations, created_on, saved_on,
                                started_on, finished_on, created_by, run_at)
        SELECT 'old' || lpad(g::text, 9, '0'), 'old', 'noop', '{}'::jsonb, 50, 'success', 1,
               to_timestamp($2 / 1000.0) + g * interval '1 millisecond', now(),
               to_timestamp($2 / 1000.0) + g * interval '1 millisecond', to_timestamp($2 / 1000.0) + g * interval '1 millisecond' + interval '1 second',
               '{"id":"bench","displayName":"bench","type":"admin"}'::jsonb, to_timestamp($2 / 1000.0)
        FROM generate_series(1, $1) g`, [count, created]);
      await client.query(`
        INSERT INTO ${s}.task_logs (id, task_id, iteration, execution_name, created_on, created_by)
        SELECT 'log' || lpad(g::text, 9, '0'), 'old' || lpad(g::text, 9, '0'), 1, 'bench', to_timestamp($2 / 1000.0), '{"id":"bench"}'::jsonb
        FROM generate_series(1, $1, 10) g`, [count, created]);
      await client.query(`
        INSERT INTO ${s}.task_log_items (log_id, type, message, created_on)
        SELECT id, 'info', 'Task done.', created_on FROM ${s}.task_logs WHERE id LIKE 'log%'`);
      // All three: a log table left unanalysed after a bulk load is planned as empty-ish,
      // and the sweep's log delete then scans it (62 ms a batch instead of 1 ms, measured).
      await client.query(`ANALYZE ${s}.tasks, ${s}.task_logs, ${s}.task_log_items`);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(store.url.replace(/^sqlite:/, ""));
  try {
    db.pragma("foreign_keys = ON");
    db.exec("BEGIN");
    db.prepare(`
      WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)
      INSERT INTO stint_tasks (id, name, definition_id, input, max_iterations, status, iterations, created_on, saved_on,
                               started_on, finished_on, created_by, run_at)
      SELECT 'old' || printf('%09d', n), 'old', 'noop', '{}', 50, 'success', 1, ? + n, ? + n, ? + n, ? + n + 1000,
             '{"id":"bench","displayName":"bench","type":"admin"}', ?
      FROM g`).run(count, created, created, created, created, created);
    db.prepare(`
      INSERT INTO stint_logs (id, task_id, iteration, execution_name, created_on, created_by)
      SELECT 'log' || substr(id, 4), id, 1, 'bench', created_on, '{"id":"bench"}' FROM stint_tasks
      WHERE id LIKE 'old%' AND CAST(substr(id, 4) AS INTEGER) % 10 = 1`).run();
    db.prepare(`INSERT INTO stint_log_items (log_id, seq, type, message, created_on) SELECT id, 1, 'info', 'Task done.', created_on FROM stint_logs WHERE id LIKE 'log%'`).run();
    db.exec("COMMIT");
    db.exec("ANALYZE");
  } finally {
    db.close();
  }
}

export async function retentionWorkload(store: BenchStore, options: { old: number; drain: number; pairs: number; timeoutMs: number }, log: (line: string) => void): Promise<RetentionFigures> {
  // Migrate, then seed beside the API.
  const setup = await openStint(store);
  await setup.close();
  const seedStarted = performance.now();
  await seed(store, options.old);
  const seedMs = performance.now() - seedStarted;
  log(`  ${store.kind}: seeded ${options.old} old finished tasks in ${(seedMs / 1000).toFixed(1)} s`);

  const stint = await createStint({ database: store.url, definitions: [], useEnv: false });
  const batchMs: number[] = [];
  let swept = 0;
  /** Wall time the sweeps ran (pauses included). */
  let sweepingMs = 0;
  const drainWithout: number[] = [];
  const drainWith: number[] = [];
  try {
    const filler = await openStint(store);
    for (let pair = 0; pair < options.pairs; pair++) {
      for (const withSweep of pair % 2 === 0 ? [false, true] : [true, false]) {
        await fill(filler, NOOP, options.drain, 1000);
        const holder = withSweep ? "bench-sweeper" : "bench-blocker";
        await stint.storage.leaseRelease({ name: SWEEP_LEASE_NAME, holder: "bench-sweeper" });
        await stint.storage.leaseRelease({ name: SWEEP_LEASE_NAME, holder: "bench-blocker" });
        const got = await stint.storage.leaseAcquire({ name: SWEEP_LEASE_NAME, holder, now: Date.now(), ttlMs: 10 * 60_000 });
        if (!got) throw new Error("retention bench: the sweep lease is held by someone else");
        let stop = false;
        let sweeping: Promise<void> = Promise.resolve();
        if (withSweep) {
          const sweeper = new RetentionSweeper({ storage: stint.storage, definitions: stint.definitions, clock: systemClock, holder, leaseMs: 10 * 60_000 });
          sweeper.events.on("retention:batch", ({ deleted, durationMs }) => {
            batchMs.push(durationMs);
            swept += deleted;
          });
          const sweepStarted = performance.now();
          sweeping = (async () => {
            while (!stop) {
              const round = await sweeper.sweepOnce();
              if (round.deleted === 0) break;
            }
            sweepingMs += performance.now() - sweepStarted;
          })();
          // The sweep runs only while the drain does: stopped (after its batch in flight) as the drain ends.
          const figures = await drainSample(store, options.drain, options.timeoutMs).finally(() => {
            stop = true;
            return sweeper.stop();
          });
          await sweeping;
          drainWith.push(figures.rate);
          log(`  ${store.kind} pair ${pair + 1}: drain with the sweep ${figures.rate.toFixed(0)} tasks/s (swept so far ${swept})`);
        } else {
          const figures = await drainSample(store, options.drain, options.timeoutMs);
          drainWithout.push(figures.rate);
          log(`  ${store.kind} pair ${pair + 1}: drain without the sweep ${figures.rate.toFixed(0)} tasks/s`);
        }
      }
    }
    await filler.close();
  } finally {
    await stint.close();
  }
  const sorted = [...batchMs].sort((a, b) => a - b);
  return {
    seeded: options.old,
    seedMs,
    drainWithout,
    drainWith,
    batchMs: { max: sorted.at(-1) ?? 0, p99: quantile(sorted, 0.99), median: quantile(sorted, 0.5), count: sorted.length },
    sweptPerSecond: sweepingMs > 0 ? swept / (sweepingMs / 1000) : 0,
    swept,
  };
}

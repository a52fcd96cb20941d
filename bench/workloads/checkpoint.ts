/**
 * Workload 4: one task continuing `checkpointIterations` times with a small checkpoint
 * (`{ i, until }`), worker in this process with default settings; beside it the time of
 * a bare one-row durable commit on the same store, the floor any durable step pays.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Sizes } from "../config.js";
import { CHECKPOINT } from "../definitions.js";
import { summarize } from "../stats.js";
import type { BenchStore } from "../stores.js";
import { withPgClient } from "../stores.js";
import { openStint } from "./common.js";

export interface CheckpointFigures {
  msPerIteration: number;
  /** Median ms of one single-row INSERT committed on its own. */
  bareCommitMs: number;
}

export async function stintCheckpoint(store: BenchStore, sizes: Sizes, postgresUrl: string): Promise<CheckpointFigures> {
  const stint = await openStint(store);
  let msPerIteration: number;
  try {
    const worker = stint.createWorker();
    const done = new Promise<void>((resolve) => worker.events.once("task:done", () => resolve()));
    // The first iteration sees i = 0; the one seeing i = until returns done.
    const task = await stint.tasks.trigger({ definition: CHECKPOINT, input: { i: 0, until: sizes.checkpointIterations - 1 } });
    const start = performance.now();
    worker.start();
    await done;
    msPerIteration = (performance.now() - start) / sizes.checkpointIterations;
    const stored = await stint.tasks.getTask(task.id);
    if (stored?.taskStatus !== "success" || stored.iterations !== sizes.checkpointIterations) {
      throw new Error(`checkpoint: expected success after ${sizes.checkpointIterations} iterations, got ${stored?.taskStatus} after ${stored?.iterations}`);
    }
  } finally {
    await stint.close();
  }
  const bareCommitMs = store.kind === "sqlite" ? sqliteBareCommit(store, sizes.commitSamples) : await postgresBareCommit(postgresUrl, store.place, sizes.commitSamples);
  return { msPerIteration, bareCommitMs };
}

/** Same file settings as the adapter (src/storage/sqlite/connection.ts), one IMMEDIATE transaction per row. */
function sqliteBareCommit(store: BenchStore, samples: number): number {
  const db = new Database(join(store.place, "bare-commit.db"), { timeout: 5000 });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.exec("CREATE TABLE IF NOT EXISTS bare (id INTEGER PRIMARY KEY, value TEXT NOT NULL)");
    const insert = db.prepare("INSERT INTO bare (value) VALUES (?)");
    const commitOne = db.transaction((value: string) => insert.run(value)).immediate;
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      commitOne(`{"i":${i}}`);
      times.push(performance.now() - start);
    }
    return summarize(times).median;
  } finally {
    db.close();
  }
}

/** One INSERT in autocommit per row (a round trip plus the WAL flush), in the store's schema. */
function postgresBareCommit(postgresUrl: string, schema: string, samples: number): Promise<number> {
  return withPgClient(postgresUrl, async (client) => {
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".bare (id bigserial PRIMARY KEY, value jsonb NOT NULL)`);
    const sql = `INSERT INTO "${schema}".bare (value) VALUES ($1)`;
    await client.query(sql, ['{"i":-1}']);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      await client.query(sql, [`{"i":${i}}`]);
      times.push(performance.now() - start);
    }
    return summarize(times).median;
  });
}

/**
 * Fresh, throw-away stores for one measurement: a SQLite file in a temporary directory,
 * or a PostgreSQL schema of its own. `url` opens the same store from a worker process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { StoreName } from "./config.js";

export interface BenchStore {
  kind: StoreName;
  /** A Stint database URL (SQLite file or PostgreSQL with `?schema=`). */
  url: string;
  /** SQLite: the temporary directory; PostgreSQL: the schema. */
  place: string;
  /** PostgreSQL: the server's WAL position in bytes (see walPosition); SQLite: null. */
  walPosition(): Promise<number | null>;
  cleanup(): Promise<void>;
}

export async function createBenchStore(kind: StoreName, postgresUrl: string): Promise<BenchStore> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "stint-bench-"));
    return {
      kind,
      url: `sqlite:${join(dir, "stint.db")}`,
      place: dir,
      walPosition: async () => null,
      async cleanup() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = uniqueSchema("stint_bench");
  return {
    kind,
    url: `${postgresUrl}${postgresUrl.includes("?") ? "&" : "?"}schema=${schema}`,
    place: schema,
    walPosition: () => walPosition(postgresUrl),
    cleanup: () => dropSchema(postgresUrl, schema),
  };
}

export function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

export async function withPgClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function dropSchema(url: string, schema: string): Promise<void> {
  return withPgClient(url, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
}

export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL writes out what earlier samples left dirty (CHECKPOINT), so no sample pays
 * for the one before it: a checkpoint that the 100,000-task drains' WAL set off landed in
 * whichever latency sample came next (p99 6 ms in one sample, 52–58 ms in the next two).
 * Both systems' samples start this way. Without the privilege it is skipped.
 */
/**
 * Bytes of WAL the server has written so far (null if it cannot say): two readings around
 * a drain give what the drain wrote per task, the durable work behind the server's CPU.
 * Server-wide, so it is read only while nothing but the measured system writes.
 */
export async function walPosition(url: string): Promise<number | null> {
  return withPgClient(url, async (client) => {
    const { rows } = await client.query<{ bytes: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS bytes");
    return Number(rows[0].bytes);
  }).catch(() => null);
}

/** WAL bytes per task between two walPosition readings (null when either is missing). */
export function walPerTask(before: number | null, after: number | null, tasks: number): number | null {
  return before === null || after === null || tasks <= 0 ? null : (after - before) / tasks;
}

export async function settlePostgres(url: string): Promise<void> {
  await withPgClient(url, (client) => client.query("CHECKPOINT")).catch(() => undefined);
}

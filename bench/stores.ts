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
  /** PostgreSQL: the server's URL (no schema), for the WAL and table statistics readings; SQLite: null. */
  serverUrl: string | null;
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
      serverUrl: null,
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
    serverUrl: postgresUrl,
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

/** The server's current WAL position as an LSN (`0/1A2B3C`), for walByRecordType; null if it cannot say. */
export async function walLsn(url: string): Promise<string | null> {
  return withPgClient(url, async (client) => {
    const { rows } = await client.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
    return rows[0].lsn;
  }).catch(() => null);
}

/** One WAL record type's share of a drain: bytes (record plus full-page images) and records per task. */
export interface WalShare {
  /** pg_walinspect's `resource_manager/record_type`, e.g. `Heap/HOT_UPDATE`, `Btree/INSERT_LEAF`. */
  type: string;
  bytesPerTask: number;
  recordsPerTask: number;
}

/**
 * The WAL between two walLsn readings by record type (pg_walinspect, PostgreSQL 15+), per
 * task, largest first: which writes a task's WAL is made of (docs/benchmarks.md, "Write
 * path: before and after"). Only records on `schema`'s tables and indexes count, so other
 * clients of a shared server do not (commit records name no relation: not counted).
 * Creates the extension when it may (superuser); null when it cannot, so the bench still
 * runs without it.
 */
export async function walByRecordType(url: string, schema: string, start: string | null, end: string | null, tasks: number): Promise<WalShare[] | null> {
  if (start === null || end === null || tasks <= 0) return null;
  return withPgClient(url, async (client) => {
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
    const { rows } = await client.query<{ type: string; bytes: string; records: string }>(
      `WITH rels AS (
         SELECT c.relfilenode FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $3
       )
       SELECT w.resource_manager || '/' || w.record_type AS type, sum(w.record_length + w.fpi_length)::text AS bytes, count(*)::text AS records
       FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn) w
       WHERE substring(w.block_ref from 'rel \\d+/\\d+/(\\d+)')::oid IN (SELECT relfilenode FROM rels)
       GROUP BY 1 ORDER BY sum(w.record_length + w.fpi_length) DESC`,
      [start, end, schema],
    );
    return rows.map((r) => ({ type: r.type, bytesPerTask: Number(r.bytes) / tasks, recordsPerTask: Number(r.records) / tasks }));
  }).catch(() => null);
}

/** A table's updates so far, and how many of them were HOT (no index entry written). */
export interface UpdateCounts {
  updates: number;
  hot: number;
}

/** `pg_stat_user_tables` of `schema.table` (null: not visible). Counters lag a backend's exit by up to a second. */
export async function updateCounts(url: string, schema: string, table: string): Promise<UpdateCounts | null> {
  return withPgClient(url, async (client) => {
    const { rows } = await client.query<{ updates: string; hot: string }>(
      "SELECT n_tup_upd::text AS updates, n_tup_hot_upd::text AS hot FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2",
      [schema, table],
    );
    return rows[0] ? { updates: Number(rows[0].updates), hot: Number(rows[0].hot) } : null;
  }).catch(() => null);
}

/** The share of updates between two readings that were HOT (null: none, or not measured). */
export function hotShare(before: UpdateCounts | null, after: UpdateCounts | null): number | null {
  if (!before || !after || after.updates <= before.updates) return null;
  return (after.hot - before.hot) / (after.updates - before.updates);
}

/** `walByRecordType`'s largest shares as one log line: `Heap/UPDATE 812 B (1.0), …`. */
export function walSharesNote(shares: readonly WalShare[] | null | undefined, top = 8): string {
  if (!shares || shares.length === 0) return "";
  return shares.slice(0, top).map((s) => `${s.type} ${s.bytesPerTask.toFixed(0)} B (${s.recordsPerTask.toFixed(2)})`).join(", ");
}

export async function settlePostgres(url: string): Promise<void> {
  await withPgClient(url, (client) => client.query("CHECKPOINT")).catch(() => undefined);
}

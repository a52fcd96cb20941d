/**
 * The connection pool and the two ways the adapter talks to it: single statements
 * (`query`) and transactions. Every native error leaves through `toStintError`, and no
 * `pg` 'error' event can go unhandled (an unhandled one would crash the process).
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { Errors } from "../../domain/errors.js";
import { isUnavailable, toStintError } from "./errors.js";
import type { ResolvedPostgresOptions } from "./options.js";
import { sqlNames, type SqlNames } from "./names.js";
import { pgTypes } from "./types.js";

/**
 * A fixed statement sent as a named prepared statement: each pooled connection parses
 * and plans it once (then PostgreSQL may keep a generic plan) instead of on every call.
 * Only for text that never varies with the call's parameters: a statement built per call
 * (lists, filters) stays a plain string, or every variant would pile up on the server.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/**
 * A named statement for SQL embedding this adapter's schema. The name must differ per
 * schema (two adapters in one process may share a server session's namespace only by
 * name) and per text; it is a digest because PostgreSQL truncates names at 63 bytes.
 */
export function statement(names: SqlNames, key: string, text: string): Statement {
  const digest = createHash("sha256").update(`${names.schema}\u0000${text}`).digest("hex").slice(0, 24);
  return { name: `stint_${key}_${digest}`, text };
}

export type Sql = string | Statement;

/** Batches up to this size run as the named statement; bigger ones are planned each time. */
const GENERIC_PLAN_MAX_BATCH = 16;

/**
 * A batch statement (driven by `unnest` of array parameters) for a batch of `size`.
 * A named statement soon runs a generic plan, which cannot see the arrays' length and
 * assumes 10 rows: fine for a few items, but for hundreds it picks nested loops that
 * rescan one side per row (seen: a 490-task finish spent 100 of its 107 ms re-running
 * an unnest). Big batches go as unnamed statements, planned with their real sizes; the
 * planning (well under a millisecond) is small beside the batch.
 */
export function forBatch(sql: Statement, size: number): Sql {
  return size <= GENERIC_PLAN_MAX_BATCH ? sql : sql.text;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: Sql, values?: readonly unknown[]): Promise<R[]>;
}

function toConfig(sql: Sql, values: readonly unknown[] | undefined): pg.QueryConfig {
  return typeof sql === "string"
    ? { text: sql, values: values as unknown[] | undefined }
    : { name: sql.name, text: sql.text, values: values as unknown[] | undefined };
}

// SQLSTATEs after which the same statement (or transaction), run again, can succeed: it
// was rolled back whole. A deadlock can happen although every multi-row write locks in id
// order: a statement that locks rows and then updates them queues behind a second one on
// a row that a log append holds FOR KEY SHARE (a tuple-lock queue PostgreSQL reports as a
// deadlock), seen in a stress test of concurrent finishes, renewals and appends.
const RETRY_SQLSTATES = new Set(["40P01", "40001"]); // deadlock_detected, serialization_failure
const RETRY_ATTEMPTS = 5;

function shouldRetry(error: unknown, attempt: number): boolean {
  return attempt + 1 < RETRY_ATTEMPTS && RETRY_SQLSTATES.has((error as { code?: string } | null)?.code ?? "");
}

/** A short randomized pause, so two statements that collided do not collide again. */
function retryPause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, (1 + Math.random()) * 5 * 2 ** attempt));
}

export interface Db extends Queryable {
  readonly names: SqlNames;
  readonly options: ResolvedPostgresOptions;
  /** BEGIN … COMMIT on one pooled connection; ROLLBACK when `fn` throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  readonly closed: boolean;
  close(): Promise<void>;
}

export function createDb(options: ResolvedPostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    // Fail (as StorageUnavailable) instead of waiting forever while the server is down.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // An idle pool must not keep a finished test or script alive.
    allowExitOnIdle: true,
    // A default only: application_name in the URL or PGAPPNAME wins.
    fallback_application_name: "stint",
    types: pgTypes,
  });
  // Idle connections dropped by the server (restart, pg_terminate_backend): the pool
  // discards them; the next query opens a fresh one.
  pool.on("error", (error) => options.onError(toStintError(error)));

  let closed = false;
  let closing: Promise<void> | undefined;

  function ensureOpen(): void {
    if (closed) throw Errors.closed();
  }

  return {
    names: sqlNames(options.schema),
    options,
    get closed() {
      return closed;
    },
    async query<R>(sql: Sql, values?: readonly unknown[]): Promise<R[]> {
      ensureOpen();
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await pool.query(toConfig(sql, values));
          return result.rows as R[];
        } catch (error) {
          if (shouldRetry(error, attempt)) {
            await retryPause(attempt);
            continue;
          }
          throw toStintError(error);
        }
      }
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await runTransaction(fn);
        } catch (error) {
          if (!shouldRetry((error as { cause?: unknown }).cause ?? error, attempt)) throw error;
          await retryPause(attempt);
        }
      }
    },
    close() {
      closed = true;
      closing ??= pool.end().catch((error: Error) => options.onError(toStintError(error)));
      return closing;
    },
  };

  /** BEGIN … COMMIT once; `fn` only queries, so a rolled-back attempt can run again. */
  async function runTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    ensureOpen();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw toStintError(error);
    }
    // While checked out the pool's own listener is detached; keep one so a dropped
    // socket mid-transaction rejects the pending query instead of crashing.
    let broken: Error | undefined;
    const onClientError = (error: Error) => {
      broken = error;
    };
    client.on("error", onClientError);
    const tx: Queryable = {
      async query<R>(sql: Sql, values?: readonly unknown[]): Promise<R[]> {
        const result = await client.query(toConfig(sql, values));
        return result.rows as R[];
      },
    };
    try {
      await client.query("BEGIN");
      const value = await fn(tx);
      await client.query("COMMIT");
      return value;
    } catch (error) {
      if (!broken && !(error instanceof Error && isUnavailable(error))) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      } else {
        broken ??= error as Error;
      }
      throw toStintError(error);
    } finally {
      client.removeListener("error", onClientError);
      // A broken connection is destroyed, not returned to the pool.
      client.release(broken ?? false);
    }
  }
}

/**
 * The stores every storage-touching test runs on. SQLite always (a fresh file per call);
 * PostgreSQL when a server answers at STINT_TEST_DATABASE_URL (default: the local one),
 * each call in a fresh schema. With STINT_REQUIRE_POSTGRES=1 (CI) an unreachable server
 * is a failure instead of a loud skip.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { StorageAdapter } from "../../src/storage/port/index.js";

export const POSTGRES_TEST_URL =
  process.env.STINT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestStore {
  adapter: StorageAdapter;
  /** A URL another process can open the same store with. */
  url: string;
  cleanup(): Promise<void>;
  /** Another adapter on the same store (the contract suite's race cases: `ContractStore.connect`). */
  connect(): Promise<StorageAdapter>;
}

async function connectTo(url: string): Promise<StorageAdapter> {
  const { openStorage } = await import("../../src/config/database.js");
  return openStorage(url);
}

export interface StoreKind {
  name: "sqlite" | "postgres";
  create(): Promise<TestStore>;
}

export const sqliteStore: StoreKind = {
  name: "sqlite",
  async create() {
    const { createSqliteStorage } = await import("../../src/storage/sqlite/index.js");
    const dir = mkdtempSync(join(tmpdir(), "stint-test-"));
    const filename = join(dir, "stint.db");
    const adapter = createSqliteStorage({ filename });
    await adapter.migrate();
    return {
      adapter,
      url: `sqlite:${filename}`,
      connect: () => connectTo(`sqlite:${filename}`),
      async cleanup() {
        await adapter.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresStore: StoreKind = {
  name: "postgres",
  async create() {
    const { createPostgresStorage } = await import("../../src/storage/postgres/index.js");
    const schema = `stint_test_${randomBytes(5).toString("hex")}`;
    const adapter = createPostgresStorage({ connectionString: POSTGRES_TEST_URL, schema });
    await adapter.migrate();
    return {
      adapter,
      url: `${POSTGRES_TEST_URL}${POSTGRES_TEST_URL.includes("?") ? "&" : "?"}schema=${schema}`,
      connect: () => connectTo(`${POSTGRES_TEST_URL}${POSTGRES_TEST_URL.includes("?") ? "&" : "?"}schema=${schema}`),
      async cleanup() {
        await adapter.close();
        await dropSchema(schema);
      },
    };
  },
};

/** Runs `fn` on a plain client of the test server (catalog checks, admin statements), then closes it. */
export async function withAdminClient<T>(fn: (client: import("pg").Client) => Promise<T>): Promise<T> {
  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: POSTGRES_TEST_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await withAdminClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

let postgresReachable: Promise<boolean> | undefined;

/** True when the test PostgreSQL server answers; logs loudly (or throws in CI) when not. */
export function isPostgresReachable(): Promise<boolean> {
  postgresReachable ??= (async () => {
    try {
      const pg = await import("pg");
      const client = new pg.default.Client({ connectionString: POSTGRES_TEST_URL, connectionTimeoutMillis: 3000 });
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      const message = `PostgreSQL is not reachable at ${POSTGRES_TEST_URL} (${(error as Error).message})`;
      if (process.env.STINT_REQUIRE_POSTGRES === "1") throw new Error(`${message}; STINT_REQUIRE_POSTGRES=1 makes this a failure`);
      console.warn(`\n*** SKIPPING PostgreSQL tests: ${message} ***\n`);
      return false;
    }
  })();
  return postgresReachable;
}

/** The store kinds to run on: SQLite, plus PostgreSQL when reachable. */
export async function storeKinds(): Promise<StoreKind[]> {
  const kinds: StoreKind[] = [sqliteStore];
  if (process.env.STINT_TEST_STORES === "sqlite") return kinds;
  if (await isPostgresReachable()) kinds.push(postgresStore);
  return kinds;
}

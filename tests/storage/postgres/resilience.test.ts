import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { isPostgresReachable, POSTGRES_TEST_URL, postgresStore, type TestStore } from "../../helpers/stores.js";
import { createPostgresStorage } from "../../../src/storage/postgres/index.js";
import { isStintError } from "../../../src/domain/errors.js";

const reachable = await isPostgresReachable();

describe("postgres when the server goes away", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  const stores: TestStore[] = [];
  after(() => Promise.all(stores.map((s) => s.cleanup())));

  it("reports an unreachable server as STORAGE_UNAVAILABLE", async () => {
    // Port 1 on localhost: nothing listens, the connection is refused at once.
    const adapter = createPostgresStorage({ connectionString: "postgres://postgres@127.0.0.1:1/test" });
    try {
      await assert.rejects(adapter.ping(), (error) => isStintError(error, "STORAGE_UNAVAILABLE"));
      await assert.rejects(adapter.migrate(), (error) => isStintError(error, "STORAGE_UNAVAILABLE"));
    } finally {
      await adapter.close();
    }
  });

  it("survives its pooled connections being terminated and carries on with new ones", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const errors: Error[] = [];
    // A name of its own, so only this adapter's connections get terminated.
    const appName = `stint_test_${process.pid}_a`;
    const adapter = createPostgresStorage({ connectionString: `${store.url}&application_name=${appName}`, onError: (e) => errors.push(e) });
    try {
      // Fill the pool with a few connections, then have the server kill them all.
      await Promise.all([adapter.ping(), adapter.ping(), adapter.ping()]);
      const admin = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
          [appName],
        );
        assert.ok(rows.length >= 1);
      } finally {
        await admin.end();
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(errors.every((e) => isStintError(e, "STORAGE_UNAVAILABLE")), "dropped idle connections reported as unavailable");
      await adapter.ping();
      assert.equal(await adapter.taskGet({ id: "nothing-here" }), null);
    } finally {
      await adapter.close();
    }
  });

  it("fails a query whose connection dies mid-way with STORAGE_UNAVAILABLE", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const appName = `stint_test_${process.pid}_b`;
    const adapter = createPostgresStorage({ connectionString: `${store.url}&application_name=${appName}`, poolSize: 1 });
    const admin = new pg.Client({ connectionString: POSTGRES_TEST_URL });
    await admin.connect();
    try {
      // Hold a row lock so the adapter's write blocks, then kill its backend.
      const now = Date.now();
      await adapter.taskCreateMany({ tasks: [
        {
          id: "locked", name: "L", definitionId: "someTask", parentId: null, input: {}, maxIterations: 5,
          runAt: now, createdOn: now, createdBy: { id: "u", displayName: "U", type: null }, eventResponse: null,
        },
      ] });
      const schema = new URL(store.url).searchParams.get("schema")!;
      await admin.query("BEGIN");
      await admin.query(`SELECT 1 FROM "${schema}".tasks WHERE id = 'locked' FOR UPDATE`);
      // Settled into a value at once: it may reject while the test still awaits the kill.
      const pending = adapter.taskAbort({ id: "locked", now, message: "stop", workerId: "api" }).then(
        () => null,
        (error: unknown) => error,
      );
      let pid: number | undefined;
      for (let i = 0; i < 100 && pid === undefined; i += 1) {
        const { rows } = await new Promise<pg.QueryResult<{ pid: number }>>((resolve, reject) => {
          const probe = new pg.Client({ connectionString: POSTGRES_TEST_URL });
          probe
            .connect()
            .then(() =>
              probe.query<{ pid: number }>(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
                [appName],
              ),
            )
            .then(resolve, reject)
            .finally(() => probe.end());
        });
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(pid, "the abort is waiting on the lock");
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      const error = await pending;
      assert.ok(isStintError(error, "STORAGE_UNAVAILABLE"), `expected STORAGE_UNAVAILABLE, got ${String(error)}`);
      await admin.query("ROLLBACK");
      // The next call gets a fresh connection and works.
      const result = await adapter.taskAbort({ id: "locked", now, message: "stop", workerId: "api" });
      assert.equal(result.outcome, "aborted");
    } finally {
      await admin.end();
      await adapter.close();
    }
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { dropSchema, isPostgresReachable, POSTGRES_TEST_URL, postgresStore, withAdminClient } from "../../helpers/stores.js";
import { createPostgresStorage } from "../../../src/storage/postgres/index.js";
import { migrations } from "../../../src/storage/postgres/migrations.generated.js";
import pg from "pg";

const childScript = fileURLToPath(new URL("./fixtures/migrate-child.ts", import.meta.url));
const reachable = await isPostgresReachable();

function runChild(url: string, startAt: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", childScript, url, String(startAt)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

function catalog(schema: string) {
  return withAdminClient(async (client) => {
    const tables = await client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
      [schema],
    );
    const indexes = await client.query<{ name: string }>(
      "SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 ORDER BY 1",
      [schema],
    );
    const versions = await client.query<{ version: number }>(`SELECT version FROM "${schema}".stint_migrations ORDER BY 1`);
    return {
      tables: tables.rows.map((r) => r.name),
      indexes: indexes.rows.map((r) => r.name),
      versions: versions.rows.map((r) => r.version),
    };
  });
}

describe("postgres migrations", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  const schemas: string[] = [];
  after(() => Promise.all(schemas.map((s) => dropSchema(s))));

  it("two processes migrating an empty schema at the same moment both succeed", async () => {
    const schema = `stint_test_${randomBytes(5).toString("hex")}`;
    schemas.push(schema);
    const url = `${POSTGRES_TEST_URL}${POSTGRES_TEST_URL.includes("?") ? "&" : "?"}schema=${schema}`;
    // Both children boot tsx first; the agreed start leaves them time to be ready.
    const startAt = Date.now() + 2500;
    const results = await Promise.all([runChild(url, startAt), runChild(url, startAt), runChild(url, startAt)]);
    for (const result of results) {
      assert.equal(result.code, 0, `child failed: ${result.stderr}`);
      assert.equal(result.stdout.trim(), "migrated");
    }
    const found = await catalog(schema);
    assert.deepEqual(found.tables, ["leases", "schedules", "settings", "stint_migrations", "task_log_items", "task_logs", "tasks", "worker_slots", "workers"]);
    assert.deepEqual(found.versions, migrations.map((m) => m.version), "each version recorded once");
    for (const index of ["tasks_claim_idx", "tasks_created_idx", "tasks_parent_idx", "tasks_definition_idx", "tasks_status_idx", "task_logs_task_iteration_key", "task_log_items_log_idx"]) {
      assert.ok(found.indexes.includes(index), `index ${index} exists`);
    }
  });

  it("says which migrations it applied to an empty schema, and none the next time", async () => {
    const schema = `stint_test_${randomBytes(5).toString("hex")}`;
    schemas.push(schema);
    const adapter = createPostgresStorage({ connectionString: POSTGRES_TEST_URL, schema });
    try {
      const latest = migrations.length;
      assert.equal(await adapter.storedVersion(), null, "nothing migrated there yet");
      assert.deepEqual(await adapter.migrate(), { applied: migrations.map(({ version, name }) => ({ version, name })), version: latest });
      assert.deepEqual(await adapter.migrate(), { applied: [], version: latest });
      // A newer Stint migrated it further: the version said is the store's, not this Stint's.
      const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      await client.connect();
      await client.query(`INSERT INTO "${schema}".stint_migrations (version, name) VALUES ($1, 'from a newer Stint')`, [latest + 1]);
      await client.end();
      assert.deepEqual(await adapter.migrate(), { applied: [], version: latest + 1 });
      assert.equal(await adapter.storedVersion(), latest + 1);
    } finally {
      await adapter.close();
    }
  });

  it("migrating an up-to-date schema again changes nothing", async () => {
    const store = await postgresStore.create();
    try {
      const schema = new URL(store.url).searchParams.get("schema")!;
      const before = await catalog(schema);
      await store.adapter.migrate();
      await store.adapter.migrate();
      assert.deepEqual(await catalog(schema), before);
    } finally {
      await store.cleanup();
    }
  });

  it("keeps two schemas in one database apart", async () => {
    const a = await postgresStore.create();
    const b = await postgresStore.create();
    try {
      const now = Date.now();
      await a.adapter.taskCreateMany({ tasks: [
        {
          id: "only-in-a", name: "A", definitionId: "someTask", parentId: null, input: {}, maxIterations: 5,
          runAt: now, createdOn: now, createdBy: { id: "u", displayName: "U", type: null }, eventResponse: null,
        },
      ] });
      assert.ok(await a.adapter.taskGet({ id: "only-in-a" }));
      assert.equal(await b.adapter.taskGet({ id: "only-in-a" }), null);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });
});

describe("postgres schema", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  let schema: string;
  before(async () => {
    schema = `stint_test_${randomBytes(5).toString("hex")}`;
    const adapter = createPostgresStorage({ connectionString: POSTGRES_TEST_URL, schema });
    await adapter.migrate();
    await adapter.close();
  });
  after(() => dropSchema(schema));

  it("has the task row columns of docs/storage.md", async () => {
    const { rows } = await withAdminClient((client) =>
      client.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'tasks' ORDER BY ordinal_position",
        [schema],
      ),
    );
    assert.deepEqual(rows.map((r) => r.column_name), [
      "id", "name", "definition_id", "parent_id", "execution_name", "iterations", "max_iterations", "input",
      "output", "status", "started_on", "finished_on", "event_response", "created_on", "saved_on", "created_by",
      "progress", "run_at", "attempt", "lease_owner", "lease_token", "lease_expires_at", "due_at", "hook_pending",
      "priority", "idempotency_key", "concurrency_key",
      "trace_context", "triggered_input", "rerun_of", "children_wait_token",
    ]);
  });
});

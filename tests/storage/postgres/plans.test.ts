/**
 * PostgreSQL query plans of the worker's batch statements on a table with statistics (as
 * autovacuum leaves it in production): every task row is reached by primary key, never
 * by a scan of the table, and no step compares every row of a batch with every other.
 * Both were found in the benchmark: a 500-task claim hash-joined a sequential scan of
 * all tasks (growing with the table), and a 500-lease renewal compared 250,000 pairs.
 */
import { describe, it, after, before } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { dropSchema, isPostgresReachable, POSTGRES_TEST_URL } from "../../helpers/stores.js";
import { createDb, type Db, type Queryable, type Sql } from "../../../src/storage/postgres/connection.js";
import { resolveOptions } from "../../../src/storage/postgres/options.js";
import { claimOps } from "../../../src/storage/postgres/claim.js";
import { finishOps } from "../../../src/storage/postgres/finish.js";
import { createPostgresStorage } from "../../../src/storage/postgres/index.js";
import type { StorageAdapter, TaskCreateParams } from "../../../src/storage/port/index.js";

const reachable = await isPostgresReachable();
const T0 = 1_800_000_000_000;
const TASKS = 20_000;
const BATCH = 500;

function tasks(count: number): TaskCreateParams[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `p${String(i).padStart(7, "0")}`,
    name: `Task ${i}`,
    definitionId: "def",
    parentId: null,
    input: { i },
    maxIterations: 100,
    runAt: T0 + i,
    createdOn: T0 + i,
    createdBy: { id: "user", displayName: "User", type: null },
    eventResponse: null,
  }));
}

/** Lines of a plan that scan the tasks table, or join rows by id by comparing every pair. */
function badLines(plan: string): string[] {
  return plan.split("\n").filter((line) => /Seq Scan on tasks|Join Filter: .*\bid\b/.test(line));
}

describe("postgres plans of batch statements", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  const schema = `stint_test_${randomBytes(5).toString("hex")}`;
  let adapter: StorageAdapter;
  let db: Db;
  let client: pg.Client;
  /** Plans of the statements sent through `explaining`, in order. */
  const plans: string[] = [];
  let explaining: Db;

  before(async () => {
    adapter = createPostgresStorage({ connectionString: POSTGRES_TEST_URL, schema });
    await adapter.migrate();
    for (let i = 0; i < TASKS; i += 5_000) await adapter.taskCreateMany({ tasks: tasks(TASKS).slice(i, i + 5_000) });
    client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
    await client.connect();
    await client.query(`VACUUM ANALYZE "${schema}".tasks`);
    db = createDb(resolveOptions({ connectionString: POSTGRES_TEST_URL, schema }));
    // Plans each statement (EXPLAIN, not run), then runs it as sent; in a transaction too
    // (a finish that may end a child runs in one, with its parent's wake-up).
    const explain = (q: Queryable): Queryable => ({
      async query<R>(sql: Sql, values?: readonly unknown[]): Promise<R[]> {
        const text = typeof sql === "string" ? sql : sql.text;
        const { rows } = await client.query<{ "QUERY PLAN": string }>({ text: `EXPLAIN ${text}`, values: values as unknown[] });
        plans.push(rows.map((r) => r["QUERY PLAN"]).join("\n"));
        return q.query<R>(sql, values);
      },
    });
    explaining = Object.assign(Object.create(db) as Db, {
      query: explain(db).query,
      transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(explain(tx))),
    });
  });

  after(async () => {
    await db?.close();
    await client?.end();
    await adapter?.close();
    await dropSchema(schema);
  });

  it("claims by primary key: no scan of the table", async () => {
    plans.length = 0;
    const claimed = await claimOps(explaining).claim({
      workerId: "w",
      limit: BATCH,
      now: T0 + TASKS,
      leaseMs: 60_000,
      definitionIds: ["def"],
      handoff: { until: T0 + TASKS + 1_000, slots: 10 },
    });
    assert.equal(claimed.length, BATCH);
    assert.equal(plans.length, 1);
    assert.deepEqual(badLines(plans[0]), [], plans[0]);
  });

  it("returns handed tasks by primary key, not by scanning running tasks", async () => {
    // A slot listing two tasks the first test claimed for "w" (running, token 1, due
    // later): the claim looks them up and returns them as handed.
    await client.query(
      `INSERT INTO "${schema}".worker_slots (worker_id, definition_ids, free, lease_ms, expires_at, handed)
       VALUES ('w', '{def}', 10, 60000, $1, ARRAY['p0000001', 'p0000002'])
       ON CONFLICT (worker_id) DO UPDATE SET handed = EXCLUDED.handed`,
      [new Date(T0 + TASKS + 1_000)],
    );
    plans.length = 0;
    const claimed = await claimOps(explaining).claim({ workerId: "w", limit: 1, now: T0 + TASKS, leaseMs: 60_000, definitionIds: ["def"], handoff: { until: T0 + TASKS + 1_000, slots: 10 } });
    assert.deepEqual(claimed.filter((c) => c.handed).map((c) => c.task.id).sort(), ["p0000001", "p0000002"]);
    assert.deepEqual(badLines(plans[0]), [], plans[0]);
  });

  it("renews a batch of leases without comparing every lease with every renewed row", async () => {
    const claimed = await adapter.taskClaim({ workerId: "r", limit: BATCH, now: T0 + TASKS, leaseMs: 60_000, definitionIds: ["def"] });
    assert.equal(claimed.length, BATCH);
    plans.length = 0;
    const result = await claimOps(explaining).renew({
      workerId: "r",
      leases: claimed.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken })),
      now: T0 + TASKS + 10,
      leaseMs: 60_000,
    });
    assert.equal([...result.states.values()].filter((s) => s === "held").length, BATCH);
    assert.deepEqual(badLines(plans[0]), [], plans[0]);
  });

  it("finishes, hands back and confirms hooks of a batch by primary key", async () => {
    const claimed = await adapter.taskClaim({ workerId: "f", limit: 3 * BATCH, now: T0 + TASKS, leaseMs: 60_000, definitionIds: ["def"] });
    assert.equal(claimed.length, 3 * BATCH);
    const [finishing, releasing, hooked] = [claimed.slice(0, BATCH), claimed.slice(BATCH, 2 * BATCH), claimed.slice(2 * BATCH)];
    const now = T0 + TASKS + 10;
    const log = (id: string) => ({ taskId: id, iteration: 1, executionName: "f", now, items: [{ message: "Task done.", type: "info" as const, createdOn: new Date(now) }] });
    plans.length = 0;
    const finished = await finishOps(explaining).finishMany([
      ...finishing.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken, now, status: "success" as const, log: log(c.task.id) })),
      ...hooked.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken, now, status: "success" as const, hookLeaseMs: 60_000 })),
    ]);
    assert.equal(finished.filter((r) => r.applied).length, 2 * BATCH);
    await claimOps(explaining).release({ leases: releasing.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken })), now });
    await claimOps(explaining).hooksDone(hooked.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken })));
    assert.equal(plans.length, 3);
    for (const plan of plans) assert.deepEqual(badLines(plan), [], plan);
  });
});

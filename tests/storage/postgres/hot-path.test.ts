/**
 * PostgreSQL hot path: one-statement finish batches (continue in place, fenced-out items,
 * logs always), named prepared statements (per schema; never for per-call SQL), the
 * totalCount estimate rule and ANALYZE after a large create.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { dropSchema, isPostgresReachable, POSTGRES_TEST_URL, withAdminClient as admin } from "../../helpers/stores.js";
import { createPostgresStorage } from "../../../src/storage/postgres/index.js";
import { createDb, statement } from "../../../src/storage/postgres/connection.js";
import { sqlNames } from "../../../src/storage/postgres/names.js";
import { resolveOptions } from "../../../src/storage/postgres/options.js";
import { taskOps } from "../../../src/storage/postgres/tasks.js";
import { handoffOps } from "../../../src/storage/postgres/handoff.js";
import { migrate } from "../../../src/storage/postgres/migrate.js";
import type { StorageAdapter, TaskCreateParams } from "../../../src/storage/port/index.js";

const reachable = await isPostgresReachable();
const T0 = 1_800_000_000_000;

function params(count: number, prefix: string, definitionId = "def"): TaskCreateParams[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${String(i).padStart(6, "0")}`,
    name: `Task ${i}`,
    definitionId,
    parentId: null,
    input: { i },
    maxIterations: 100,
    runAt: T0,
    createdOn: T0 + i,
    createdBy: { id: "user", displayName: "User", type: null },
    eventResponse: null,
  }));
}


describe("postgres hot path", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  const schemas: string[] = [];
  const adapters: StorageAdapter[] = [];
  after(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    await Promise.all(schemas.map(dropSchema));
  });

  async function open(options: { countEstimateThreshold?: number } = {}) {
    const schema = `stint_test_${randomBytes(5).toString("hex")}`;
    schemas.push(schema);
    const adapter = createPostgresStorage({ connectionString: POSTGRES_TEST_URL, schema, ...options });
    adapters.push(adapter);
    await adapter.migrate();
    return { adapter, schema };
  }

  it("finishes a mixed batch in one statement: in place, plain, fenced out; logs for every item", async () => {
    const { adapter } = await open();
    await adapter.taskCreateMany({ tasks: params(3, "m") });
    const claims = await adapter.taskClaim({ workerId: "w", limit: 3, now: T0, leaseMs: 1_000, definitionIds: ["def"] });
    assert.equal(claims.length, 3);
    const [a, b, c] = claims.sort((x, y) => (x.task.id < y.task.id ? -1 : 1));
    const log = (id: string) => ({ taskId: id, iteration: 1, executionName: "w", now: T0 + 10, items: [{ message: `log ${id}`, type: "info" as const, createdOn: new Date(T0 + 10) }] });
    const results = await adapter.taskFinishMany({ finishes: [
      { id: a.task.id, leaseToken: a.leaseToken, now: T0 + 10, status: "running", input: { step: 2 }, keepClaim: { leaseMs: 5_000 }, log: log(a.task.id) },
      { id: b.task.id, leaseToken: b.leaseToken, now: T0 + 10, status: "success", output: { ok: true }, log: log(b.task.id) },
      { id: c.task.id, leaseToken: c.leaseToken + 7, now: T0 + 10, status: "failed", log: log(c.task.id) },
      { id: "missing", leaseToken: 1, now: T0 + 10, status: "success" },
    ] });
    assert.deepEqual(results.map((r) => [r.id, r.applied]), [[a.task.id, true], [b.task.id, true], [c.task.id, false], ["missing", false]]);
    assert.equal(results[0].leaseToken, a.leaseToken + 1);
    assert.equal(results[0].leaseExpiresAt, T0 + 10 + 5_000);
    assert.equal(results[0].task?.iterations, 2);
    assert.deepEqual(results[0].task?.input, { step: 2 });
    assert.equal(results[1].leaseToken, undefined, "no new fence without keepClaim");
    assert.equal(results[1].task?.taskStatus, "success");
    assert.equal(results[2].task?.taskStatus, "running", "fenced out: the task as it stands");
    assert.equal(results[3].task, null);
    const logs = await adapter.logList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 10 });
    assert.deepEqual(logs.items.map((l) => l.items.map((i) => i.message)).flat().sort(), [`log ${a.task.id}`, `log ${b.task.id}`, `log ${c.task.id}`].sort());
    // The in-place claim holds: renewals with the new token succeed, the old one is lost.
    const renewed = await adapter.taskRenewLeases({ workerId: "w", leases: [{ id: a.task.id, leaseToken: results[0].leaseToken! }, { id: c.task.id, leaseToken: c.leaseToken + 7 }], now: T0 + 20, leaseMs: 1_000 });
    assert.equal(renewed.states.get(a.task.id), "held");
    assert.equal(renewed.states.get(c.task.id), "lost");
  });

  it("keeps prepared statements of two schemas apart in one process", async () => {
    const one = await open();
    const two = await open();
    for (const round of [0, 1, 2, 3, 4, 5, 6]) {
      await one.adapter.taskCreateMany({ tasks: params(2, `a${round}_`, "alpha") });
      await two.adapter.taskCreateMany({ tasks: params(1, `b${round}_`, "beta") });
      const fromOne = await one.adapter.taskClaim({ workerId: "w", limit: 10, now: T0, leaseMs: 1_000, definitionIds: ["alpha", "beta"] });
      const fromTwo = await two.adapter.taskClaim({ workerId: "w", limit: 10, now: T0, leaseMs: 1_000, definitionIds: ["alpha", "beta"] });
      assert.equal(fromOne.length, 2);
      assert.equal(fromTwo.length, 1);
      assert.ok(fromOne.every((c) => c.task.definitionId === "alpha"));
      assert.ok(fromTwo.every((c) => c.task.definitionId === "beta"));
      const done = await two.adapter.taskFinishMany({ finishes: fromTwo.map((c) => ({ id: c.task.id, leaseToken: c.leaseToken, now: T0, status: "success" as const })) });
      assert.ok(done.every((r) => r.applied));
    }
    assert.equal(await two.adapter.taskNextDueAt({ definitionIds: ["beta"] }), null);
    assert.equal(await one.adapter.taskNextDueAt({ definitionIds: ["alpha"] }), T0 + 1_000);
    const names = [sqlNames(one.schema), sqlNames(two.schema)].map((n) => statement(n, "claim", "SELECT 1").name);
    assert.notEqual(names[0], names[1]);
    assert.ok(names.every((n) => Buffer.byteLength(n) <= 63), "names fit PostgreSQL's 63-byte identifiers");
  });

  it("names only fixed statements: list SQL built per call stays unnamed", async () => {
    const schema = `stint_test_${randomBytes(5).toString("hex")}`;
    schemas.push(schema);
    // One connection, so pg_prepared_statements shows everything this pool prepared.
    const db = createDb(resolveOptions({ connectionString: POSTGRES_TEST_URL, schema, poolSize: 1 }));
    try {
      await migrate(db);
      const tasks = taskOps(db, handoffOps(db));
      await tasks.createMany(params(5, "n"));
      await tasks.get("n000000");
      for (const value of ["a", "b", "c"]) {
        await tasks.list({ filters: [{ field: "name", op: "contains", value }], sort: [{ field: "id", direction: "asc" }], limit: 2 });
        await tasks.list({ filters: [{ field: "iterations", op: "in", value: [1, 2] }], search: value, sort: [{ field: "id", direction: "desc" }], limit: 2 });
      }
      await tasks.list({ filters: [], sort: [{ field: "createdOn", direction: "desc" }, { field: "id", direction: "desc" }], limit: 2 });
      const rows = await db.query<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements");
      assert.ok(rows.length > 0, "the fixed statements are prepared");
      for (const row of rows) {
        assert.match(row.name, /^stint_[a-z_]+_[0-9a-f]{24}$/);
        assert.doesNotMatch(row.statement, /ILIKE|count\(\*\)|ORDER BY name|LIMIT 3/, `per-call SQL must not be named: ${row.statement}`);
      }
    } finally {
      await db.close();
    }
  });

  it("reports the planner's estimate as totalCount of unfiltered lists above the threshold", async () => {
    const { adapter, schema } = await open({ countEstimateThreshold: 10 });
    const list = (filters: Parameters<StorageAdapter["taskList"]>[0]["filters"] = []) =>
      adapter.taskList({ filters, sort: [{ field: "createdOn", direction: "desc" }, { field: "id", direction: "desc" }], limit: 5 });
    await adapter.taskCreateMany({ tasks: params(30, "e") });
    assert.equal((await list()).totalCount, 30, "no statistics yet: exact");
    await admin((c) => c.query(`ANALYZE "${schema}".tasks`));
    await adapter.taskCreateMany({ tasks: params(5, "f") });
    // Statistics say 30 rows on the table's pages; the 5 new rows fit the same page.
    assert.equal((await list()).totalCount, 30, "estimate (reltuples / relpages × pages)");
    assert.equal((await list([{ field: "definitionId", op: "eq", value: "def" }])).totalCount, 35, "filtered: exact");
    assert.equal((await adapter.taskList({ filters: [], search: "Task", sort: [{ field: "id", direction: "asc" }], limit: 5 })).totalCount, 35, "searched: exact");

    const exact = await open({ countEstimateThreshold: Infinity });
    await exact.adapter.taskCreateMany({ tasks: params(30, "x") });
    await admin((c) => c.query(`ANALYZE "${exact.schema}".tasks`));
    await exact.adapter.taskCreateMany({ tasks: params(5, "y") });
    const page = await exact.adapter.taskList({ filters: [], sort: [{ field: "id", direction: "asc" }], limit: 5 });
    assert.equal(page.totalCount, 35);
    assert.throws(() => createPostgresStorage({ connectionString: POSTGRES_TEST_URL, countEstimateThreshold: -1 }), /countEstimateThreshold/);
  });

  it("analyzes the tasks table after a large create when its statistics trail", async () => {
    const { adapter, schema } = await open();
    const reltuples = () => admin(async (c) => Number((await c.query(`SELECT reltuples FROM pg_class WHERE oid = '"${schema}".tasks'::regclass`)).rows[0].reltuples));
    await adapter.taskCreateMany({ tasks: params(10, "s") });
    assert.ok((await reltuples()) < 10, "small batches leave the statistics alone");
    await adapter.taskCreateMany({ tasks: params(1_000, "l") });
    assert.equal(await reltuples(), 1_010);
  });
});

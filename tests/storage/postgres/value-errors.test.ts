/**
 * PostgreSQL-only: what its errors may quote. A jsonb value holding a lone surrogate or a
 * NUL (the runner replaces both; the port passes them through) is refused with
 * STORAGE_VALUE_REFUSED, and no mapped error carries task data: PostgreSQL quotes values
 * in `detail` ("Failing row contains (...)", "Key (id)=(...)"), in `where` ("unnamed portal
 * parameter $1 = '...'") and in some messages ('invalid input syntax for type integer: "..."').
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { isPostgresReachable, postgresStore, withAdminClient, type TestStore } from "../../helpers/stores.js";
import { isStintError } from "../../../src/domain/errors.js";
import { toStintError } from "../../../src/storage/postgres/errors.js";
import type { TaskCreateParams } from "../../../src/storage/port/index.js";

const reachable = await isPostgresReachable();
const SECRET = "s3cret-task-data";
const HIGH = "😀".slice(0, 1);

/** Everything a log line or an API answer could print of an error. */
function printed(error: unknown): string {
  const e = error as Record<string, unknown> & Error;
  return [e.message, String(e), JSON.stringify(e), JSON.stringify(Object.entries(e)), String(e.cause ?? ""), JSON.stringify(e.cause ?? null)].join(" ");
}

async function serverError(sql: string, values: unknown[] = []): Promise<unknown> {
  return withAdminClient(async (client) => {
    try {
      await client.query(sql, values);
    } catch (error) {
      return error;
    }
    throw new Error(`expected ${sql} to fail`);
  });
}

describe("postgres value errors", { skip: !reachable && "PostgreSQL not reachable" }, () => {
  const stores: TestStore[] = [];
  after(() => Promise.all(stores.map((s) => s.cleanup())));

  it("refuses a lone surrogate or a NUL in a finish's JSON as STORAGE_VALUE_REFUSED, quoting none of it", async () => {
    const store = await postgresStore.create();
    stores.push(store);
    const now = Date.now();
    const params: TaskCreateParams[] = ["a", "b", "c"].map((name, i) => ({
      id: `t${i}`, name, definitionId: "d", parentId: null, input: {}, maxIterations: 5, runAt: now, createdOn: now,
      createdBy: { id: "u", displayName: "U", type: null }, eventResponse: null,
    }));
    await store.adapter.taskCreateMany({ tasks: params });
    const held = await store.adapter.taskClaim({ workerId: "w", limit: 3, now, leaseMs: 60_000, definitionIds: ["d"] });
    const finish = (i: number, output: unknown) => ({ id: held[i]!.task.id, leaseToken: held[i]!.leaseToken, now: now + 1, status: "success" as const, output: output as never });
    for (const [bad, sqlstate] of [[`${SECRET}${HIGH}`, "22P02"], [`${SECRET}\u0000`, "22P05"]] as const) {
      for (const batch of [[finish(0, { ok: 1 }), finish(1, { bad }), finish(2, { ok: 2 })], [finish(1, { bad })]]) {
        await assert.rejects(store.adapter.taskFinishMany({ finishes: batch }), (error: unknown) => {
          assert.ok(isStintError(error, "STORAGE_VALUE_REFUSED"), String(error));
          assert.match(error.message, new RegExp(`SQLSTATE ${sqlstate}`));
          assert.doesNotMatch(printed(error), new RegExp(SECRET));
          return true;
        });
      }
    }
    assert.deepEqual((await store.adapter.taskGetMany({ ids: held.map((h) => h.task.id) })).map((t) => t.taskStatus), ["running", "running", "running"]);
  });

  it("maps server errors without their detail, where or quoted values", async () => {
    const cases = [
      // class 22: the message itself quotes the value
      await serverError("SELECT $1::int", [SECRET]),
      await serverError("SELECT $1::jsonb", [JSON.stringify({ s: `${SECRET}${HIGH}` })]),
      // other classes: detail quotes the row or the key
      await serverError(`WITH t AS (SELECT 1) SELECT 1/0 FROM (VALUES ($1::text)) v(x) WHERE x = '${SECRET}'`, [SECRET]),
      await serverError(`CREATE TEMP TABLE u (id text PRIMARY KEY); INSERT INTO u VALUES ('${SECRET}'), ('${SECRET}')`),
      await serverError(`CREATE TEMP TABLE c (v text CHECK (v <> '${SECRET}x')); INSERT INTO c VALUES ('${SECRET}x')`),
    ];
    const raw = cases.map((error) => printed(error) + String((error as { detail?: string }).detail) + String((error as { where?: string }).where));
    assert.ok(raw.filter((text) => text.includes(SECRET)).length >= 3, "the raw errors do quote the data (the test can fail)");
    for (const error of cases) {
      const mapped = toStintError(error);
      const text = printed(mapped);
      assert.doesNotMatch(text, new RegExp(SECRET), text);
      for (const field of ["detail", "where", "hint", "internalQuery"]) assert.equal((mapped as unknown as Record<string, unknown>)[field], undefined, field);
      assert.equal(typeof (mapped as { code?: unknown }).code, "string", "the code stays (retries and callers read it)");
    }
    assert.ok(isStintError(toStintError(cases[0]), "STORAGE_VALUE_REFUSED"));
    assert.equal((toStintError(cases[3]) as { code?: string }).code, "23505");
    assert.match(toStintError(cases[3]).message, /duplicate key value violates unique constraint/);
  });
});

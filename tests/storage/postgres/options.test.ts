import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { dropSchema, isPostgresReachable, POSTGRES_TEST_URL, withAdminClient } from "../../helpers/stores.js";
import { createPostgresStorage, parsePostgresUrl } from "../../../src/storage/postgres/index.js";
import { isStintError } from "../../../src/domain/errors.js";

const reachable = await isPostgresReachable();

async function schemaExists(schema: string): Promise<boolean> {
  const { rows } = await withAdminClient((client) => client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]));
  return rows.length === 1;
}

function withSchemaParam(url: string, schema: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}schema=${schema}`;
}

describe("postgres options", () => {
  it("splits ?schema= off the URL and keeps the other parameters", () => {
    assert.deepEqual(parsePostgresUrl("postgres://u:p%40ss@db.local:6543/app?schema=jobs&sslmode=require"), {
      connectionString: "postgres://u:p%40ss@db.local:6543/app?sslmode=require",
      schema: "jobs",
    });
    assert.deepEqual(parsePostgresUrl("postgresql://db/app"), { connectionString: "postgresql://db/app", schema: undefined });
  });

  it("refuses schema names that are not plain identifiers", () => {
    for (const bad of ['x"; DROP TABLE tasks; --', "1abc", "has space", "dash-ed", "", "a".repeat(58)]) {
      assert.throws(
        () => createPostgresStorage({ connectionString: POSTGRES_TEST_URL, schema: bad }),
        (error) => isStintError(error, "INVALID_ARGUMENT") && /schema/.test((error as Error).message),
        `refused ${JSON.stringify(bad)}`,
      );
    }
    assert.throws(
      () => createPostgresStorage({ connectionString: `${POSTGRES_TEST_URL}?schema=bad-name` }),
      (error) => isStintError(error, "INVALID_ARGUMENT"),
    );
  });

  it("refuses URLs that are not postgres:// ones", () => {
    for (const bad of ["sqlite:./x.db", "not a url", "mysql://db/app"]) {
      assert.throws(() => createPostgresStorage({ connectionString: bad }), (error) => isStintError(error, "INVALID_DATABASE_URL"));
    }
  });

  it("refuses a pool size below one", () => {
    assert.throws(
      () => createPostgresStorage({ connectionString: POSTGRES_TEST_URL, poolSize: 0 }),
      (error) => isStintError(error, "INVALID_ARGUMENT"),
    );
  });

  describe("against the server", { skip: !reachable && "PostgreSQL not reachable" }, () => {
    const schemas: string[] = [];
    after(() => Promise.all(schemas.map((s) => dropSchema(s))));

    it("migrates into the schema given by the option", async () => {
      const schema = `stint_test_${randomBytes(5).toString("hex")}`;
      schemas.push(schema);
      const adapter = createPostgresStorage({ connectionString: POSTGRES_TEST_URL, schema });
      await adapter.migrate();
      await adapter.close();
      assert.ok(await schemaExists(schema));
    });

    it("migrates into the schema given by ?schema= in the URL", async () => {
      const schema = `stint_test_${randomBytes(5).toString("hex")}`;
      schemas.push(schema);
      const adapter = createPostgresStorage({ connectionString: withSchemaParam(POSTGRES_TEST_URL, schema) });
      await adapter.migrate();
      await adapter.ping();
      await adapter.close();
      assert.ok(await schemaExists(schema));
    });

    it("prefers the option over the URL parameter", async () => {
      const fromOption = `stint_test_${randomBytes(5).toString("hex")}`;
      const fromUrl = `stint_test_${randomBytes(5).toString("hex")}`;
      schemas.push(fromOption, fromUrl);
      const adapter = createPostgresStorage({ connectionString: withSchemaParam(POSTGRES_TEST_URL, fromUrl), schema: fromOption });
      await adapter.migrate();
      await adapter.close();
      assert.ok(await schemaExists(fromOption));
      assert.equal(await schemaExists(fromUrl), false);
    });

    it("answers every call after close with STINT_CLOSED", async () => {
      const adapter = createPostgresStorage({ connectionString: POSTGRES_TEST_URL, schema: "stint_test_closed" });
      await adapter.close();
      await adapter.close();
      await assert.rejects(adapter.ping(), (error) => isStintError(error, "STINT_CLOSED"));
      await assert.rejects(adapter.taskGet({ id: "x" }), (error) => isStintError(error, "STINT_CLOSED"));
    });
  });
});

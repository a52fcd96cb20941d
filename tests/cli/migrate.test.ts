/** `stint migrate` says what it did: the migrations it applied, or that the store was current. */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrations } from "../../src/storage/sqlite/migrations.generated.js";
import { runCli } from "./helpers.js";

describe("stint migrate", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-migrate-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const latest = migrations.length;

  it("names the migrations it applied to a new store, then says the store is up to date", async () => {
    const database = `sqlite:${join(dir, "text.db")}`;
    const first = await runCli(["migrate", "--database", database]);
    assert.equal(first.code, 0, first.stderr);
    const list = migrations.map((m) => `${m.version} ${m.name}`).join(", ");
    assert.equal(first.stdout, `Applied ${latest} migrations to ${database} (${list}); it is at version ${latest}.\n`);
    const second = await runCli(["migrate", "--database", database]);
    assert.equal(second.stdout, `Store ${database} is up to date (version ${latest}).\n`);
  });

  it("--json lists the applied migrations and the version", async () => {
    const database = `sqlite:${join(dir, "json.db")}`;
    const first = JSON.parse((await runCli(["migrate", "--database", database, "--json"])).stdout);
    assert.deepEqual(first, { database, applied: migrations.map(({ version, name }) => ({ version, name })), version: latest });
    const second = JSON.parse((await runCli(["migrate", "--database", database, "--json"])).stdout);
    assert.deepEqual(second, { database, applied: [], version: latest });
  });
});

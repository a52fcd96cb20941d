/**
 * What the SQLite adapter makes and accepts at its path: a new store is private (folder
 * 0700, file 0600, and SQLite's -wal and -shm follow the file), an empty file or an empty
 * database becomes a store, and anything else is refused unchanged (tests/cli/creates-nothing
 * covers the refusals through every command).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createSqliteStorage } from "../../../src/storage/sqlite/index.js";
import { isStintError } from "../../../src/domain/errors.js";

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("the SQLite store's file", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-store-file-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is created 0600 in folders created 0700, and its -wal and -shm files are 0600 too", async () => {
    const filename = join(dir, ".stint", "nested", "stint.db");
    const storage = createSqliteStorage({ filename });
    try {
      await storage.migrate();
      assert.equal(mode(join(dir, ".stint")), "700");
      assert.equal(mode(join(dir, ".stint", "nested")), "700");
      assert.deepEqual(readdirSync(join(dir, ".stint", "nested")).sort(), ["stint.db", "stint.db-shm", "stint.db-wal"]);
      for (const name of ["stint.db", "stint.db-shm", "stint.db-wal"]) assert.equal(mode(join(dir, ".stint", "nested", name)), "600", name);
    } finally {
      await storage.close();
    }
  });

  it("leaves the mode of a folder and a file that already exist as they are", async () => {
    const folder = join(dir, "shared");
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    const filename = join(folder, "stint.db");
    writeFileSync(filename, "");
    chmodSync(filename, 0o640);
    const storage = createSqliteStorage({ filename });
    try {
      await storage.migrate();
      assert.equal(mode(folder), "755");
      assert.equal(mode(filename), "640");
    } finally {
      await storage.close();
    }
  });

  it("takes an empty database (no tables) as a new store", async () => {
    const filename = join(dir, "empty.db");
    const empty = new Database(filename);
    empty.pragma("user_version = 1"); // a header, no tables
    empty.close();
    const storage = createSqliteStorage({ filename });
    try {
      await storage.migrate();
      assert.equal(await storage.storedVersion(), (await storage.migrate()).version);
    } finally {
      await storage.close();
    }
  });

  it("refuses another application's database with STORE_NOT_FOUND and a reason, whether it may create or must find a store", () => {
    const filename = join(dir, "app.db");
    const app = new Database(filename);
    app.exec("CREATE TABLE users (id INTEGER PRIMARY KEY)");
    app.close();
    for (const fileMustExist of [false, true]) {
      assert.throws(
        () => createSqliteStorage({ filename, fileMustExist }),
        (error: unknown) => isStintError(error, "STORE_NOT_FOUND") && error.data?.reason === "a SQLite database without Stint's tables",
      );
    }
    assert.equal(new Database(filename, { readonly: true }).pragma("journal_mode", { simple: true }), "delete", "not switched to WAL");
  });
});

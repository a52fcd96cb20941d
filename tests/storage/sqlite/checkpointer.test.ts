/** WAL checkpoints on their own thread (src/storage/sqlite/checkpointer.ts). */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createSqliteStorage } from "../../../src/storage/sqlite/index.js";
import { BACKSTOP_PAGES } from "../../../src/storage/sqlite/checkpointer.js";
import { taskParams, T0 } from "../../../src/testing/contract/fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SQLite WAL checkpoints", () => {
  it("are taken off the main connection: its automatic checkpoint is only a backstop", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stint-ckpt-"));
    const filename = join(dir, "stint.db");
    const adapter = createSqliteStorage({ filename });
    try {
      await adapter.migrate();
      assert.ok(BACKSTOP_PAGES > 1000, "the backstop sits above SQLite's default of 1,000 pages");

      // Over 1,000 pages of WAL (the default auto-checkpoint), under the backstop. Only a
      // checkpoint moves pages into the database file, so its size tells whether one ran
      // (read without touching the WAL: a checkpoint from here would do it itself).
      const before = statSync(filename).size;
      for (let batch = 0; batch < 6; batch++) {
        await adapter.taskCreateMany({ tasks: Array.from({ length: 1000 }, (_, i) => taskParams({ createdOn: T0 + batch * 1000 + i, input: { pad: "x".repeat(1000) } })) });
      }
      let grownBy = 0;
      for (let i = 0; i < 50 && grownBy < 5_000_000; i++) {
        await sleep(100);
        grownBy = statSync(filename).size - before;
      }
      assert.ok(grownBy >= 5_000_000, `the pages reached the database file (it grew by ${grownBy} bytes)`);
    } finally {
      await adapter.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops with close() (twice is fine), leaving every page in the database file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stint-ckpt-"));
    const filename = join(dir, "stint.db");
    const adapter = createSqliteStorage({ filename });
    await adapter.migrate();
    await adapter.taskCreateMany({ tasks: Array.from({ length: 500 }, (_, i) => taskParams({ createdOn: T0 + i })) });
    await adapter.close();
    await adapter.close(); // twice is fine
    // Everything is in the database file: a fresh connection that checkpoints finds
    // nothing left to copy.
    const probe = new Database(filename, { fileMustExist: true });
    const [row] = probe.pragma("wal_checkpoint(PASSIVE)") as { log: number; checkpointed: number }[];
    probe.close();
    assert.equal(row.log, row.checkpointed);
    rmSync(dir, { recursive: true, force: true });
  });
});

/**
 * Several processes on one SQLite file (the chaos-test setup): claims and migrations are
 * IMMEDIATE transactions, so each row goes to one process and each version applies once.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createSqliteStorage } from "../../../src/storage/sqlite/index.js";
import { taskParams } from "../../../src/testing/contract/fixtures.js";

const fixture = join(import.meta.dirname, "claimer.fixture.ts");

/**
 * Starts one fixture process per worker id, waits until all are ready, lets them go at
 * once (they wait for `<file>.go`), and resolves with every line they printed after "ready".
 */
async function runTogether(filename: string, workerIds: string[], mode: "claim" | "migrate"): Promise<Record<string, unknown>[]> {
  let ready = 0;
  let go: () => void;
  const allReady = new Promise<void>((resolve) => (go = resolve));
  const runs = workerIds.map(
    (workerId) =>
      new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", fixture, filename, workerId, mode], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let counted = false;
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (!counted && stdout.includes("\n")) {
            counted = true;
            if (++ready === workerIds.length) go();
          }
        });
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("exit", (code) => {
          if (code !== 0) return reject(new Error(`${workerId} exited ${code}: ${stderr}`));
          const lines = stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
          resolve(lines.filter((line) => !line.ready));
        });
      }),
  );
  await allReady;
  writeFileSync(`${filename}.go`, "");
  return (await Promise.all(runs)).flat();
}

describe("SQLite shared by several processes", () => {
  it("hands each due task to exactly one of three claiming processes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stint-mp-"));
    try {
      const filename = join(dir, "stint.db");
      const adapter = createSqliteStorage({ filename });
      await adapter.migrate();
      const created = await adapter.taskCreateMany({ tasks: Array.from({ length: 600 }, () => taskParams({ runAt: 0, createdOn: 0 })) });
      await adapter.close();

      const claims = (await runTogether(filename, ["p1", "p2", "p3"], "claim")) as { id: string; workerId: string }[];
      const ids = claims.map((c) => c.id);
      assert.equal(new Set(ids).size, ids.length, "a task was claimed by two processes");
      assert.deepEqual([...ids].sort(), created.map((t) => t.id).sort());
      const perProcess = new Set(claims.map((c) => c.workerId));
      assert.ok(perProcess.size >= 2, `expected the processes to share the work, got ${[...perProcess]}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies each migration once when processes migrate a new file at the same time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stint-mp-"));
    try {
      const filename = join(dir, "nested", "stint.db");
      mkdirSync(join(dir, "nested"));
      assert.equal((await runTogether(filename, ["p1", "p2", "p3", "p4"], "migrate")).length, 4);
      const db = new Database(filename, { readonly: true });
      try {
        const versions = db.prepare("SELECT version FROM stint_migrations ORDER BY version").all() as { version: number }[];
        const { migrations } = await import("../../../src/storage/sqlite/migrations.generated.js");
        assert.deepEqual(versions.map((v) => v.version), migrations.map((m) => m.version));
        assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The SQLite abort watch (storage/sqlite/abort-watch.ts): a worker's connection learns of
 * an abort another connection (another process) committed, without a lease renewal, and
 * only for the tasks it holds under an older token.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { sqliteStore, type TestStore } from "../../helpers/stores.js";
import { waitFor } from "../../helpers/stint.js";
import { createSqliteStorage } from "../../../src/storage/sqlite/index.js";
import { parseDatabaseUrl } from "../../../src/config/database.js";
import type { StorageAdapter } from "../../../src/storage/port/index.js";
import { claimOne, createTask, T0 } from "../../../src/testing/contract/fixtures.js";

describe("SQLite abort watch", () => {
  const opened: { store: TestStore; other: StorageAdapter }[] = [];
  after(async () => {
    for (const { store, other } of opened) {
      await other.close();
      await store.cleanup();
    }
  });

  async function twoConnections() {
    const store = await sqliteStore.create();
    const target = parseDatabaseUrl(store.url);
    const other = createSqliteStorage({ filename: target.kind === "sqlite" ? target.filename : "" });
    opened.push({ store, other });
    return { worker: store.adapter, other };
  }

  it("reports a held task another connection aborted, and not one held under the abort's own token", async () => {
    const { worker, other } = await twoConnections();
    const a = await createTask(worker, { name: "a", runAt: T0 });
    const b = await createTask(worker, { name: "b", runAt: T0 + 1 });
    const heldA = await claimOne(worker, { now: T0 });
    const heldB = await claimOne(worker, { now: T0 + 1 });
    assert.deepEqual([heldA.task.id, heldB.task.id], [a.id, b.id]);
    // b is held under the token its abort gave it (as its onAbort hook claim would be):
    // that abort is not news to its holder.
    const bAbort = await other.taskAbort({ id: b.id, now: T0 + 2, message: "Stop.", workerId: "api" });
    assert.equal(bAbort.outcome, "aborted");
    const leases = [
      { id: a.id, leaseToken: heldA.leaseToken },
      { id: b.id, leaseToken: bAbort.outcome === "aborted" ? bAbort.leaseToken : -1 },
    ];
    const aborted: string[] = [];
    const watch = worker.watchAborts!({ held: () => leases, onAborted: (id) => aborted.push(id) });
    try {
      watch.active(true);
      await other.taskAbort({ id: a.id, now: T0 + 3, message: "Stop.", workerId: "api" });
      // The lookup that finds a runs after both aborts committed, and looks at b too.
      await waitFor(() => aborted, (ids) => ids.length > 0);
      assert.deepEqual(aborted, [a.id]);
    } finally {
      watch.stop();
    }
  });

  it("is not offered for an in-memory store (its only connection is the worker's own)", () => {
    const memory = createSqliteStorage({ filename: ":memory:" });
    assert.equal(memory.watchAborts, undefined);
    return memory.close();
  });
});

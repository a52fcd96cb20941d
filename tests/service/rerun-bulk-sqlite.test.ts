/**
 * The bulk re-run at the size the issue asks of bulk actions: 100,000 finished tasks, on
 * SQLite (rerun-bulk-postgres.test.ts: the other store; one file per store, so each
 * gets the runner's per-file time). The contract suite runs the same check at 1,250 tasks. Seeded through the
 * port: one multi-row insert, one claim and one batch finish per 5,000 tasks.
 */
import { describe, it, beforeEach, afterEach } from "node:test";
import { storeKinds, type TestStore } from "../helpers/stores.js";
import { checkBulkRerun } from "../../src/testing/contract/rerun.contract.js";

const TASKS = 100_000;

for (const kind of (await storeKinds()).filter((k) => k.name === "sqlite")) {
  describe(`rerunMany at ${TASKS.toLocaleString("en")} tasks (${kind.name})`, () => {
    let store: TestStore;
    beforeEach(async () => {
      store = await kind.create();
    });
    afterEach(async () => {
      await store.cleanup();
    });

    it("re-runs every finished task once, in batches; a dry run counts them and stores nothing", async () => {
      await checkBulkRerun(store.adapter, TASKS);
    });
  });
}

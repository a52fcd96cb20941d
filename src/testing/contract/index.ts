/**
 * The storage contract suite, shipped so that an adapter of your own
 * (`CreateStintOptions.storage`) is checked by the same cases as `stint/sqlite` and
 * `stint/postgres`, as River ships `riverdrivertest`. Each file covers one group of port
 * operations; `runStorageContract` registers them all.
 */
import { abortContract } from "./abort.contract.js";
import { batchesContract } from "./batches.contract.js";
import { bulkContract } from "./bulk.contract.js";
import { claimContract } from "./claim.contract.js";
import { createGetContract } from "./create-get.contract.js";
import { deleteContract } from "./delete.contract.js";
import { finishContract } from "./finish.contract.js";
import { leasesContract } from "./leases.contract.js";
import { listFieldsContract } from "./list-fields.contract.js";
import { listTasksContract } from "./list-tasks.contract.js";
import { logsContract } from "./logs.contract.js";
import { migrateContract } from "./migrate.contract.js";
import { nextDueContract } from "./next-due.contract.js";
import { readFieldsContract } from "./read-fields.contract.js";
import { refusedValuesContract } from "./refused-values.contract.js";
import { traceContextContract } from "./trace-context.contract.js";
import { taskStatsContract } from "./task-stats.contract.js";
import { workersContract } from "./workers.contract.js";
import { schedulesContract } from "./schedules.contract.js";
import { idempotencyContract } from "./idempotency.contract.js";
import { priorityContract } from "./priority.contract.js";
import { concurrencyContract } from "./concurrency.contract.js";
import { waitForChildrenContract } from "./wait-for-children.contract.js";
import { retentionContract } from "./retention.contract.js";

import { rerunContract } from "./rerun.contract.js";
import { contractSuite, type StorageContractOptions } from "./suite.js";

export type { ContractStore, ContractTestApi, StorageContractOptions } from "./suite.js";

/**
 * Registers the storage contract suite for one adapter: every rule of the
 * `StorageAdapter` port, as cases of your test runner (node:test unless you pass
 * vitest's or jest's `describe`, `it`, `beforeEach` and `afterEach`). `createStore` is
 * called before every case and must give a fresh, migrated store. Call it while your test
 * file is collected (top level), not inside a test.
 *
 * @example
 * ```ts
 * import { runStorageContract } from "stint/testing";
 * runStorageContract({
 *   name: "my-store",
 *   async createStore() {
 *     const adapter = createMyStorage({ database: freshDatabase() });
 *     await adapter.migrate();
 *     return { adapter, cleanup: () => adapter.close() };
 *   },
 * });
 * ```
 *
 * @throws StintError `INVALID_ARGUMENT` when `name` or `createStore` is missing, or only
 * some of the test functions are given; nothing is registered then.
 */
export function runStorageContract(options: StorageContractOptions): void {
  const suite = contractSuite(options);
  suite.describe(`storage contract: ${suite.name}`, () => {
    createGetContract(suite);
    claimContract(suite);
    leasesContract(suite);
    finishContract(suite);
    batchesContract(suite);
    abortContract(suite);
    nextDueContract(suite);
    listTasksContract(suite);
    listFieldsContract(suite);
    readFieldsContract(suite);
    logsContract(suite);
    deleteContract(suite);
    bulkContract(suite);
    migrateContract(suite);
    refusedValuesContract(suite);
    traceContextContract(suite);
    workersContract(suite);
    taskStatsContract(suite);
    schedulesContract(suite);
    idempotencyContract(suite);
    priorityContract(suite);
    concurrencyContract(suite);
    waitForChildrenContract(suite);
    retentionContract(suite);

    rerunContract(suite);
  });
}

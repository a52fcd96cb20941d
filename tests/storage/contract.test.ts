/**
 * The storage contract: every adapter runs the same suite (tests/storage/contract/), on a
 * fresh store per test. PostgreSQL joins when a server answers (tests/helpers/stores.ts).
 */
import { describe } from "node:test";
import { storeKinds } from "../helpers/stores.js";
import { abortContract } from "./contract/abort.contract.js";
import { batchesContract } from "./contract/batches.contract.js";
import { claimContract } from "./contract/claim.contract.js";
import { createGetContract } from "./contract/create-get.contract.js";
import { deleteContract } from "./contract/delete.contract.js";
import { finishContract } from "./contract/finish.contract.js";
import { leasesContract } from "./contract/leases.contract.js";
import { listFieldsContract } from "./contract/list-fields.contract.js";
import { listTasksContract } from "./contract/list-tasks.contract.js";
import { logsContract } from "./contract/logs.contract.js";
import { migrateContract } from "./contract/migrate.contract.js";
import { nextDueContract } from "./contract/next-due.contract.js";
import { readFieldsContract } from "./contract/read-fields.contract.js";
import { refusedValuesContract } from "./contract/refused-values.contract.js";
import { idempotencyContract } from "./contract/idempotency.contract.js";
import { priorityContract } from "./contract/priority.contract.js";
import { concurrencyContract } from "./contract/concurrency.contract.js";

for (const kind of await storeKinds()) {
  describe(`storage contract: ${kind.name}`, () => {
    createGetContract(kind);
    claimContract(kind);
    leasesContract(kind);
    finishContract(kind);
    batchesContract(kind);
    abortContract(kind);
    nextDueContract(kind);
    listTasksContract(kind);
    listFieldsContract(kind);
    readFieldsContract(kind);
    logsContract(kind);
    deleteContract(kind);
    migrateContract(kind);
    refusedValuesContract(kind);
    idempotencyContract(kind);
    priorityContract(kind);
    concurrencyContract(kind);
  });
}

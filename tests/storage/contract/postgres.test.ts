/**
 * The storage contract on PostgreSQL: the suite users get from `stint/testing`
 * (src/testing/contract/), through that same export, on a fresh schema per case. Runs when
 * the test server answers (tests/helpers/stores.ts; in CI an unreachable server fails).
 */
import { runStorageContract } from "../../../src/testing/index.js";
import { isPostgresReachable, postgresStore } from "../../helpers/stores.js";

if (await isPostgresReachable()) {
  runStorageContract({ name: postgresStore.name, createStore: () => postgresStore.create() });
}

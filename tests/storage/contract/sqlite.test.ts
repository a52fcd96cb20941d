/**
 * The storage contract on SQLite: the suite users get from `stint/testing`
 * (src/testing/contract/), through that same export, on a fresh store per case.
 * One file per store so the two run in parallel, each within the runner's per-file limit.
 */
import { runStorageContract } from "../../../src/testing/index.js";
import { sqliteStore } from "../../helpers/stores.js";

runStorageContract({ name: sqliteStore.name, createStore: () => sqliteStore.create() });

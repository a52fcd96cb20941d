/**
 * The storage contract: both built-in adapters run the suite users get from
 * `stint/testing` (src/testing/contract/), through that same export, on a fresh store per
 * case. PostgreSQL joins when a server answers (tests/helpers/stores.ts).
 */
import { runStorageContract } from "../../src/testing/index.js";
import { storeKinds } from "../helpers/stores.js";

for (const kind of await storeKinds()) {
  runStorageContract({ name: kind.name, createStore: () => kind.create() });
}

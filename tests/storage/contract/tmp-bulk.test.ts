import { contractSuite } from "../../../src/testing/contract/suite.js";
import { bulkContract } from "../../../src/testing/contract/bulk.contract.js";
import { sqliteStore, postgresStore } from "../../helpers/stores.js";
const kind = process.env.KIND === "pg" ? postgresStore : sqliteStore;
const suite = contractSuite({ name: kind.name, createStore: () => kind.create() });
suite.describe("bulk", () => bulkContract(suite));

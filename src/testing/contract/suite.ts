/**
 * What every contract file registers its cases with: the store under test and the test
 * functions of the runner. The cases never import a runner themselves, so the same suite
 * runs under node:test (the default), vitest or jest.
 */
import { Errors } from "../../domain/errors.js";
import type { StorageAdapter } from "../../storage/port/index.js";

/** One store for one contract case: fresh (no tasks) and migrated. */
export interface ContractStore {
  adapter: StorageAdapter;
  /** Called after the case; drop the store's data here. Default: `adapter.close()`. */
  cleanup?(): Promise<void> | void;
  /**
   * Optional: another adapter on this same store (its own connections), for the cases that
   * race several connections (idempotency keys, concurrency limits); the suite closes it.
   * Without it, those cases race on `adapter` alone.
   */
  connect?(): Promise<StorageAdapter>;
}

/**
 * The test functions the suite registers its cases with. node:test's, vitest's and jest's
 * all fit: `import { describe, it, beforeEach, afterEach } from "vitest"`.
 */
export interface ContractTestApi {
  /** Groups cases; called while the suite is being collected. */
  describe(name: string, fn: () => void): unknown;
  /** One case; its promise rejects when the adapter breaks the contract. */
  it(name: string, fn: () => Promise<void>): unknown;
  /** Runs before each case of the enclosing `describe` (the suite makes its store there). */
  beforeEach(fn: () => Promise<void>): unknown;
  /** Runs after each case of the enclosing `describe` (the suite cleans its store up there). */
  afterEach(fn: () => Promise<void>): unknown;
}

/**
 * What `runStorageContract` is given: the store to test and, optionally, your runner's
 * test functions (all four of {@link ContractTestApi} or none; none means node:test's).
 */
export interface StorageContractOptions {
  /** The adapter's `name`; the suite checks the adapter reports it, and names its cases by it. */
  name: string;
  /** A fresh, migrated store, called before every case (the cases expect no tasks in it). */
  createStore(): Promise<ContractStore>;
  /** Your runner's `describe`. */
  describe?: ContractTestApi["describe"];
  /** Your runner's `it` (or `test`). */
  it?: ContractTestApi["it"];
  /** Your runner's `beforeEach`. */
  beforeEach?: ContractTestApi["beforeEach"];
  /** Your runner's `afterEach`. */
  afterEach?: ContractTestApi["afterEach"];
  /**
   * How many tasks the bulk and retention cases act on: 100,000 by default (the size those
   * paths are specified at); a smaller whole number (at least 1,000) for a quicker run.
   */
  largeCount?: number;
}

/** The options with the test functions settled: what each contract file gets. */
export interface ContractSuite extends ContractTestApi {
  readonly name: string;
  createStore(): Promise<ContractStore>;
  /** `StorageContractOptions.largeCount`, settled. */
  readonly largeCount: number;
}

const DEFAULT_LARGE_COUNT = 100_000;

const TEST_FUNCTIONS = ["describe", "it", "beforeEach", "afterEach"] as const;

/** Checks the options and fills in node:test when no test functions were given. */
export function contractSuite(options: StorageContractOptions): ContractSuite {
  if (options === null || typeof options !== "object") throw Errors.invalidArgument("options", "expected an object");
  const { name, createStore } = options;
  if (typeof name !== "string" || name.trim() === "") throw Errors.invalidArgument("name", "expected the adapter's name");
  if (typeof createStore !== "function") throw Errors.invalidArgument("createStore", "expected a function that returns a fresh, migrated store");
  const largeCount = options.largeCount ?? DEFAULT_LARGE_COUNT;
  if (!Number.isSafeInteger(largeCount) || largeCount < 1000) {
    throw Errors.invalidArgument("largeCount", "expected a whole number of tasks, at least 1000");
  }
  const given = TEST_FUNCTIONS.filter((fn) => options[fn] !== undefined);
  for (const fn of given) {
    if (typeof options[fn] !== "function") throw Errors.invalidArgument(fn, "expected a function of your test runner");
  }
  const { describe, it, beforeEach, afterEach } = options;
  let api: ContractTestApi;
  if (describe && it && beforeEach && afterEach) api = { describe, it, beforeEach, afterEach };
  else if (given.length === 0) api = nodeTestApi();
  else {
    // Half of one runner and half of node:test would register hooks that never run.
    const missing = TEST_FUNCTIONS.filter((fn) => !given.includes(fn));
    throw Errors.invalidArgument(missing[0]!, `give all of describe, it, beforeEach and afterEach from one runner, or none (node:test); missing ${missing.join(", ")}`);
  }
  return {
    name,
    largeCount,
    createStore: () => createStore.call(options),
    describe: api.describe,
    it: api.it,
    beforeEach: api.beforeEach,
    afterEach: api.afterEach,
  };
}

/** node:test, loaded only when used: `stint/testing` is also imported under other runners. */
function nodeTestApi(): ContractTestApi {
  const nodeTest = process.getBuiltinModule("node:test");
  return {
    describe: (name, fn) => nodeTest.describe(name, fn),
    it: (name, fn) => nodeTest.it(name, fn),
    beforeEach: (fn) => nodeTest.beforeEach(fn),
    afterEach: (fn) => nodeTest.afterEach(fn),
  };
}

/**
 * `runStorageContract` (stint/testing) under a runner of the user's: the cases go to the
 * test functions given (none to node:test), each case gets a fresh store that is cleaned
 * up after it, an adapter that breaks a rule fails cases, and bad options are refused
 * before anything is registered. The whole suite runs through node:test in
 * tests/storage/contract/; here a small runner of our own stands in for vitest or jest.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isStintError } from "../../src/domain/errors.js";
import { runStorageContract, type ContractTestApi, type StorageContractOptions } from "../../src/testing/index.js";
import { withOverrides } from "../helpers/adapter-overrides.js";
import { sqliteStore, type TestStore } from "../helpers/stores.js";

interface Case {
  path: string[];
  fn: () => Promise<void>;
  before: (() => Promise<void>)[];
  after: (() => Promise<void>)[];
}

/** Collects cases the way vitest does (describe bodies run at once, hooks per group), and runs them on demand. */
function miniRunner(): ContractTestApi & { cases: Case[]; run(c: Case): Promise<void> } {
  const cases: Case[] = [];
  const groups: { name: string; before: (() => Promise<void>)[]; after: (() => Promise<void>)[] }[] = [];
  return {
    cases,
    describe(name, fn) {
      groups.push({ name, before: [], after: [] });
      try {
        fn();
      } finally {
        groups.pop();
      }
    },
    it(name, fn) {
      cases.push({
        path: [...groups.map((g) => g.name), name],
        fn,
        before: groups.flatMap((g) => g.before),
        after: groups.flatMap((g) => g.after).reverse(),
      });
    },
    beforeEach(fn) {
      const group = groups.at(-1);
      if (!group) throw new Error("beforeEach outside describe");
      group.before.push(fn);
    },
    afterEach(fn) {
      const group = groups.at(-1);
      if (!group) throw new Error("afterEach outside describe");
      group.after.push(fn);
    },
    async run(c) {
      for (const hook of c.before) await hook();
      try {
        await c.fn();
      } finally {
        for (const hook of c.after) await hook();
      }
    },
  };
}

/** SQLite stores, counting how many were made and cleaned up. */
function countedStores(wrap: (store: TestStore) => TestStore = (store) => store) {
  const counts = { created: 0, cleaned: 0 };
  return {
    counts,
    async createStore() {
      const store = wrap(await sqliteStore.create());
      counts.created++;
      return {
        adapter: store.adapter,
        async cleanup() {
          counts.cleaned++;
          await store.cleanup();
        },
      };
    },
  };
}

const inGroup = (group: string) => (c: Case) => c.path[1] === group;

describe("runStorageContract", () => {
  it("registers every case with the test functions given, under one describe named after the adapter", () => {
    const runner = miniRunner();
    runStorageContract({ name: "sqlite", createStore: countedStores().createStore, ...runner });
    assert.ok(runner.cases.length > 50, `${runner.cases.length} cases`);
    assert.ok(runner.cases.every((c) => c.path[0] === "storage contract: sqlite" && c.path.length >= 3));
    assert.ok(runner.cases.every((c) => c.before.length > 0 && c.after.length > 0), "every case has its store hooks");
    const groups = new Set(runner.cases.map((c) => c.path[1]));
    for (const group of ["taskClaim", "migrate / ping / capabilities"]) assert.ok(groups.has(group), group);
  });

  it("sizes the bulk and retention cases by largeCount (default 100,000)", () => {
    const names = (options: object) => {
      const runner = miniRunner();
      runStorageContract({ name: "sqlite", createStore: countedStores().createStore, ...runner, ...options });
      return runner.cases.map((c) => c.path.at(-1)).join("\n");
    };
    assert.match(names({}), /aborts and deletes 100,000 tasks/);
    assert.match(names({ largeCount: 2000 }), /aborts and deletes 2,000 tasks/);
    assert.match(names({ largeCount: 2000 }), /sweeps 2,000 expired tasks/);
  });

  it("passes on a built-in adapter, with a fresh store per case, cleaned up after it", async () => {
    const runner = miniRunner();
    const stores = countedStores();
    runStorageContract({ name: "sqlite", createStore: stores.createStore, ...runner });
    const chosen = runner.cases.filter((c) => inGroup("taskClaim")(c) || inGroup("migrate / ping / capabilities")(c));
    assert.ok(chosen.length >= 5);
    for (const c of chosen) await runner.run(c);
    assert.deepEqual(stores.counts, { created: chosen.length, cleaned: chosen.length });
  });

  it("fails cases of an adapter that breaks a rule", async () => {
    const runner = miniRunner();
    // Claims nothing, ever: due tasks are never handed to a worker.
    const stores = countedStores((store) => ({ ...store, adapter: withOverrides(store.adapter, { taskClaim: () => async () => [] }) }));
    runStorageContract({ name: "sqlite", createStore: stores.createStore, ...runner });
    const failed: string[] = [];
    for (const c of runner.cases.filter(inGroup("taskClaim"))) {
      await runner.run(c).catch(() => failed.push(c.path.at(-1)!));
    }
    assert.ok(failed.includes("claims due tasks oldest due first, at most limit of them"), failed.join("; "));
    assert.equal(stores.counts.cleaned, stores.counts.created, "a failed case still cleans its store up");
  });

  it("checks that the adapter reports the name it is run under", async () => {
    const runner = miniRunner();
    runStorageContract({ name: "postgres", createStore: countedStores().createStore, ...runner });
    const naming = runner.cases.find((c) => c.path.at(-1) === "answers a ping and names itself");
    assert.ok(naming);
    await assert.rejects(runner.run(naming), assert.AssertionError);
  });

  it("closes the adapter after each case when the store has no cleanup", async () => {
    const runner = miniRunner();
    const made: TestStore[] = [];
    runStorageContract({
      name: "sqlite",
      async createStore() {
        const store = await sqliteStore.create();
        made.push(store);
        return { adapter: store.adapter };
      },
      ...runner,
    });
    await runner.run(runner.cases.find(inGroup("migrate / ping / capabilities"))!);
    assert.equal(made.length, 1);
    await assert.rejects(made[0].adapter.ping(), (error) => isStintError(error) && /closed/.test(error.message));
    await made[0].cleanup().catch(() => {});
  });

  describe("refuses bad options with INVALID_ARGUMENT and registers nothing", () => {
    const createStore = countedStores().createStore;
    type Runner = ReturnType<typeof miniRunner>;
    const bad: [string, string, (runner: Runner) => unknown][] = [
      ["no options", "options", () => undefined],
      ["no name", "name", (runner) => ({ createStore, ...runner })],
      ["a blank name", "name", (runner) => ({ name: "  ", createStore, ...runner })],
      ["no createStore", "createStore", (runner) => ({ name: "mine", ...runner })],
      ["a createStore that is not a function", "createStore", (runner) => ({ name: "mine", createStore: {}, ...runner })],
      ["only some test functions", "beforeEach", (runner) => ({ name: "mine", createStore, describe: runner.describe, it: runner.it })],
      ["a test function that is not a function", "it", (runner) => ({ name: "mine", createStore, ...runner, it: "it" })],
      ["a largeCount below 1000", "largeCount", (runner) => ({ name: "mine", createStore, ...runner, largeCount: 999 })],
      ["a largeCount that is not a whole number", "largeCount", (runner) => ({ name: "mine", createStore, ...runner, largeCount: 1500.5 })],
    ];
    for (const [what, argument, options] of bad) {
      it(`refuses ${what}`, () => {
        const runner = miniRunner();
        assert.throws(
          () => runStorageContract(options(runner) as StorageContractOptions),
          (error) => isStintError(error, "INVALID_ARGUMENT") && (error.data as { argument: string }).argument === argument,
        );
        assert.equal(runner.cases.length, 0);
      });
    }
  });
});

/**
 * Webiny 6.4's settings through GraphQL: `getSettings` / `updateSettings(input:)` with
 * `{ data, error }` envelopes, bad input answered with a typed error that stores nothing,
 * and a change made through one Stint's server read by another's (one PostgreSQL database).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { sqliteStore, storeKinds } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { postGraphQL, startApi, type Api } from "./helpers.js";
import { createStint } from "../../src/stint.js";

const GET = `{ backgroundTasks { getSettings { data { retentionDays } error { code message data } } } }`;
const UPDATE = `mutation($input: UpdateBackgroundTaskSettingsInput!) {
  backgroundTasks { updateSettings(input: $input) { data { retentionDays } error { code message data } } }
}`;
const KEYS = { all: "all-key-0123456789abcdef", read: "read-key-0123456789abcdef" };

describe("GraphQL settings", () => {
  let api: Api;
  before(async () => {
    api = await startApi(sqliteStore, {
      definitions: TEST_DEFINITIONS,
      apiKeys: [
        { key: KEYS.all, permissions: "rwd" },
        { key: KEYS.read, permissions: "r" },
      ],
    });
  });
  after(async () => {
    await api?.close();
  });

  async function stored(): Promise<number> {
    const answer = await api.gql(GET, {}, KEYS.read);
    assert.equal(answer.body.data.backgroundTasks.getSettings.error, null);
    return answer.body.data.backgroundTasks.getSettings.data.retentionDays;
  }

  it("reads 90 by default and stores a new value", async () => {
    assert.equal(await stored(), 90);
    const answer = await api.gql(UPDATE, { input: { retentionDays: 30 } }, KEYS.all);
    assert.deepEqual(answer.body.data.backgroundTasks.updateSettings, { data: { retentionDays: 30 }, error: null });
    assert.equal(await stored(), 30);
    assert.equal((await api.stint.tasks.getSettings()).retentionDays, 30);
  });

  it("answers out-of-range and missing values with INVALID_ARGUMENT and stores nothing", async () => {
    await api.gql(UPDATE, { input: { retentionDays: 21 } }, KEYS.all);
    for (const input of [{ retentionDays: -1 }, { retentionDays: 3651 }, { retentionDays: null }, {}]) {
      const answer = await api.gql(UPDATE, { input }, KEYS.all);
      const result = answer.body.data.backgroundTasks.updateSettings;
      assert.equal(result.data, null, JSON.stringify(input));
      assert.equal(result.error.code, "INVALID_ARGUMENT");
      assert.equal(result.error.data.argument, "retentionDays");
    }
    assert.equal(await stored(), 21);
  });

  it("refuses values of the wrong type before the resolver runs, storing nothing", async () => {
    for (const input of [{ retentionDays: 2.5 }, { retentionDays: "10" }, { retentionDays: 2 ** 40 }]) {
      const answer = await api.gql(UPDATE, { input }, KEYS.all);
      assert.ok(answer.body.errors && answer.body.errors.length > 0, JSON.stringify(input));
    }
    assert.equal(await stored(), 21);
  });

  it("needs write permission to change the settings", async () => {
    const answer = await api.gql(UPDATE, { input: { retentionDays: 5 } }, KEYS.read);
    assert.equal(answer.body.data.backgroundTasks.updateSettings.error.code, "SECURITY_NOT_AUTHORIZED");
    assert.equal(await stored(), 21);
  });
});

describe("GraphQL settings across processes", async () => {
  const pg = (await storeKinds()).find((k) => k.name === "postgres");
  it("a change through one Stint's server is read through another's", { skip: !pg }, async () => {
    const store = await pg!.create();
    const a = await createStint({ storage: store.adapter, definitions: TEST_DEFINITIONS, useEnv: false });
    const b = await createStint({ storage: await store.connect!(), definitions: TEST_DEFINITIONS, useEnv: false });
    const serverA = await a.startServer({ port: 0, env: {} });
    const serverB = await b.startServer({ port: 0, env: {} });
    try {
      const changed = await postGraphQL(serverA.url, { query: UPDATE, variables: { input: { retentionDays: 365 } } });
      assert.equal(changed.body.data.backgroundTasks.updateSettings.data.retentionDays, 365);
      const read = await postGraphQL(serverB.url, { query: GET });
      assert.equal(read.body.data.backgroundTasks.getSettings.data.retentionDays, 365);
    } finally {
      await b.close();
      await a.close();
      await store.cleanup();
    }
  });
});

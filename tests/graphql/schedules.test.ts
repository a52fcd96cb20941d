/**
 * Schedules through GraphQL: Webiny-style fields under `backgroundTasks`, `{ data, error }`
 * envelopes, permissions, and bad input answered with a typed error that stores nothing.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { sqliteStore } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { startApi, type Api } from "./helpers.js";

const FIELDS = "id definitionId cron timezone input name enabled overlap backfillSeconds source nextRunAt lastRunAt lastTaskId nextRuns(count: 3)";
const CREATE = `mutation($data: WebinyBackgroundTaskScheduleCreateInput!) {
  backgroundTasks { createSchedule(data: $data) { data { ${FIELDS} } error { code message data } } }
}`;
const UPDATE = `mutation($id: ID!, $data: WebinyBackgroundTaskScheduleUpdateInput!) {
  backgroundTasks { updateSchedule(id: $id, data: $data) { data { ${FIELDS} } error { code message data } } }
}`;
const DELETE = `mutation($id: ID!) { backgroundTasks { deleteSchedule(id: $id) { data error { code } } } }`;
const LIST = `{ backgroundTasks { listSchedules { data { ${FIELDS} } error { code } } } }`;
const GET = `query($id: ID!) { backgroundTasks { getSchedule(id: $id) { data { id nextRuns } error { code } } } }`;

const KEYS = { all: "all-key-0123456789abcdef", read: "read-key-0123456789abcdef" };

describe("GraphQL schedules", () => {
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

  async function list(): Promise<{ id: string }[]> {
    const answer = await api.gql(LIST, {}, KEYS.read);
    return answer.body.data.backgroundTasks.listSchedules.data;
  }

  it("creates, lists with the next runs, gets, updates and deletes a schedule", async () => {
    const created = await api.gql(CREATE, { data: { id: "gqlDaily", definition: "someTask", cron: "0 3 * * *", timezone: "Europe/Paris", input: { value: 2 }, overlap: "skip" } }, KEYS.all);
    const schedule = created.body.data.backgroundTasks.createSchedule;
    assert.equal(schedule.error, null);
    assert.equal(schedule.data.definitionId, "someTask");
    assert.equal(schedule.data.overlap, "skip");
    assert.equal(schedule.data.enabled, true);
    assert.equal(schedule.data.source, "api");
    assert.deepEqual(schedule.data.input, { value: 2 });
    assert.equal(schedule.data.nextRuns.length, 3);
    assert.equal(schedule.data.nextRuns[0], schedule.data.nextRunAt);
    // 03:00 in Paris is 02:00 UTC in winter, 01:00 in summer: always on the hour.
    assert.match(schedule.data.nextRunAt, /T0[12]:00:00\.000Z$/);

    assert.deepEqual((await list()).map((s) => s.id), ["gqlDaily"]);
    const got = await api.gql(GET, { id: "gqlDaily" }, KEYS.read);
    assert.equal(got.body.data.backgroundTasks.getSchedule.data.nextRuns.length, 5);

    const updated = await api.gql(UPDATE, { id: "gqlDaily", data: { enabled: false } }, KEYS.all);
    assert.equal(updated.body.data.backgroundTasks.updateSchedule.data.enabled, false);
    assert.equal(updated.body.data.backgroundTasks.updateSchedule.data.nextRunAt, null);
    assert.deepEqual(updated.body.data.backgroundTasks.updateSchedule.data.nextRuns, []);

    const deleted = await api.gql(DELETE, { id: "gqlDaily" }, KEYS.all);
    assert.equal(deleted.body.data.backgroundTasks.deleteSchedule.data, true);
    assert.deepEqual(await list(), []);
  });

  for (const [what, data, code] of [
    ["a bad cron", { id: "bad1", definition: "someTask", cron: "every morning" }, "SCHEDULE_INVALID"],
    ["a bad timezone", { id: "bad2", definition: "someTask", cron: "* * * * *", timezone: "Moon/Base" }, "SCHEDULE_INVALID"],
    ["an unknown definition", { id: "bad3", definition: "ghostTask", cron: "* * * * *" }, "TASK_DEFINITION_ERROR"],
    ["an input the definition refuses", { id: "bad4", definition: "someTask", cron: "* * * * *", input: { steps: 99 } }, "VALIDATION_FAILED_INVALID_FIELDS"],
    ["a negative backfill", { id: "bad5", definition: "someTask", cron: "* * * * *", backfillSeconds: -5 }, "SCHEDULE_INVALID"],
  ] as const) {
    it(`refuses ${what} with an error envelope and stores nothing`, async () => {
      const answer = await api.gql(CREATE, { data }, KEYS.all);
      const result = answer.body.data.backgroundTasks.createSchedule;
      assert.equal(result.data, null);
      assert.equal(result.error.code, code);
      assert.deepEqual(await list(), []);
    });
  }

  it("refuses an update with a bad cron, keeping the schedule; unknown ids answer SCHEDULE_NOT_FOUND", async () => {
    await api.gql(CREATE, { data: { id: "kept", definition: "someTask", cron: "* * * * *" } }, KEYS.all);
    const bad = await api.gql(UPDATE, { id: "kept", data: { cron: "99 * * * *" } }, KEYS.all);
    assert.equal(bad.body.data.backgroundTasks.updateSchedule.error.code, "SCHEDULE_INVALID");
    const [kept] = (await list()) as { id: string; cron: string }[];
    assert.equal(kept.cron, "* * * * *");
    const missing = await api.gql(GET, { id: "nope" }, KEYS.read);
    assert.equal(missing.body.data.backgroundTasks.getSchedule.error.code, "SCHEDULE_NOT_FOUND");
    const missingDelete = await api.gql(DELETE, { id: "nope" }, KEYS.all);
    assert.equal(missingDelete.body.data.backgroundTasks.deleteSchedule.error.code, "SCHEDULE_NOT_FOUND");
    await api.gql(DELETE, { id: "kept" }, KEYS.all);
  });

  it("needs w to create or update and d to delete", async () => {
    const denied = await api.gql(CREATE, { data: { id: "readOnly", definition: "someTask", cron: "* * * * *" } }, KEYS.read);
    assert.equal(denied.body.data.backgroundTasks.createSchedule.error.code, "SECURITY_NOT_AUTHORIZED");
    assert.deepEqual(await list(), []);
    await api.gql(CREATE, { data: { id: "guarded", definition: "someTask", cron: "* * * * *" } }, KEYS.all);
    const deleteDenied = await api.gql(DELETE, { id: "guarded" }, KEYS.read);
    assert.equal(deleteDenied.body.data.backgroundTasks.deleteSchedule.error.code, "SECURITY_NOT_AUTHORIZED");
    assert.deepEqual((await list()).map((s) => s.id), ["guarded"]);
    await api.gql(DELETE, { id: "guarded" }, KEYS.all);
  });
});

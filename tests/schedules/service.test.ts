/**
 * ScheduleService and the config's `schedules`: every bad declaration is refused with a
 * typed error and stores nothing (create, update, config at load and at start); config
 * schedules are synced at start.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStint, type Stint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { ErrorCode } from "../../src/domain/errors.js";
import { loadConfig } from "../../src/cli/load-config.js";
import { openStorage } from "../../src/config/database.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import type { ScheduleDeclaration } from "../../src/schedules/types.js";
import { sqliteStore, type TestStore } from "../helpers/stores.js";

const T = Date.UTC(2026, 0, 1);
const report = createTaskDefinition<{ kind: string }>({
  id: "report",
  title: "Report",
  createInputValidation: ({ validator }) => ({ kind: validator.enum(["daily", "weekly"]) }),
  run: ({ response }) => response.done(),
});
const valid: ScheduleDeclaration = { id: "daily", definition: "report", cron: "0 3 * * *", input: { kind: "daily" } };

const BAD: [string, Record<string, unknown>, string][] = [
  ["a cron that is not one", { cron: "every day" }, ErrorCode.ScheduleInvalid],
  ["a cron with a minute out of range", { cron: "61 * * * *" }, ErrorCode.ScheduleInvalid],
  ["a cron of seven fields", { cron: "* * * * * * *" }, ErrorCode.ScheduleInvalid],
  ["a cron that never runs", { cron: "0 0 30 2 *" }, ErrorCode.ScheduleInvalid],
  ["an unknown timezone", { timezone: "Mars/Olympus" }, ErrorCode.ScheduleInvalid],
  ["an unknown definition", { definition: "nope" }, ErrorCode.DefinitionNotFound],
  ["an input the definition refuses", { input: { kind: "hourly" } }, ErrorCode.ValidationFailed],
  ["an input that is not an object", { input: [1] }, ErrorCode.InvalidArgument],
  ["an overlap mode that does not exist", { overlap: "queue" }, ErrorCode.ScheduleInvalid],
  ["a negative backfill", { backfillSeconds: -1 }, ErrorCode.ScheduleInvalid],
  ["a backfill over 7 days", { backfillSeconds: 8 * 86400 }, ErrorCode.ScheduleInvalid],
  ["enabled that is not a boolean", { enabled: "yes" }, ErrorCode.ScheduleInvalid],
  ["an unknown field (a typo)", { timeZone: "Europe/Paris" }, ErrorCode.ScheduleInvalid],
  ["a bad id", { id: "no spaces please" }, ErrorCode.ScheduleInvalid],
];

describe("ScheduleService", () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  /** A Stint over a fresh store, or over a new connection to `options.store` (a closed Stint closes its adapter). */
  async function open(options: { schedules?: unknown[]; store?: TestStore } = {}): Promise<{ stint: Stint; store: TestStore }> {
    const store = options.store ?? (await sqliteStore.create());
    const stint = await createStint({
      storage: options.store ? await openStorage(store.url) : store.adapter,
      definitions: [report],
      clock: new ManualClock(T),
      useEnv: false,
      ...(options.schedules ? { schedules: options.schedules as ScheduleDeclaration[] } : {}),
    });
    if (!options.store) cleanups.push(() => store.cleanup());
    return { stint, store };
  }

  it("creates, gets, lists, updates and deletes; next runs come from the cron in its timezone", async () => {
    const { stint } = await open();
    const created = await stint.schedules.create({ ...valid, timezone: "Europe/Paris", name: "Nightly report" });
    assert.equal(created.source, "api");
    assert.equal(created.enabled, true);
    assert.equal(created.overlap, "allow");
    assert.equal(created.backfillSeconds, 0);
    // 03:00 in Paris in January is 02:00 UTC.
    assert.equal(created.nextRunAt, "2026-01-01T02:00:00.000Z");
    assert.deepEqual(stint.schedules.nextRuns(created, 3), ["2026-01-01T02:00:00.000Z", "2026-01-02T02:00:00.000Z", "2026-01-03T02:00:00.000Z"]);
    assert.deepEqual(await stint.schedules.get("daily"), created);
    assert.deepEqual((await stint.schedules.list()).map((s) => s.id), ["daily"]);

    // A change of input keeps the next tick; a change of cron recomputes it.
    const renamed = await stint.schedules.update("daily", { input: { kind: "weekly" }, name: null as unknown as string });
    assert.equal(renamed.nextRunAt, created.nextRunAt);
    assert.equal(renamed.name, null);
    assert.deepEqual(renamed.input, { kind: "weekly" });
    const moved = await stint.schedules.update("daily", { cron: "30 * * * *", timezone: "UTC" });
    assert.equal(moved.nextRunAt, "2026-01-01T00:30:00.000Z");
    assert.equal(await stint.schedules.delete("daily"), true);
    assert.equal(await stint.schedules.get("daily"), null);
  });

  for (const [what, change, code] of BAD) {
    it(`refuses ${what} at create and at update, storing nothing`, async () => {
      const { stint } = await open();
      await assert.rejects(stint.schedules.create({ ...valid, id: "fresh", ...change } as ScheduleDeclaration), { code });
      assert.equal(await stint.schedules.get("fresh"), null);
      const before = await stint.schedules.create(valid);
      const { id: _id, ...changes } = change;
      if (Object.keys(changes).length > 0) {
        await assert.rejects(stint.schedules.update("daily", changes), { code });
        assert.deepEqual(await stint.schedules.get("daily"), before);
      }
    });
  }

  it("refuses a duplicate id, an update or delete of an unknown schedule, a change of id and a bad next-runs count", async () => {
    const { stint } = await open();
    const stored = await stint.schedules.create(valid);
    await assert.rejects(stint.schedules.create({ ...valid, cron: "* * * * *" }), { code: ErrorCode.ScheduleDuplicate });
    assert.deepEqual(await stint.schedules.get("daily"), stored);
    await assert.rejects(stint.schedules.update("missing", { enabled: false }), { code: ErrorCode.ScheduleNotFound });
    await assert.rejects(stint.schedules.delete("missing"), { code: ErrorCode.ScheduleNotFound });
    await assert.rejects(stint.schedules.update("daily", { id: "other" } as never), { code: ErrorCode.ScheduleInvalid });
    assert.throws(() => stint.schedules.nextRuns(stored, 0), { code: ErrorCode.InvalidArgument });
    assert.throws(() => stint.schedules.nextRuns(stored, 101), { code: ErrorCode.InvalidArgument });
  });

  it("syncs the config's schedules at start: creates, updates, deletes the ones removed, leaves API ones", async () => {
    const { stint, store } = await open({ schedules: [valid, { id: "weekly", definition: "report", cron: "0 4 * * 1", input: { kind: "weekly" } }] });
    await stint.schedules.create({ ...valid, id: "fromApi" });
    assert.deepEqual((await stint.schedules.list()).map((s) => [s.id, s.source]), [["daily", "config"], ["fromApi", "api"], ["weekly", "config"]]);
    await stint.close();

    const again = await open({ store, schedules: [{ ...valid, cron: "0 5 * * *" }] });
    const list = await again.stint.schedules.list();
    assert.deepEqual(list.map((s) => s.id), ["daily", "fromApi"]);
    assert.equal(list[0].cron, "0 5 * * *");
    await again.stint.close();

    // A config without the `schedules` key leaves them all.
    const without = await open({ store });
    assert.equal((await without.stint.schedules.list()).length, 2);
    await without.stint.close();
  });

  it("refuses a config with a bad schedule at start, writing none of its schedules", async () => {
    const store = await sqliteStore.create();
    cleanups.push(() => store.cleanup());
    await assert.rejects(open({ store, schedules: [valid, { ...valid, id: "bad", cron: "nope" }] }), { code: ErrorCode.ScheduleInvalid });
    await assert.rejects(open({ store, schedules: [valid, valid] }), { code: ErrorCode.ScheduleDuplicate });
    await assert.rejects(open({ store, schedules: [{ ...valid, input: { kind: "yearly" } }] }), { code: ErrorCode.ValidationFailed });
    const reader = await openStorage(store.url);
    assert.deepEqual(await reader.scheduleList({}), []);
    await reader.close();
  });
});

describe("config file schedules", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-schedules-config-"));
  const definitionModule = new URL("../../src/definition/create-task-definition.ts", import.meta.url).href;

  function configWith(name: string, schedules: string): string {
    const path = join(dir, `${name}.config.mjs`);
    writeFileSync(
      path,
      `const report = { id: "report", title: "Report", run: ({ response }) => response.done() };
       export default { definitions: [report], schedules: ${schedules} };`,
    );
    return path;
  }

  it("loads a config with valid schedules", async () => {
    const { config } = await loadConfig(configWith("good", `[{ id: "daily", definition: "report", cron: "*/2 * * * * *", timezone: "Europe/Paris" }]`));
    assert.equal(config.schedules?.[0].id, "daily");
    assert.ok(definitionModule);
  });

  for (const [name, schedules, message] of [
    ["not-array", `{ id: "x" }`, /`schedules` must be an array/],
    ["bad-cron", `[{ id: "a", definition: "report", cron: "61 * * * *" }]`, /schedules\[0\]: Invalid schedule cron/],
    ["bad-zone", `[{ id: "a", definition: "report", cron: "* * * * *", timezone: "Nowhere/Land" }]`, /schedules\[0\]: Invalid schedule timezone/],
    ["unknown-def", `[{ id: "a", definition: "ghost", cron: "* * * * *" }]`, /schedules\[0\]: Invalid schedule definition: "ghost" is not one of the config's definitions/],
    ["duplicate", `[{ id: "a", definition: "report", cron: "* * * * *" }, { id: "a", definition: "report", cron: "0 * * * *" }]`, /schedules\[1\]: Schedule "a" already exists/],
    ["bad-overlap", `[{ id: "a", definition: "report", cron: "* * * * *", overlap: "never" }]`, /schedules\[0\]: Invalid schedule overlap/],
  ] as const) {
    it(`refuses at load: ${name}`, async () => {
      await assert.rejects(loadConfig(configWith(name, schedules)), (error: { code?: string; message: string }) => {
        assert.equal(error.code, ErrorCode.ConfigInvalid);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

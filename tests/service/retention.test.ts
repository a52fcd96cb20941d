/**
 * Retention and self-cleanup through the TypeScript API, on a real store: the stored
 * setting (and its bad input), the sweep with per-definition overrides and its lease,
 * and `selfCleanup` in the worker's terminal path.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, waitFor, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { createStint } from "../../src/stint.js";
import { isStintError } from "../../src/domain/errors.js";
import { RetentionSweeper } from "../../src/worker/retention-sweeper.js";
import { DAY_MS } from "../../src/domain/retention.js";

const ok = createTaskDefinition({ id: "ok", title: "Ok", run: ({ response }) => response.done() });
const short = createTaskDefinition({ id: "short", title: "Short", retention: { days: 10 }, run: ({ response }) => response.done() });
const forever = createTaskDefinition({ id: "forever", title: "Forever", retention: { days: 0 }, run: ({ response }) => response.done() });
const failing = createTaskDefinition({ id: "failing", title: "Failing", run: ({ response }) => response.error("no") });

async function assertInvalid(promise: Promise<unknown>, code = "INVALID_ARGUMENT"): Promise<void> {
  await assert.rejects(promise, (error) => isStintError(error) && error.code === code);
}

for (const kind of await storeKinds()) {
  describe(`retention settings (${kind.name})`, () => {
    let f: StintFixture;
    before(async () => {
      f = await stintFixture(kind, [ok]);
    });
    after(() => f.close());

    it("answers 90 until a value is stored, then the stored value", async () => {
      assert.deepEqual(await f.stint.tasks.getSettings(), { retentionDays: 90 });
      assert.deepEqual(await f.stint.tasks.updateSettings({ retentionDays: 30 }), { retentionDays: 30 });
      assert.deepEqual(await f.stint.tasks.getSettings(), { retentionDays: 30 });
      assert.deepEqual(await f.stint.tasks.updateSettings({ retentionDays: 0 }), { retentionDays: 0 });
      assert.deepEqual(await f.stint.tasks.updateSettings({ retentionDays: 3650 }), { retentionDays: 3650 });
    });

    it("refuses a value that is not 0 to 3650 whole days with INVALID_ARGUMENT, storing nothing", async () => {
      await f.stint.tasks.updateSettings({ retentionDays: 12 });
      const bad: unknown[] = [{ retentionDays: -1 }, { retentionDays: 3651 }, { retentionDays: 2.5 }, { retentionDays: "10" }, { retentionDays: null }, {}, { retentionDays: 5, other: 1 }, null, [], Number.NaN];
      for (const params of bad) await assertInvalid(f.stint.tasks.updateSettings(params as never));
      assert.deepEqual(await f.stint.tasks.getSettings(), { retentionDays: 12 });
    });
  });

  describe(`retention config and definitions (${kind.name})`, () => {
    it("uses the config's retention.days until a value is stored", async () => {
      const store = await kind.create();
      const stint = await createStint({ storage: store.adapter, definitions: [ok], retention: { days: 7 }, useEnv: false });
      try {
        assert.deepEqual(await stint.tasks.getSettings(), { retentionDays: 7 });
        await stint.tasks.updateSettings({ retentionDays: 40 });
        assert.deepEqual(await stint.tasks.getSettings(), { retentionDays: 40 });
      } finally {
        await stint.close();
        await store.cleanup();
      }
    });

    it("refuses a bad retention option or selfCleanup with a typed error before anything is stored", async () => {
      const store = await kind.create();
      try {
        for (const retention of [{ days: -1 }, { days: 3651 }, { days: 1.5 }, { days: "9" }, {}, { days: 5, weeks: 1 }, 30]) {
          await assertInvalid(createStint({ storage: store.adapter, definitions: [ok], retention: retention as never, useEnv: false }));
        }
        assert.deepEqual(await store.adapter.settingsGet(), { retentionDays: null });
      } finally {
        await store.cleanup();
      }
      assert.throws(() => createTaskDefinition({ id: "x", title: "X", selfCleanup: "yes" as never, run: ({ response }) => response.done() }), (e) => isStintError(e) && e.code === "TASK_DEFINITION_INVALID");
      assert.throws(() => createTaskDefinition({ id: "x", title: "X", retention: { days: -3 }, run: ({ response }) => response.done() }), (e) => isStintError(e) && e.code === "TASK_DEFINITION_INVALID");
    });
  });

  describe(`the retention sweep (${kind.name})`, () => {
    let f: StintFixture;
    before(async () => {
      f = await stintFixture(kind, [ok, short, forever, failing]);
    });
    after(() => f.close());

    async function statusById(): Promise<Map<string, string>> {
      const page = await f.stint.tasks.listTasks({ limit: 1000 });
      return new Map(page.items.map((t) => [t.id, t.definitionId]));
    }

    it("sweeps each definition on its own retention, then the stored one, never unfinished tasks; a second sweeper waits for the lease", async () => {
      const { tasks } = f.stint;
      const made = [
        await tasks.trigger({ definition: ok }),
        await tasks.trigger({ definition: short }),
        await tasks.trigger({ definition: forever }),
        await tasks.trigger({ definition: failing }),
      ];
      await f.worker.drain();
      const pending = await tasks.trigger({ definition: ok, delay: 3600 * 24 * 300 });
      const sweeper = new RetentionSweeper({ storage: f.stint.storage, definitions: f.stint.definitions, clock: f.clock, holder: "sweeper-a", batchSize: 2, pauseMs: 0, pauseFactor: 0 });
      const rival = new RetentionSweeper({ storage: f.stint.storage, definitions: f.stint.definitions, clock: f.clock, holder: "sweeper-b", pauseMs: 0, pauseFactor: 0 });

      f.clock.advance(11 * DAY_MS);
      assert.deepEqual(await sweeper.sweepOnce(), { deleted: 1, batches: 2, swept: true });
      assert.deepEqual(await rival.sweepOnce(), { deleted: 0, batches: 0, swept: false });
      assert.deepEqual([...(await statusById()).values()].sort(), ["failing", "forever", "ok", "ok"]);

      // A stored 0 keeps everything not overridden.
      await tasks.updateSettings({ retentionDays: 0 });
      f.clock.advance(100 * DAY_MS);
      assert.equal((await sweeper.sweepOnce()).deleted, 0);
      await tasks.updateSettings({ retentionDays: 90 });
      assert.equal((await sweeper.sweepOnce()).deleted, 2); // ok and failing; forever and the pending one stay
      const left = await statusById();
      assert.deepEqual([...left.keys()].sort(), [made[2]!.id, pending.id].sort());

      // The holder stops (lets the lease go): the rival takes over at once.
      await sweeper.stop();
      assert.equal((await rival.sweepOnce()).swept, true);
      await rival.stop();
    });

    it("runs in a started worker: expired tasks go without being asked", async () => {
      const store = await kind.create();
      const stint = await createStint({ storage: store.adapter, definitions: [ok], retention: { days: 1 }, useEnv: false });
      try {
        const worker = stint.createWorker({ pollIntervalMs: 20 });
        // Finished two days ago: stored directly through the port, as an old run would be.
        const [task] = await store.adapter.taskCreateMany({ tasks: [{ id: "00000000000001", name: "old", definitionId: "ok", parentId: null, input: {}, maxIterations: 5, runAt: Date.now() - 3 * DAY_MS, createdOn: Date.now() - 3 * DAY_MS, createdBy: { id: "u", displayName: "u", type: "admin" }, eventResponse: null }] });
        const [claim] = await store.adapter.taskClaim({ workerId: "w", limit: 1, now: Date.now() - 3 * DAY_MS, leaseMs: 1000, definitionIds: ["ok"] });
        await store.adapter.taskFinishMany({ finishes: [{ id: task!.id, leaseToken: claim!.leaseToken, now: Date.now() - 2 * DAY_MS, status: "success" }] });
        worker.start();
        await waitFor(() => stint.tasks.getTask(task!.id), (t) => t === null);
        await worker.stop();
      } finally {
        await stint.close();
        await store.cleanup();
      }
    });
  });

  describe(`selfCleanup (${kind.name})`, () => {
    let f: StintFixture;
    const doneSaw: string[] = [];
    const child = createTaskDefinition({ id: "child", title: "Child", run: ({ response }) => response.done({ child: true }) });
    const cleaning = createTaskDefinition<{ kids?: number }>({
      id: "cleaning",
      title: "Cleaning",
      selfCleanup: true,
      run: async ({ input, response, trigger }) => {
        if ((input.kids ?? 0) > 0 && !(input as { spawned?: boolean }).spawned) {
          for (let i = 0; i < input.kids!; i++) await trigger({ definition: child });
          // Done only once the children are: a parent finishing while a child still runs
          // leaves that child (kept unfinished, then orphaned), which is not this case.
          return response.continue({ ...input, spawned: true } as never, { waitForChildren: true });
        }
        return response.done();
      },
      onDone: ({ task }) => void doneSaw.push(task.id),
    });
    const cleaningFails = createTaskDefinition({ id: "cleaningFails", title: "Cleaning fails", selfCleanup: true, run: ({ response }) => response.error("no") });

    before(async () => {
      f = await stintFixture(kind, [child, cleaning, cleaningFails]);
    });
    after(() => f.close());

    it("deletes a successful task with its logs and finished children after onDone ran", async () => {
      const parent = await f.stint.tasks.trigger({ definition: cleaning, input: { kids: 2 } });
      const keep = await f.stint.tasks.trigger({ definition: child });
      await f.worker.drain();
      assert.deepEqual(doneSaw, [parent.id]);
      assert.equal(await f.stint.tasks.getTask(parent.id), null);
      const left = await f.stint.tasks.listTasks({ limit: 100 });
      assert.deepEqual(left.items.map((t) => t.id), [keep.id]);
      const logs = await f.stint.tasks.listLogs({ where: { task: parent.id } });
      assert.equal(logs.items.length, 0);
    });

    it("keeps a task that failed, with its logs", async () => {
      const failed = await f.stint.tasks.trigger({ definition: cleaningFails });
      await f.worker.drain();
      assert.equal((await f.stint.tasks.getTask(failed.id))?.taskStatus, "failed");
      assert.ok((await f.stint.tasks.listLogs({ where: { task: failed.id } })).items.length > 0);
    });
  });
}

describe("two Stint instances on one PostgreSQL database", async () => {
  const kinds = await storeKinds();
  const pg = kinds.find((k) => k.name === "postgres");
  it("sees a setting changed by the other at once", { skip: !pg }, async () => {
    const store = await pg!.create();
    const other = await store.connect!();
    const a = await createStint({ storage: store.adapter, definitions: [ok], useEnv: false });
    const b = await createStint({ storage: other, definitions: [ok], useEnv: false });
    try {
      assert.deepEqual(await b.tasks.getSettings(), { retentionDays: 90 });
      await a.tasks.updateSettings({ retentionDays: 14 });
      assert.deepEqual(await b.tasks.getSettings(), { retentionDays: 14 });
      await b.tasks.updateSettings({ retentionDays: 200 });
      assert.deepEqual(await a.tasks.getSettings(), { retentionDays: 200 });
    } finally {
      await b.close();
      await a.close();
      await store.cleanup();
    }
  });
});

import assert from "node:assert/strict";
import type { LogItem } from "../../domain/log.js";
import type { ClaimedTask, TaskFinishParams } from "../../storage/port/index.js";
import type { ContractSuite } from "./suite.js";
import { claim, claimOne, createTask, LEASE_MS, LOGS_OLDEST_FIRST, T0, useStore } from "./fixtures.js";

const item = (message: string, at: number, attempt = 1): LogItem => ({ message, type: "info", createdOn: new Date(at), attempt });

export function finishContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskFinishMany / taskUpdate", () => {
    const store = useStore(suite);

    async function logMessages(taskId: string): Promise<string[][]> {
      const logs = await store.adapter.logList({ filters: [{ field: "task", op: "eq", value: taskId }], sort: LOGS_OLDEST_FIRST, limit: 100 });
      return logs.items.map((log) => log.items.map((i) => i.message));
    }

    it("stores an outcome's own log items only with the outcome: a fenced-out finish keeps run()'s items (none once aborted), and makes no record for the outcome's alone", async () => {
      const tasks = await Promise.all(["a", "b", "c", "d"].map((name) => createTask(store.adapter, { name })));
      const held = await claim(store.adapter, { limit: 4 });
      assert.equal(held.length, 4);
      const byName = new Map(held.map((h) => [h.task.name, h]));
      for (const name of ["c", "d"]) {
        await store.adapter.taskAbort({ id: byName.get(name)!.task.id, now: T0 + 10, message: "Stopped.", workerId: "api" });
      }
      // b is fenced out by a token that is not current (as after a takeover), not by an abort.
      const finish = (name: string, own: string[], tokenOffset = 0): TaskFinishParams => {
        const h = byName.get(name)!;
        const items = [...own.map((m) => item(m, T0 + 15)), item("Task done.", T0 + 20)];
        return {
          id: h.task.id,
          leaseToken: h.leaseToken + tokenOffset,
          now: T0 + 20,
          status: "success",
          claimed: h.task,
          log: { taskId: h.task.id, iteration: 1, executionName: "worker-a", now: T0 + 20, items },
          outcomeLogItems: 1,
        };
      };
      const results = await store.adapter.taskFinishMany({ finishes: [
        finish("a", ["a did it"]),
        finish("b", ["b got far"], 5),
        finish("c", ["c got far"]),
        finish("d", []),
      ] });
      assert.deepEqual(results.map((r) => r.applied), [true, false, false, false]);
      const [a, b, c, d] = tasks;
      assert.deepEqual(await logMessages(a.id), [["a did it", "Task done."]]);
      assert.deepEqual(await logMessages(b.id), [["b got far"]]);
      // Aborted: the abort's message stays last; what run() logged since its last flush would follow it.
      assert.deepEqual(await logMessages(c.id), [["Stopped."]]);
      assert.deepEqual(await logMessages(d.id), [["Stopped."]]);
    });

    it("continues a task: new checkpoint, due again at runAt, lease released", async () => {
      const task = await createTask(store.adapter, { input: { page: 1, keep: "me" } });
      const held = await claimOne(store.adapter);
      const [result] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 100, status: "running", input: { page: 2 }, runAt: T0 + 10_000 },
      ] });
      assert.equal(result.applied, true);
      assert.equal(result.task?.taskStatus, "running");
      assert.deepEqual(result.task?.input, { page: 2 });
      assert.deepEqual(result.task?.runAt, new Date(T0 + 10_000));
      assert.deepEqual(result.task?.savedOn, new Date(T0 + 100));
      assert.equal(result.task?.finishedOn, null);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + 10_000);
      assert.deepEqual(await claim(store.adapter, { now: T0 + 9_999 }), []);
      const next = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 10_000 });
      assert.equal(next.kind, "iteration");
      assert.equal(next.task.iterations, 2);
      assert.equal(next.task.attempt, 1);
      assert.deepEqual(next.task.startedOn, new Date(T0));
    });

    it("continues in place: stores the checkpoint and claims the next iteration for the same holder", async () => {
      const task = await createTask(store.adapter, { input: { page: 1, keep: "me" } });
      const held = await claimOne(store.adapter);
      const [result] = await store.adapter.taskFinishMany({ finishes: [
        {
          id: task.id,
          leaseToken: held.leaseToken,
          now: T0 + 100,
          status: "running",
          input: { page: 2, keep: "me" },
          keepClaim: { leaseMs: LEASE_MS },
          log: { taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + 100, items: [item("Task continuing.", T0 + 100)] },
        },
      ] });
      assert.equal(result.applied, true);
      assert.equal(result.task?.taskStatus, "running");
      assert.equal(result.task?.iterations, 2, "the next iteration is claimed");
      assert.equal(result.task?.attempt, 1);
      assert.deepEqual(result.task?.input, { page: 2, keep: "me" });
      assert.deepEqual(result.task?.runAt, new Date(T0 + 100));
      assert.equal(result.leaseToken, held.leaseToken + 1);
      assert.equal(result.leaseExpiresAt, T0 + LEASE_MS, "more than half the lease was left: kept as it was");
      assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: T0 + 200 }), [], "nobody else can claim it");
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + LEASE_MS);

      // Late in the lease (less than half left), continuing in place extends it.
      const late = T0 + LEASE_MS * 0.75;
      const [extended] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: result.leaseToken!, now: late, status: "running", keepClaim: { leaseMs: LEASE_MS } },
      ] });
      assert.equal(extended.applied, true);
      assert.equal(extended.task?.iterations, 3);
      assert.equal(extended.leaseExpiresAt, late + LEASE_MS);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), late + LEASE_MS);
      assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS + 1 }), [], "still held past the first lease");

      const [stale] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: result.leaseToken!, now: late + 300, status: "success" }] });
      assert.equal(stale.applied, false, "an old token no longer writes");
      const [done] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: extended.leaseToken!, now: late + 300, status: "success" }] });
      assert.equal(done.applied, true);
      assert.equal(done.task?.iterations, 3);
      assert.deepEqual(await logMessages(task.id), [["Task continuing."]]);
    });

    it("counts the half of an odd lease length in whole milliseconds when continuing in place", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter); // lease until T0 + LEASE_MS
      const now = T0 + LEASE_MS / 2;
      // Half of LEASE_MS + 1 is a fraction; rounded up, the lease left (LEASE_MS / 2) is short of it.
      const [result] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now, status: "running", keepClaim: { leaseMs: LEASE_MS + 1 } },
      ] });
      assert.equal(result.leaseExpiresAt, now + LEASE_MS + 1);
      // Exactly half left: kept.
      const [kept] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: result.leaseToken!, now: now + (LEASE_MS + 2) / 2, status: "running", keepClaim: { leaseMs: LEASE_MS } },
      ] });
      assert.equal(kept.leaseExpiresAt, now + LEASE_MS + 1);
    });

    it("keeps the claim of a retried iteration until retryAt, so the next claim is a new attempt of it", async () => {
      const task = await createTask(store.adapter, { input: { page: 1 } });
      const held = await claimOne(store.adapter);
      const [result] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 100, status: "running", retryAt: T0 + 5_000 },
      ] });
      assert.equal(result.applied, true);
      assert.equal(result.task?.taskStatus, "running");
      assert.deepEqual(result.task?.input, { page: 1 });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + 5_000);
      assert.deepEqual(await claim(store.adapter, { now: T0 + 4_999 }), []);
      const again = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 5_000 });
      assert.equal(again.kind, "iteration");
      assert.equal(again.task.iterations, 1, "the same iteration");
      assert.equal(again.task.attempt, 2, "a new attempt");
    });

    it("parks a retry under a new token: a renewal or hand-back still carrying the failed attempt's token leaves its due time alone", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const [result] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 100, status: "running", retryAt: T0 + 5_000 },
      ] });
      assert.equal(result.applied, true);
      // The holder's lease keeper renewed (or shutdown handed back) as the finish committed.
      const renewed = await store.adapter.taskRenewLeases({
        workerId: "worker-a",
        leases: [{ id: task.id, leaseToken: held.leaseToken }],
        now: T0 + 200,
        leaseMs: 60_000,
      });
      assert.equal(renewed.states.get(task.id), "lost");
      await store.adapter.taskReleaseLeases({ leases: [{ id: task.id, leaseToken: held.leaseToken }], now: T0 + 300 });
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + 5_000);
      assert.deepEqual(await claim(store.adapter, { now: T0 + 4_999 }), []);
      const again = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 5_000 });
      assert.equal(again.task.attempt, 2, "the retry, at retryAt");
    });

    it("given the claimed task, returns each task exactly as stored, alone and in a batch, and a fenced-out one as it stands", async () => {
      const finishes = (held: ClaimedTask, now: number): TaskFinishParams[] => {
        const base = { id: held.task.id, leaseToken: held.leaseToken, now, claimed: held.task };
        const log = { taskId: held.task.id, iteration: held.task.iterations, executionName: "worker-a", now, items: [item("end", now)] };
        return [
          { ...base, status: "running", input: { page: 2 }, keepClaim: { leaseMs: LEASE_MS }, log },
          { ...base, status: "running", input: { page: 3 }, runAt: now + 5_000, progress: { done: 3, total: 9 } },
          { ...base, status: "running", retryAt: now + 1_000, log },
          { ...base, status: "success", output: { sent: 3 }, hookLeaseMs: 1_000, log },
          { ...base, status: "failed", output: { error: { message: "no" } }, iterations: 7 },
        ];
      };
      const create = () =>
        Promise.all([1, 2, 3, 4, 5].map((n) => createTask(store.adapter, { name: `task ${n}`, input: { page: 1 }, parentId: "parent-1" })));
      // One by one (the batch of one), then the same kinds of finish as one batch.
      await create();
      const alone = await claim(store.adapter, { limit: 5 });
      const aloneResults = [];
      for (const [i, held] of alone.entries()) aloneResults.push(...(await store.adapter.taskFinishMany({ finishes: [finishes(held, T0 + 100)[i]!] })));
      await create();
      const batch = await claim(store.adapter, { limit: 5, now: T0 + 1 });
      const batchResults = await store.adapter.taskFinishMany({ finishes: batch.map((held, i) => finishes(held, T0 + 200)[i]!) });
      for (const result of [...aloneResults, ...batchResults]) {
        assert.equal(result.applied, true);
        assert.deepEqual(result.task, await store.adapter.taskGet({ id: result.id }));
      }

      // Fenced out: taken over by another worker; its task as stored now (its execution name).
      // (A definition of their own: the tasks above come due again meanwhile.)
      const definitionIds = ["fenced-def"];
      const lapsed = await createTask(store.adapter, { input: { page: 1 }, definitionId: "fenced-def" });
      const old = await claimOne(store.adapter, { now: T0 + 2 * LEASE_MS, definitionIds });
      await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 3 * LEASE_MS, definitionIds });
      for (const size of [1, 2]) {
        const other = size === 2 ? [await createTask(store.adapter, { definitionId: "fenced-def" })] : [];
        const others = size === 2 ? await claim(store.adapter, { workerId: "worker-c", now: T0 + 3 * LEASE_MS + 1, definitionIds }) : [];
        assert.equal(others.length, other.length);
        const results = await store.adapter.taskFinishMany({ finishes: [
          { id: lapsed.id, leaseToken: old.leaseToken, now: T0 + 3 * LEASE_MS + 2, status: "success", claimed: old.task },
          ...others.map((held) => ({ id: held.task.id, leaseToken: held.leaseToken, now: T0 + 3 * LEASE_MS + 2, status: "success" as const, claimed: held.task })),
        ] });
        assert.equal(results[0]!.applied, false);
        assert.equal(results[0]!.task?.executionName, "worker-b");
        assert.deepEqual(results[0]!.task, await store.adapter.taskGet({ id: lapsed.id }));
        for (const result of results.slice(1)) assert.deepEqual(result.task, await store.adapter.taskGet({ id: result.id }));
      }
    });

    it("finishes a task for good without a hook: output stored, nothing due any more", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const [result] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 100, status: "success", output: { sent: 3 } },
      ] });
      assert.equal(result.applied, true);
      assert.equal(result.task?.taskStatus, "success");
      assert.deepEqual(result.task?.output, { sent: 3 });
      assert.deepEqual(result.task?.finishedOn, new Date(T0 + 100));
      assert.deepEqual(result.task?.input, task.input);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), null);
      assert.deepEqual(await claim(store.adapter, { now: T0 + 10 * LEASE_MS }), []);
      assert.deepEqual(await store.adapter.taskGet({ id: task.id }), result.task);
    });

    it("keeps a terminal task claimed for hookLeaseMs, then offers it as a hook claim", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const [result] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 100, status: "failed", output: { error: { message: "no" } }, hookLeaseMs: 5_000 },
      ] });
      assert.equal(result.applied, true);
      assert.equal(await store.adapter.taskNextDueAt({ definitionIds: [task.definitionId] }), T0 + 5_100);
      assert.deepEqual(await claim(store.adapter, { workerId: "worker-b", now: T0 + 5_099 }), []);
      const hook = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + 5_100 });
      assert.equal(hook.kind, "hook");
      assert.equal(hook.task.taskStatus, "failed");
      assert.equal(hook.task.iterations, 1);
      assert.deepEqual(hook.task.output, { error: { message: "no" } });
      assert.deepEqual(hook.task.finishedOn, new Date(T0 + 100));
      assert.notEqual(hook.leaseToken, held.leaseToken);
    });

    it("keeps stored values for fields left undefined and clears output given as null", async () => {
      const task = await createTask(store.adapter, { input: { a: 1 } });
      const first = await claimOne(store.adapter);
      await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: first.leaseToken, now: T0 + 1, status: "running", output: { partial: true }, progress: { done: 1, total: 4 }, runAt: T0 + 1 },
      ] });
      const second = await claimOne(store.adapter, { now: T0 + 1 });
      const [kept] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: second.leaseToken, now: T0 + 2, status: "running", runAt: T0 + 2 }] });
      assert.deepEqual(kept.task?.input, { a: 1 });
      assert.deepEqual(kept.task?.output, { partial: true });
      assert.deepEqual(kept.task?.progress, { done: 1, total: 4 });
      const third = await claimOne(store.adapter, { now: T0 + 2 });
      const [cleared] = await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: third.leaseToken, now: T0 + 3, status: "success", output: null, progress: null },
      ] });
      assert.equal(cleared.task?.output, null);
      assert.equal(cleared.task?.progress, null);
    });

    it("stores an explicit iteration count", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const [result] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "failed", iterations: 50 }] });
      assert.equal(result.task?.iterations, 50);
    });

    it("does nothing with a stale lease token but still appends the log items", async () => {
      const task = await createTask(store.adapter);
      const old = await claimOne(store.adapter, { workerId: "worker-a" });
      const current = await claimOne(store.adapter, { workerId: "worker-b", now: T0 + LEASE_MS });
      const [result] = await store.adapter.taskFinishMany({ finishes: [
        {
          id: task.id,
          leaseToken: old.leaseToken,
          now: T0 + LEASE_MS + 1,
          status: "success",
          output: { stale: true },
          log: { taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + LEASE_MS + 1, items: [item("late write", T0 + LEASE_MS + 1)] },
        },
      ] });
      assert.equal(result.applied, false);
      assert.equal(result.task?.taskStatus, "running");
      assert.equal(result.task?.output, null);
      assert.equal(result.task?.executionName, "worker-b");
      assert.deepEqual(await logMessages(task.id), [["late write"]]);
      const [ok] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: current.leaseToken, now: T0 + LEASE_MS + 2, status: "success" }] });
      assert.equal(ok.applied, true);
    });

    it("writes a terminal status at most once", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      const [first] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 1, status: "success", output: { n: 1 } }] });
      const [second] = await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 2, status: "failed", output: { n: 2 } }] });
      assert.equal(first.applied, true);
      assert.equal(second.applied, false);
      assert.equal(second.task?.taskStatus, "success");
      assert.deepEqual(second.task?.output, { n: 1 });
      assert.deepEqual(second.task?.finishedOn, new Date(T0 + 1));
    });

    it("reports a finish of a task that no longer exists as not applied, without a task", async () => {
      const [result] = await store.adapter.taskFinishMany({ finishes: [{ id: "gone", leaseToken: 1, now: T0, status: "success" }] });
      assert.deepEqual(result, { id: "gone", applied: false, task: null });
    });

    it("finishes a batch item by item: a fenced item does not stop the others", async () => {
      const a = await createTask(store.adapter, { runAt: T0 });
      const b = await createTask(store.adapter, { runAt: T0 + 1 });
      const c = await createTask(store.adapter, { runAt: T0 + 2 });
      const claimed = await claim(store.adapter, { now: T0 + 2 });
      assert.equal(claimed.length, 3);
      const results = await store.adapter.taskFinishMany({ finishes: [
        { id: a.id, leaseToken: claimed[0].leaseToken, now: T0 + 3, status: "success" },
        { id: b.id, leaseToken: claimed[1].leaseToken + 7, now: T0 + 3, status: "success" },
        { id: c.id, leaseToken: claimed[2].leaseToken, now: T0 + 3, status: "running", runAt: T0 + 50 },
      ] });
      assert.deepEqual(results.map((r) => [r.id, r.applied, r.task?.taskStatus]), [
        [a.id, true, "success"],
        [b.id, false, "running"],
        [c.id, true, "running"],
      ]);
    });

    it("writes the iteration's log items with the finish", async () => {
      const task = await createTask(store.adapter);
      const held = await claimOne(store.adapter);
      await store.adapter.taskFinishMany({ finishes: [
        {
          id: task.id,
          leaseToken: held.leaseToken,
          now: T0 + 5,
          status: "success",
          log: { taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + 5, items: [item("step", T0 + 4), item("Task done.", T0 + 5)] },
        },
      ] });
      assert.deepEqual(await logMessages(task.id), [["step", "Task done."]]);
    });

    it("applies a partial update only while the lease is held and the task running", async () => {
      const task = await createTask(store.adapter, { input: { a: 1 } });
      const held = await claimOne(store.adapter);
      assert.equal(await store.adapter.taskUpdate({ id: task.id, leaseToken: held.leaseToken, now: T0 + 7, input: { a: 2 }, progress: { done: 3 } }), true);
      const updated = await store.adapter.taskGet({ id: task.id });
      assert.deepEqual(updated?.input, { a: 2 });
      assert.deepEqual(updated?.progress, { done: 3 });
      assert.equal(updated?.output, null);
      assert.deepEqual(updated?.savedOn, new Date(T0 + 7));
      assert.equal(await store.adapter.taskUpdate({ id: task.id, leaseToken: held.leaseToken, now: T0 + 8, output: { o: 1 } }), true);
      assert.deepEqual((await store.adapter.taskGet({ id: task.id }))?.input, { a: 2 });
      assert.deepEqual((await store.adapter.taskGet({ id: task.id }))?.output, { o: 1 });
      assert.equal(await store.adapter.taskUpdate({ id: task.id, leaseToken: held.leaseToken + 1, now: T0 + 9, input: { a: 3 } }), false);
      await store.adapter.taskFinishMany({ finishes: [{ id: task.id, leaseToken: held.leaseToken, now: T0 + 10, status: "success" }] });
      assert.equal(await store.adapter.taskUpdate({ id: task.id, leaseToken: held.leaseToken, now: T0 + 11, input: { a: 4 } }), false);
      assert.deepEqual((await store.adapter.taskGet({ id: task.id }))?.input, { a: 2 });
    });

    it("does not update a pending task that nobody claimed", async () => {
      const task = await createTask(store.adapter);
      assert.equal(await store.adapter.taskUpdate({ id: task.id, leaseToken: 0, now: T0 + 1, input: { x: 1 } }), false);
      assert.equal(await store.adapter.taskUpdate({ id: "missing", leaseToken: 0, now: T0 + 1, input: { x: 1 } }), false);
    });
  });
}

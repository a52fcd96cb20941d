import assert from "node:assert/strict";
import { isStintError } from "../../domain/errors.js";
import type { LogItem } from "../../domain/log.js";
import type { LogListParams } from "../../storage/port/types.js";
import type { ContractSuite } from "./suite.js";
import { claimOne, createTask, LOGS_OLDEST_FIRST, T0, useStore } from "./fixtures.js";

const info = (message: string, at = T0, extra: Partial<LogItem> = {}): LogItem => ({ message, type: "info", createdOn: new Date(at), ...extra });

export function logsContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("logAppend / logList", () => {
    const store = useStore(suite);

    function list(params: Partial<LogListParams> = {}) {
      return store.adapter.logList({ filters: [], sort: LOGS_OLDEST_FIRST, limit: 100, ...params });
    }

    it("creates no record for an append without items, alone or in a finish", async () => {
      const task = await createTask(store.adapter);
      await store.adapter.logAppend({ taskId: task.id, iteration: 1, executionName: "worker-a", now: T0 + 10, items: [] });
      const held = await claimOne(store.adapter, { now: T0 + 20 });
      await store.adapter.taskFinishMany({ finishes: [
        { id: task.id, leaseToken: held.leaseToken, now: T0 + 30, status: "success", log: { taskId: task.id, iteration: 2, executionName: "worker-a", now: T0 + 30, items: [] } },
      ] });
      assert.equal((await list()).totalCount, 0);
    });

    it("creates the iteration's record on first append, with its items as written", async () => {
      const task = await createTask(store.adapter);
      await store.adapter.logAppend({
        taskId: task.id,
        iteration: 1,
        executionName: "worker-a",
        now: T0 + 10,
        items: [
          info("hello", T0 + 9, { data: { n: 1 }, attempt: 1 }),
          { message: "boom", type: "error", createdOn: new Date(T0 + 10), error: { message: "boom", code: "E" }, attempt: 2 },
        ],
      });
      const { items: [log], totalCount } = await list();
      assert.equal(totalCount, 1);
      assert.equal(log.taskId, task.id);
      assert.equal(log.iteration, 1);
      assert.equal(log.executionName, "worker-a");
      assert.deepEqual(log.createdOn, new Date(T0 + 10));
      assert.equal(typeof log.id, "string");
      assert.equal(typeof log.createdBy.id, "string");
      assert.deepEqual(log.items, [
        { message: "hello", type: "info", createdOn: new Date(T0 + 9), data: { n: 1 }, attempt: 1 },
        { message: "boom", type: "error", createdOn: new Date(T0 + 10), error: { message: "boom", code: "E" }, attempt: 2 },
      ]);
    });

    it("appends to the same record across calls and attempts, never replacing an item", async () => {
      const task = await createTask(store.adapter);
      const append = (messages: string[], attempt: number, now: number) =>
        store.adapter.logAppend({ taskId: task.id, iteration: 1, executionName: `w${attempt}`, now, items: messages.map((m) => info(m, now, { attempt })) });
      await append(["a1", "a2"], 1, T0 + 1);
      await append(["b1"], 2, T0 + 2);
      await append([], 2, T0 + 3);
      await append(["c1", "c2"], 2, T0 + 4);
      const { items } = await list();
      assert.equal(items.length, 1);
      assert.equal(items[0].executionName, "w1", "the record keeps the name it was created with");
      assert.deepEqual(items[0].items.map((i) => [i.message, i.attempt]), [
        ["a1", 1], ["a2", 1], ["b1", 2], ["c1", 2], ["c2", 2],
      ]);
    });

    it("keeps one record per iteration", async () => {
      const task = await createTask(store.adapter);
      for (const iteration of [1, 2, 3]) {
        await store.adapter.logAppend({ taskId: task.id, iteration, executionName: "w", now: T0 + iteration, items: [info(`it ${iteration}`)] });
      }
      const { items } = await list();
      assert.deepEqual(items.map((l) => [l.iteration, l.items.map((i) => i.message)]), [
        [1, ["it 1"]], [2, ["it 2"]], [3, ["it 3"]],
      ]);
    });

    it("never loses an item when appends to one record run concurrently", async () => {
      const task = await createTask(store.adapter);
      await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          store.adapter.logAppend({ taskId: task.id, iteration: 1, executionName: "w", now: T0, items: [info(`${n}-a`), info(`${n}-b`)] }),
        ),
      );
      const { items } = await list();
      assert.equal(items.length, 1);
      const messages = items[0].items.map((i) => i.message);
      assert.equal(messages.length, 40);
      for (let n = 0; n < 20; n += 1) assert.ok(messages.indexOf(`${n}-a`) < messages.indexOf(`${n}-b`), "one call's items stay in order");
    });

    it("filters records by task, iteration, executionName and createdOn", async () => {
      const a = await createTask(store.adapter);
      const b = await createTask(store.adapter);
      await store.adapter.logAppend({ taskId: a.id, iteration: 1, executionName: "alpha", now: T0 + 1, items: [info("x")] });
      await store.adapter.logAppend({ taskId: a.id, iteration: 2, executionName: "beta", now: T0 + 2, items: [info("y")] });
      await store.adapter.logAppend({ taskId: b.id, iteration: 1, executionName: "alpha", now: T0 + 3, items: [info("z")] });
      const shape = async (params: Partial<LogListParams>) => (await list(params)).items.map((l) => `${l.taskId === a.id ? "a" : "b"}${l.iteration}`);
      assert.deepEqual(await shape({ filters: [{ field: "task", op: "eq", value: a.id }] }), ["a1", "a2"]);
      assert.deepEqual(await shape({ filters: [{ field: "iteration", op: "eq", value: 1 }] }), ["a1", "b1"]);
      assert.deepEqual(await shape({ filters: [{ field: "iteration", op: "gt", value: 1 }] }), ["a2"]);
      assert.deepEqual(await shape({ filters: [{ field: "executionName", op: "eq", value: "alpha" }] }), ["a1", "b1"]);
      assert.deepEqual(await shape({ filters: [{ field: "createdOn", op: "gte", value: new Date(T0 + 2) }] }), ["a2", "b1"]);
      assert.deepEqual(
        await shape({ filters: [{ field: "task", op: "eq", value: a.id }, { field: "executionName", op: "not", value: "alpha" }] }),
        ["a2"],
      );
      assert.deepEqual(await shape({ sort: [{ field: "createdOn", direction: "desc" }, { field: "id", direction: "desc" }] }), ["b1", "a2", "a1"]);
    });

    it("filters records by their items: some item matches a positive filter, none a negated one", async () => {
      const task = await createTask(store.adapter);
      const append = (iteration: number, items: LogItem[]) =>
        store.adapter.logAppend({ taskId: task.id, iteration, executionName: "w", now: T0 + iteration, items });
      await append(1, [info("Copied 10 files", T0 + 1), { message: "Disk full", type: "error", createdOn: new Date(T0 + 2) }]);
      await append(2, [info("copied 5 files", T0 + 3)]);
      await append(3, [info("Done", T0 + 4)]);
      const iterations = async (itemFilters: LogListParams["itemFilters"], extra: Partial<LogListParams> = {}) => {
        const result = await list({ itemFilters, filters: [{ field: "task", op: "eq", value: task.id }], ...extra });
        assert.equal(result.totalCount, result.items.length);
        return result.items.map((log) => log.iteration);
      };
      assert.deepEqual(await iterations([{ field: "message", op: "contains", value: "COPIED" }]), [1, 2]);
      assert.deepEqual(await iterations([{ field: "type", op: "eq", value: "error" }]), [1]);
      assert.deepEqual(await iterations([{ field: "type", op: "not", value: "error" }]), [2, 3]);
      assert.deepEqual(await iterations([{ field: "message", op: "not_contains", value: "copied" }]), [3]);
      assert.deepEqual(await iterations([{ field: "message", op: "in", value: ["Done", "Disk full"] }]), [1, 3]);
      assert.deepEqual(await iterations([{ field: "message", op: "not_in", value: ["Done"] }]), [1, 2]);
      assert.deepEqual(await iterations([{ field: "message", op: "startsWith", value: "d" }]), [1, 3]);
      assert.deepEqual(await iterations([{ field: "createdOn", op: "gte", value: new Date(T0 + 2) }]), [1, 2, 3]);
      assert.deepEqual(await iterations([{ field: "createdOn", op: "between", value: [new Date(T0 + 2), new Date(T0 + 3)] }]), [1, 2]);
      assert.deepEqual(await iterations([{ field: "createdOn", op: "not_between", value: [new Date(T0 + 1), new Date(T0 + 3)] }]), [3]);
      // Filters hold each on its own (Webiny): log 1 has a "copied" item and an error item.
      assert.deepEqual(await iterations([{ field: "message", op: "contains", value: "copied" }, { field: "type", op: "eq", value: "error" }]), [1]);
      // With the other filters, search and paging.
      assert.deepEqual(await iterations([{ field: "message", op: "contains", value: "copied" }], { search: "disk" }), [1]);
      const page = await list({ itemFilters: [{ field: "type", op: "eq", value: "info" }], filters: [{ field: "task", op: "eq", value: task.id }], limit: 2 });
      assert.deepEqual([page.items.map((log) => log.iteration), page.totalCount, page.hasMoreItems], [[1, 2], 3, true]);
      const rest = await list({ itemFilters: [{ field: "type", op: "eq", value: "info" }], filters: [{ field: "task", op: "eq", value: task.id }], limit: 2, after: page.cursor! });
      assert.deepEqual(rest.items.map((log) => log.iteration), [3]);
    });

    it("searches item messages, ignoring case", async () => {
      const task = await createTask(store.adapter);
      await store.adapter.logAppend({ taskId: task.id, iteration: 1, executionName: "w", now: T0 + 1, items: [info("Sending mail"), info("ok")] });
      await store.adapter.logAppend({ taskId: task.id, iteration: 2, executionName: "w", now: T0 + 2, items: [info("nothing here")] });
      const found = await list({ search: "MAIL" });
      assert.deepEqual(found.items.map((l) => l.iteration), [1]);
      assert.equal(found.totalCount, 1);
      assert.deepEqual(found.items[0].items.map((i) => i.message), ["Sending mail", "ok"], "a match returns the whole record");
      assert.equal((await list({ search: "absent" })).totalCount, 0);
    });

    it("pages through records with a keyset cursor", async () => {
      const task = await createTask(store.adapter);
      for (let i = 1; i <= 5; i += 1) {
        await store.adapter.logAppend({ taskId: task.id, iteration: i, executionName: "w", now: T0 + (i % 2), items: [info(`m${i}`)] });
      }
      const all = (await list()).items.map((l) => l.id);
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page += 1) {
        const result = await list({ limit: 2, after });
        assert.equal(result.totalCount, 5);
        seen.push(...result.items.map((l) => l.id));
        if (!result.hasMoreItems) {
          assert.equal(result.cursor, null);
          break;
        }
        after = result.cursor ?? undefined;
      }
      assert.deepEqual(seen, all);
      await assert.rejects(list({ after: "%%%" }), (e) => isStintError(e, "INVALID_ARGUMENT"));
    });
  });
}

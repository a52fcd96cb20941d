import assert from "node:assert/strict";
import { isStintError } from "../../domain/errors.js";
import type { StorageAdapter } from "../../storage/port/index.js";
import type { Filter, Sort, TaskListField, TaskListParams } from "../../storage/port/types.js";
import type { ContractSuite } from "./suite.js";
import { claimOne, createTask, DEF, NEWEST_FIRST, T0, taskParams, useStore } from "./fixtures.js";

type Label = "t1" | "t2" | "t3" | "t4" | "t5";

/**
 * Five tasks created one ms apart (t1 oldest), so the default newest-first order is
 * t5..t1 and ids ascend with creation:
 *
 * | task | name                  | definition | parent | createdBy | status  | iterations | started | finished |
 * | t1   | Send Welcome Mail     | sendEmail  | null   | user-1    | running | 1          | +100    | null     |
 * | t2   | send invoice          | sendEmail  | t1     | user-2    | pending | 0          | null    | null     |
 * | t3   | Import 100% of rows_x | importRows | null   | user-1    | success | 2          | +150    | +300     |
 * | t4   | cleanup               | cleanup    | t1     | user-2    | aborted | 0          | null    | +50      |
 * | t5   | Another mail          | sendEmail  | x-1    | user-3    | pending | 0          | null    | null     |
 */
export async function seed(adapter: StorageAdapter): Promise<Map<string, Label>> {
  const who = (id: string) => ({ id, displayName: id, type: null });
  // Flow-control values too, so list-fields.contract.ts filters and sorts them on real values
  // (t1 stays the first of DEF to claim: the highest priority, tied with t5 and due earlier).
  const t1 = await createTask(adapter, { name: "Send Welcome Mail", createdOn: T0 + 1, createdBy: who("user-1"), priority: 2, idempotencyKey: "Order-1" });
  const t2 = await createTask(adapter, { name: "send invoice", createdOn: T0 + 2, parentId: t1.id, createdBy: who("user-2"), priority: -1, idempotencyKey: "order-2" });
  const t3 = await createTask(adapter, { name: "Import 100% of rows_x", definitionId: "importRows", createdOn: T0 + 3, createdBy: who("user-1"), priority: 5, concurrencyKey: "Tenant-A" });
  const t4 = await createTask(adapter, { name: "cleanup", definitionId: "cleanup", createdOn: T0 + 4, parentId: t1.id, createdBy: who("user-2"), concurrencyKey: "tenant-b", rerunOf: "Task-9" });
  const t5 = await createTask(adapter, { name: "Another mail", createdOn: T0 + 5, parentId: "x-1", createdBy: who("user-3"), priority: 2, rerunOf: t1.id });

  await claimOne(adapter, { workerId: "worker-a", now: T0 + 100, definitionIds: [DEF] });
  await adapter.taskAbort({ id: t4.id, now: T0 + 50, message: "no", workerId: "api" });
  const first = await claimOne(adapter, { workerId: "worker-b", now: T0 + 150, definitionIds: ["importRows"] });
  await adapter.taskFinishMany({ finishes: [{ id: t3.id, leaseToken: first.leaseToken, now: T0 + 160, status: "running", runAt: T0 + 200 }] });
  const second = await claimOne(adapter, { workerId: "worker-b", now: T0 + 200, definitionIds: ["importRows"] });
  await adapter.taskFinishMany({ finishes: [{ id: t3.id, leaseToken: second.leaseToken, now: T0 + 300, status: "success" }] });

  return new Map<string, Label>([[t1.id, "t1"], [t2.id, "t2"], [t3.id, "t3"], [t4.id, "t4"], [t5.id, "t5"]]);
}

export function listTasksContract(suite: ContractSuite): void {
  const { describe, it } = suite;
  describe("taskList", () => {
    const store = useStore(suite);
    let labels: Map<string, Label>;

    async function list(params: Partial<TaskListParams> = {}) {
      return store.adapter.taskList({ filters: [], sort: NEWEST_FIRST, limit: 100, ...params });
    }
    async function where(field: TaskListField, op: Filter<TaskListField>["op"], value: unknown): Promise<Label[]> {
      return (await list({ filters: [{ field, op, value }] })).items.map((t) => labels.get(t.id)!);
    }
    function idOf(label: Label): string {
      return [...labels].find(([, l]) => l === label)![0];
    }

    it("counts every task in an unfiltered totalCount through creates, a refused batch and deletes", async () => {
      const total = async () => (await list({ limit: 1 })).totalCount;
      assert.equal(await total(), 0);
      const batch = await store.adapter.taskCreateMany({ tasks: [taskParams({ createdOn: T0 + 1 }), taskParams({ createdOn: T0 + 2 }), taskParams({ createdOn: T0 + 3 })] });
      assert.equal(await total(), 3);
      // A batch naming an id that exists is refused whole: nothing is counted.
      await assert.rejects(store.adapter.taskCreateMany({ tasks: [taskParams({ createdOn: T0 + 4 }), taskParams({ id: batch[0].id })] }));
      assert.equal(await total(), 3);
      assert.equal(await store.adapter.taskDelete({ id: batch[1].id }), true);
      assert.equal(await store.adapter.taskDelete({ id: batch[1].id }), false);
      assert.equal(await total(), 2);
      assert.equal((await list({ filters: [{ field: "definitionId", op: "eq", value: DEF }] })).totalCount, 2);
    });

    it("lists newest first by default sort and oldest first ascending", async () => {
      labels = await seed(store.adapter);
      const newest = await list();
      assert.deepEqual(newest.items.map((t) => labels.get(t.id)), ["t5", "t4", "t3", "t2", "t1"]);
      assert.equal(newest.totalCount, 5);
      assert.equal(newest.hasMoreItems, false);
      assert.equal(newest.cursor, null);
      const oldest = await list({ sort: [{ field: "createdOn", direction: "asc" }, { field: "id", direction: "asc" }] });
      assert.deepEqual(oldest.items.map((t) => labels.get(t.id)), ["t1", "t2", "t3", "t4", "t5"]);
    });

    it("filters text fields with every text operator, ignoring case for partial matches", async () => {
      labels = await seed(store.adapter);
      assert.deepEqual(await where("name", "eq", "cleanup"), ["t4"]);
      assert.deepEqual(await where("name", "eq", "CLEANUP"), []);
      assert.deepEqual(await where("name", "not", "cleanup"), ["t5", "t3", "t2", "t1"]);
      assert.deepEqual(await where("name", "in", ["cleanup", "send invoice", "nope"]), ["t4", "t2"]);
      assert.deepEqual(await where("name", "not_in", ["cleanup", "send invoice"]), ["t5", "t3", "t1"]);
      assert.deepEqual(await where("name", "contains", "MAIL"), ["t5", "t1"]);
      assert.deepEqual(await where("name", "not_contains", "mail"), ["t4", "t3", "t2"]);
      assert.deepEqual(await where("name", "startsWith", "send"), ["t2", "t1"]);
      assert.deepEqual(await where("name", "not_startsWith", "SEND"), ["t5", "t4", "t3"]);
      assert.deepEqual(await where("definitionId", "eq", DEF), ["t5", "t2", "t1"]);
      assert.deepEqual(await where("executionName", "eq", ""), ["t5", "t4", "t2"]);
      assert.deepEqual(await where("executionName", "eq", "worker-a"), ["t1"]);
      assert.deepEqual(await where("id", "eq", idOf("t2")), ["t2"]);
    });

    it("ignores the case of A-Z only in partial matches and search, never of other letters (both stores alike)", async () => {
      const cafe = await createTask(store.adapter, { name: "Café Crème", createdOn: T0 + 1 });
      const street = await createTask(store.adapter, { name: "Straße", createdOn: T0 + 2 });
      const ids = async (op: Filter<TaskListField>["op"], value: string) =>
        (await list({ filters: [{ field: "name", op, value }] })).items.map((t) => t.id);
      assert.deepEqual(await ids("contains", "CAFé"), [cafe.id]);
      assert.deepEqual(await ids("contains", "CAFÉ"), [], "É is not é");
      assert.deepEqual(await ids("startsWith", "cafÉ"), []);
      assert.deepEqual(await ids("startsWith", "STRAßE"), [street.id]);
      assert.deepEqual(await ids("contains", "STRASSE"), [], "ß is not ss");
      assert.deepEqual(await ids("not_contains", "É"), [street.id, cafe.id]);
      assert.deepEqual((await list({ search: "CRÈME" })).items.map((t) => t.id), [], "È is not è");
      assert.deepEqual((await list({ search: "cRèME" })).items.map((t) => t.id), [cafe.id]);
    });

    it("matches % and _ literally in partial text matches", async () => {
      labels = await seed(store.adapter);
      assert.deepEqual(await where("name", "contains", "100%"), ["t3"]);
      assert.deepEqual(await where("name", "contains", "%"), ["t3"]);
      assert.deepEqual(await where("name", "contains", "_"), ["t3"]);
      assert.deepEqual(await where("name", "startsWith", "_"), []);
      assert.deepEqual((await list({ search: "s_x" })).items.map((t) => labels.get(t.id)), ["t3"]);
      assert.deepEqual((await list({ search: "0_" })).items, [], "_ is no wildcard");
    });

    it("filters by status and by the creator's identity id", async () => {
      labels = await seed(store.adapter);
      assert.deepEqual(await where("taskStatus", "eq", "pending"), ["t5", "t2"]);
      assert.deepEqual(await where("taskStatus", "in", ["running", "success"]), ["t3", "t1"]);
      assert.deepEqual(await where("taskStatus", "not_in", ["pending"]), ["t4", "t3", "t1"]);
      assert.deepEqual(await where("createdBy", "eq", "user-1"), ["t3", "t1"]);
      assert.deepEqual(await where("createdBy", "in", ["user-2", "user-3"]), ["t5", "t4", "t2"]);
      assert.deepEqual(await where("createdBy", "not", "user-2"), ["t5", "t3", "t1"]);
    });

    it("treats null as IS NULL for eq/not and lets negations match rows without a value", async () => {
      labels = await seed(store.adapter);
      const t1 = idOf("t1");
      assert.deepEqual(await where("parentId", "eq", null), ["t3", "t1"]);
      assert.deepEqual(await where("parentId", "not", null), ["t5", "t4", "t2"]);
      assert.deepEqual(await where("parentId", "eq", t1), ["t4", "t2"]);
      assert.deepEqual(await where("parentId", "not", t1), ["t5", "t3", "t1"]);
      assert.deepEqual(await where("parentId", "in", [t1, null]), ["t4", "t3", "t2", "t1"]);
      assert.deepEqual(await where("parentId", "not_in", [t1]), ["t5", "t3", "t1"]);
      assert.deepEqual(await where("parentId", "not_in", [t1, null]), ["t5"]);
      assert.deepEqual(await where("parentId", "not_contains", "x-"), ["t4", "t3", "t2", "t1"]);
      assert.deepEqual(await where("startedOn", "eq", null), ["t5", "t4", "t2"]);
      assert.deepEqual(await where("finishedOn", "not", null), ["t4", "t3"]);
    });

    it("filters numbers with every number operator", async () => {
      labels = await seed(store.adapter);
      assert.deepEqual(await where("iterations", "eq", 0), ["t5", "t4", "t2"]);
      assert.deepEqual(await where("iterations", "not", 0), ["t3", "t1"]);
      assert.deepEqual(await where("iterations", "in", [1, 2]), ["t3", "t1"]);
      assert.deepEqual(await where("iterations", "not_in", [0, 1]), ["t3"]);
      assert.deepEqual(await where("iterations", "lt", 1), ["t5", "t4", "t2"]);
      assert.deepEqual(await where("iterations", "lte", 1), ["t5", "t4", "t2", "t1"]);
      assert.deepEqual(await where("iterations", "gt", 1), ["t3"]);
      assert.deepEqual(await where("iterations", "gte", 1), ["t3", "t1"]);
      assert.deepEqual(await where("iterations", "between", [1, 2]), ["t3", "t1"]);
      assert.deepEqual(await where("iterations", "not_between", [1, 1]), ["t5", "t4", "t3", "t2"]);
    });

    it("filters dates with every date operator, at millisecond precision", async () => {
      labels = await seed(store.adapter);
      const at = (ms: number) => new Date(T0 + ms);
      assert.deepEqual(await where("createdOn", "eq", at(3)), ["t3"]);
      assert.deepEqual(await where("createdOn", "not", at(3)), ["t5", "t4", "t2", "t1"]);
      assert.deepEqual(await where("createdOn", "in", [at(1), at(5)]), ["t5", "t1"]);
      assert.deepEqual(await where("createdOn", "not_in", [at(1), at(5)]), ["t4", "t3", "t2"]);
      assert.deepEqual(await where("createdOn", "lt", at(3)), ["t2", "t1"]);
      assert.deepEqual(await where("createdOn", "lte", at(3)), ["t3", "t2", "t1"]);
      assert.deepEqual(await where("createdOn", "gt", at(4)), ["t5"]);
      assert.deepEqual(await where("createdOn", "gte", at(4)), ["t5", "t4"]);
      assert.deepEqual(await where("createdOn", "between", [at(2), at(4)]), ["t4", "t3", "t2"]);
      assert.deepEqual(await where("createdOn", "not_between", [at(2), at(4)]), ["t5", "t1"]);
      assert.deepEqual(await where("startedOn", "gte", at(100)), ["t3", "t1"]);
      assert.deepEqual(await where("startedOn", "gt", at(100)), ["t3"]);
      assert.deepEqual(await where("finishedOn", "lt", at(300)), ["t4"]);
      assert.deepEqual(await where("savedOn", "eq", at(300)), ["t3"]);
    });

    it("combines filters and search with AND", async () => {
      labels = await seed(store.adapter);
      const both = await list({ filters: [{ field: "definitionId", op: "eq", value: DEF }, { field: "taskStatus", op: "eq", value: "pending" }] });
      assert.deepEqual(both.items.map((t) => labels.get(t.id)), ["t5", "t2"]);
      assert.equal(both.totalCount, 2);
      const searched = await list({ search: "MAIL" });
      assert.deepEqual(searched.items.map((t) => labels.get(t.id)), ["t5", "t1"]);
      assert.equal(searched.totalCount, 2);
      const narrowed = await list({ search: "mail", filters: [{ field: "taskStatus", op: "eq", value: "running" }] });
      assert.deepEqual(narrowed.items.map((t) => labels.get(t.id)), ["t1"]);
    });

    it("sorts on any field in either direction, nulls first ascending and last descending", async () => {
      labels = await seed(store.adapter);
      const order = async (sort: Sort<TaskListField>[]) => (await list({ sort })).items.map((t) => labels.get(t.id));
      assert.deepEqual(await order([{ field: "iterations", direction: "desc" }, { field: "id", direction: "asc" }]), ["t3", "t1", "t2", "t4", "t5"]);
      assert.deepEqual(await order([{ field: "startedOn", direction: "asc" }, { field: "id", direction: "asc" }]), ["t2", "t4", "t5", "t1", "t3"]);
      assert.deepEqual(await order([{ field: "startedOn", direction: "desc" }, { field: "id", direction: "desc" }]), ["t3", "t1", "t5", "t4", "t2"]);
      assert.deepEqual(await order([{ field: "taskStatus", direction: "asc" }, { field: "id", direction: "desc" }]), ["t4", "t5", "t2", "t1", "t3"]);
    });

    it("pages to the end with the keyset cursor for every kind of sort", async () => {
      labels = await seed(store.adapter);
      const sorts: Sort<TaskListField>[][] = [
        NEWEST_FIRST,
        [{ field: "createdOn", direction: "asc" }, { field: "id", direction: "asc" }],
        [{ field: "startedOn", direction: "asc" }, { field: "id", direction: "asc" }],
        [{ field: "startedOn", direction: "desc" }, { field: "id", direction: "desc" }],
        [{ field: "iterations", direction: "desc" }, { field: "id", direction: "asc" }],
        [{ field: "finishedOn", direction: "desc" }, { field: "id", direction: "asc" }],
        [{ field: "parentId", direction: "asc" }, { field: "definitionId", direction: "desc" }, { field: "id", direction: "desc" }],
      ];
      for (const sort of sorts) {
        const whole = (await list({ sort })).items.map((t) => t.id);
        for (const limit of [1, 2, 3]) {
          const seen: string[] = [];
          let after: string | undefined;
          for (let page = 0; page < 10; page += 1) {
            const result = await list({ sort, limit, after });
            assert.equal(result.totalCount, 5);
            seen.push(...result.items.map((t) => t.id));
            assert.equal(result.hasMoreItems, seen.length < 5, `hasMoreItems on page ${page} of ${JSON.stringify(sort)}`);
            if (!result.hasMoreItems) {
              assert.equal(result.cursor, null);
              break;
            }
            assert.equal(typeof result.cursor, "string");
            after = result.cursor!;
          }
          assert.deepEqual(seen, whole, `paging ${JSON.stringify(sort)} by ${limit}`);
        }
      }
    });

    it("counts every match in totalCount whatever page is read", async () => {
      labels = await seed(store.adapter);
      const filters: Filter<TaskListField>[] = [{ field: "definitionId", op: "eq", value: DEF }];
      const first = await list({ filters, limit: 2 });
      assert.equal(first.totalCount, 3);
      assert.equal(first.hasMoreItems, true);
      const second = await list({ filters, limit: 2, after: first.cursor! });
      assert.equal(second.totalCount, 3);
      assert.equal(second.items.length, 1);
      assert.equal(second.hasMoreItems, false);
      assert.equal(second.cursor, null);
      const exact = await list({ filters, limit: 3 });
      assert.equal(exact.hasMoreItems, false);
      assert.equal(exact.cursor, null);
    });

    it("rejects a malformed cursor with INVALID_ARGUMENT", async () => {
      labels = await seed(store.adapter);
      const valid = (await list({ limit: 1 })).cursor!;
      const bad = [
        "not a cursor",
        Buffer.from("{}").toString("base64url"),
        Buffer.from("[1]").toString("base64url"),
        Buffer.from('["x","y"]').toString("base64url"),
      ];
      for (const after of bad) {
        await assert.rejects(list({ after }), (e) => isStintError(e, "INVALID_ARGUMENT"), `cursor ${after}`);
      }
      // A cursor only fits the sort it was made for.
      await assert.rejects(
        list({ after: valid, sort: [{ field: "name", direction: "asc" }, { field: "createdOn", direction: "asc" }, { field: "id", direction: "asc" }] }),
        (e) => isStintError(e, "INVALID_ARGUMENT"),
      );
    });
  });
}

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseLogListParams, parseTaskListParams } from "../../src/service/parse-list-params.js";
import { isStintError } from "../../src/domain/errors.js";

/** Asserts an INVALID_ARGUMENT error for `argument` whose reason matches `reason`. */
function refuses(fn: () => unknown, argument: string, reason: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isStintError(error, "INVALID_ARGUMENT"), `not an INVALID_ARGUMENT error: ${String(error)}`);
    assert.equal(error.data?.argument, argument);
    assert.match(error.message, new RegExp(`^Invalid ${argument}: `));
    assert.match(error.data?.reason as string, reason);
    return true;
  });
}

const where = (w: Record<string, unknown>) => parseTaskListParams({ where: w }).filters;

describe("parseTaskListParams: defaults", () => {
  it("lists newest first, 50 at a time, ending the order with id", () => {
    assert.deepEqual(parseTaskListParams({}), {
      filters: [],
      sort: [
        { field: "createdOn", direction: "desc" },
        { field: "id", direction: "desc" },
      ],
      limit: 50,
    });
    assert.deepEqual(parseTaskListParams(), parseTaskListParams({}));
    assert.deepEqual(parseTaskListParams(null), parseTaskListParams({}));
    assert.deepEqual(parseTaskListParams({ where: null as never, sort: [], limit: null as never, after: null, search: null }), parseTaskListParams({}));
  });

  it("refuses params that are not an object", () => {
    refuses(() => parseTaskListParams("x" as never), "params", /must be an object/);
  });
});

describe("parseTaskListParams: where", () => {
  it("reads a bare field as equality and field_op as that operator", () => {
    assert.deepEqual(where({ definitionId: "importCsv", name_contains: "csv", iterations_gte: 2 }), [
      { field: "definitionId", op: "eq", value: "importCsv" },
      { field: "name", op: "contains", value: "csv" },
      { field: "iterations", op: "gte", value: 2 },
    ]);
  });

  it("accepts every text operator on text fields", () => {
    const text = ["id", "name", "definitionId", "parentId", "executionName", "createdBy"];
    for (const field of text) {
      assert.deepEqual(
        where({
          [field]: "a",
          [`${field}_not`]: "b",
          [`${field}_in`]: ["c", "d"],
          [`${field}_not_in`]: ["e"],
          [`${field}_contains`]: "f",
          [`${field}_not_contains`]: "g",
          [`${field}_startsWith`]: "h",
          [`${field}_not_startsWith`]: "i",
        }).map((f) => [f.field, f.op, f.value]),
        [
          [field, "eq", "a"],
          [field, "not", "b"],
          [field, "in", ["c", "d"]],
          [field, "not_in", ["e"]],
          [field, "contains", "f"],
          [field, "not_contains", "g"],
          [field, "startsWith", "h"],
          [field, "not_startsWith", "i"],
        ],
      );
    }
  });

  it("accepts every number operator on iterations", () => {
    assert.deepEqual(
      where({
        iterations: 1,
        iterations_not: 2,
        iterations_in: [1, 2],
        iterations_not_in: [3],
        iterations_lt: 4,
        iterations_lte: 5,
        iterations_gt: 6,
        iterations_gte: 7,
        iterations_between: [1, 9],
        iterations_not_between: [2, 3],
      }).map((f) => [f.op, f.value]),
      [
        ["eq", 1], ["not", 2], ["in", [1, 2]], ["not_in", [3]], ["lt", 4], ["lte", 5],
        ["gt", 6], ["gte", 7], ["between", [1, 9]], ["not_between", [2, 3]],
      ],
    );
  });

  it("turns ISO strings, Dates and epoch milliseconds into Dates on date fields", () => {
    const iso = "2025-03-01T10:00:00.000Z";
    const ms = Date.parse(iso);
    const filters = where({
      createdOn_gt: iso,
      savedOn_lt: new Date(ms),
      startedOn_gte: ms,
      finishedOn_in: [iso, ms],
      createdOn_not: "2025-03-01",
      savedOn: null,
    });
    assert.deepEqual(filters, [
      { field: "createdOn", op: "gt", value: new Date(ms) },
      { field: "savedOn", op: "lt", value: new Date(ms) },
      { field: "startedOn", op: "gte", value: new Date(ms) },
      { field: "finishedOn", op: "in", value: [new Date(ms), new Date(ms)] },
      { field: "createdOn", op: "not", value: new Date("2025-03-01") },
      { field: "savedOn", op: "eq", value: null },
    ]);
  });

  it("accepts every date operator", () => {
    const d = new Date(0);
    assert.deepEqual(
      where({ createdOn: d, createdOn_not: d, createdOn_in: [d], createdOn_not_in: [d], createdOn_lt: d, createdOn_lte: d, createdOn_gt: d, createdOn_gte: d }).map((f) => f.op),
      ["eq", "not", "in", "not_in", "lt", "lte", "gt", "gte"],
    );
  });

  it("allows null for equality and inequality", () => {
    assert.deepEqual(where({ parentId: null, finishedOn_not: null, iterations: null }), [
      { field: "parentId", op: "eq", value: null },
      { field: "finishedOn", op: "not", value: null },
      { field: "iterations", op: "eq", value: null },
    ]);
  });

  it("skips filters explicitly set to undefined", () => {
    assert.deepEqual(where({ name: undefined, id: "t1" }), [{ field: "id", op: "eq", value: "t1" }]);
  });

  it("accepts the five task statuses, and any text for substring operators", () => {
    assert.deepEqual(where({ taskStatus_in: ["pending", "running", "success", "failed", "aborted"] })[0].value, [
      "pending", "running", "success", "failed", "aborted",
    ]);
    assert.deepEqual(where({ taskStatus_startsWith: "fa" }), [{ field: "taskStatus", op: "startsWith", value: "fa" }]);
  });

  it("refuses a status that does not exist", () => {
    refuses(() => where({ taskStatus: "done" }), "where", /"taskStatus" must be one of pending, running, success, failed, aborted; got "done"/);
    refuses(() => where({ taskStatus_in: ["running", "queued"] }), "where", /"taskStatus_in" must be one of/);
    refuses(() => where({ taskStatus_not: "RUNNING" }), "where", /"taskStatus_not"/);
  });

  it("refuses unknown fields, naming the key", () => {
    refuses(() => where({ status: "running" }), "where", /"status": unknown field "status"/);
    refuses(() => where({ input_contains: "x" }), "where", /"input_contains": unknown field "input"/);
    refuses(() => where({ _gt: 1 }), "where", /"_gt": unknown field ""/);
  });

  it("refuses unknown operators and operators of another field kind", () => {
    refuses(() => where({ name_gt: "a" }), "where", /"name_gt": unknown operator "gt" for text field "name"/);
    refuses(() => where({ iterations_contains: 1 }), "where", /"iterations_contains": unknown operator "contains" for number field/);
    refuses(() => where({ iterations_startsWith: "1" }), "where", /"iterations_startsWith": unknown operator "startsWith" for number field/);
    refuses(() => where({ createdOn_startsWith: "2025" }), "where", /unknown operator "startsWith"/);
    refuses(() => where({ name_like: "a" }), "where", /"name_like": unknown operator "like"/);
    refuses(() => where({ name_eq: "a" }), "where", /"name_eq": unknown operator "eq"; write "name" instead/);
  });

  it("refuses values of the wrong type", () => {
    refuses(() => where({ name: 5 }), "where", /"name" needs a string; got 5/);
    refuses(() => where({ id_contains: null }), "where", /"id_contains" needs a string; got null/);
    refuses(() => where({ iterations: "3" }), "where", /"iterations" needs a finite number; got "3"/);
    refuses(() => where({ iterations_gt: Number.NaN }), "where", /"iterations_gt" needs a finite number/);
    refuses(() => where({ iterations_lt: null }), "where", /"iterations_lt" needs a finite number; got null/);
    refuses(() => where({ createdOn_gt: true }), "where", /"createdOn_gt" needs a date/);
  });

  it("refuses invalid dates", () => {
    refuses(() => where({ createdOn_gt: "yesterday" }), "where", /"createdOn_gt" needs a date \(ISO 8601 string, Date or epoch milliseconds\); got "yesterday"/);
    refuses(() => where({ createdOn_gt: "2025-13-45" }), "where", /"createdOn_gt" needs a date/);
    refuses(() => where({ createdOn_gt: "1" }), "where", /needs a date/);
    refuses(() => where({ savedOn: new Date(Number.NaN) }), "where", /"savedOn" needs a date.*an invalid Date/);
    refuses(() => where({ startedOn_lt: Infinity }), "where", /"startedOn_lt" needs a date/);
  });

  it("needs arrays for in and not_in", () => {
    refuses(() => where({ id_in: "t1" }), "where", /"id_in" needs a non-empty array; got "t1"/);
    refuses(() => where({ id_not_in: [] }), "where", /"id_not_in" needs a non-empty array; got an array of 0/);
    refuses(() => where({ id_in: ["a", 1] }), "where", /"id_in" needs a string; got 1/);
    refuses(() => where({ id_in: Array.from({ length: 1001 }, (_, i) => `t${i}`) }), "where", /"id_in" takes at most 1000 values; got 1001/);
  });

  it("needs a two-element array for between and not_between", () => {
    refuses(() => where({ iterations_between: [1] }), "where", /"iterations_between" needs an array of two values \[from, to\]; got an array of 1/);
    refuses(() => where({ iterations_not_between: [1, 2, 3] }), "where", /"iterations_not_between" needs an array of two/);
    refuses(() => where({ iterations_between: 5 }), "where", /"iterations_between" needs an array of two/);
    refuses(() => where({ iterations_between: [1, "2"] }), "where", /"iterations_between" needs a finite number/);
  });

  it("refuses a where that is not an object", () => {
    refuses(() => parseTaskListParams({ where: [] as never }), "where", /must be an object/);
    refuses(() => parseTaskListParams({ where: "name" as never }), "where", /must be an object/);
  });

  it("keeps quoted untrusted values short in messages", () => {
    assert.throws(
      () => where({ name: 1, [`x${"y".repeat(500)}`]: 1 }),
      (error) => isStintError(error) && error.message.length < 300,
    );
  });
});

describe("parseTaskListParams: sort", () => {
  it("reads field_ASC and field_DESC and appends id in the last direction", () => {
    assert.deepEqual(parseTaskListParams({ sort: ["name_ASC"] }).sort, [
      { field: "name", direction: "asc" },
      { field: "id", direction: "asc" },
    ]);
    assert.deepEqual(parseTaskListParams({ sort: ["taskStatus_ASC", "savedOn_DESC"] }).sort, [
      { field: "taskStatus", direction: "asc" },
      { field: "savedOn", direction: "desc" },
      { field: "id", direction: "desc" },
    ]);
  });

  it("accepts Webiny v6's values_ prefix", () => {
    assert.deepEqual(parseTaskListParams({ sort: ["values_iterations_DESC"] }).sort, [
      { field: "iterations", direction: "desc" },
      { field: "id", direction: "desc" },
    ]);
  });

  it("does not append id when already sorting by it", () => {
    assert.deepEqual(parseTaskListParams({ sort: ["id_ASC"] }).sort, [{ field: "id", direction: "asc" }]);
    assert.deepEqual(parseTaskListParams({ sort: ["id_DESC", "name_ASC"] }).sort, [
      { field: "id", direction: "desc" },
      { field: "name", direction: "asc" },
    ]);
  });

  it("refuses unknown sorters", () => {
    refuses(() => parseTaskListParams({ sort: ["createdOn_desc"] }), "sort", /unknown sorter "createdOn_desc"; use id_ASC\|id_DESC/);
    refuses(() => parseTaskListParams({ sort: ["input_ASC"] }), "sort", /unknown sorter "input_ASC"/);
    refuses(() => parseTaskListParams({ sort: ["createdBy_ASC"] }), "sort", /unknown sorter "createdBy_ASC"/);
    refuses(() => parseTaskListParams({ sort: ["createdOn"] }), "sort", /unknown sorter "createdOn"/);
    refuses(() => parseTaskListParams({ sort: ["values_createdOn"] }), "sort", /unknown sorter/);
    refuses(() => parseTaskListParams({ sort: [5 as never] }), "sort", /unknown sorter 5/);
  });

  it("refuses a sort that is not a list or sorts a field twice", () => {
    refuses(() => parseTaskListParams({ sort: "createdOn_DESC" as never }), "sort", /must be a list like \["createdOn_DESC"\]/);
    refuses(() => parseTaskListParams({ sort: ["name_ASC", "values_name_DESC"] }), "sort", /"name" is sorted on more than once/);
  });
});

describe("parseTaskListParams: limit, after, search", () => {
  it("accepts limits from 1 to 1000", () => {
    assert.equal(parseTaskListParams({ limit: 1 }).limit, 1);
    assert.equal(parseTaskListParams({ limit: 1000 }).limit, 1000);
  });

  it("refuses other limits", () => {
    for (const limit of [0, -1, 1001, 2.5, Number.NaN, "10" as never]) {
      refuses(() => parseTaskListParams({ limit }), "limit", /must be a whole number from 1 to 1000/);
    }
  });

  it("passes a cursor through and treats null or empty as none", () => {
    assert.equal(parseTaskListParams({ after: "abc" }).after, "abc");
    assert.equal("after" in parseTaskListParams({ after: null }), false);
    assert.equal("after" in parseTaskListParams({ after: "" }), false);
    assert.equal(parseTaskListParams({ after: "x".repeat(1000) }).after?.length, 1000);
  });

  it("refuses cursors that are too long or not strings", () => {
    refuses(() => parseTaskListParams({ after: "x".repeat(1001) }), "after", /at most 1000 characters; got 1001/);
    refuses(() => parseTaskListParams({ after: 5 as never }), "after", /must be a cursor string/);
  });

  it("trims the search and treats blank as none", () => {
    assert.equal(parseTaskListParams({ search: "  csv import " }).search, "csv import");
    assert.equal("search" in parseTaskListParams({ search: "   " }), false);
    assert.equal("search" in parseTaskListParams({ search: null }), false);
    assert.equal(parseTaskListParams({ search: ` ${"s".repeat(200)} ` }).search?.length, 200);
  });

  it("refuses searches over 200 characters or not strings", () => {
    refuses(() => parseTaskListParams({ search: "s".repeat(201) }), "search", /at most 200 characters; got 201/);
    refuses(() => parseTaskListParams({ search: ["a"] as never }), "search", /must be a string/);
  });
});

describe("parseLogListParams", () => {
  it("defaults to newest first with the id tiebreak", () => {
    assert.deepEqual(parseLogListParams({}), {
      filters: [],
      sort: [
        { field: "createdOn", direction: "desc" },
        { field: "id", direction: "desc" },
      ],
      limit: 50,
    });
  });

  it("takes the log fields and their kinds", () => {
    const parsed = parseLogListParams({
      where: { task: "t1", id_in: ["l1"], executionName_startsWith: "w", iteration_between: [1, 3], createdOn_gte: 0 },
      sort: ["iteration_ASC", "createdOn_ASC"],
      limit: 10,
      after: "c",
      search: " boom ",
    });
    assert.deepEqual(parsed, {
      filters: [
        { field: "task", op: "eq", value: "t1" },
        { field: "id", op: "in", value: ["l1"] },
        { field: "executionName", op: "startsWith", value: "w" },
        { field: "iteration", op: "between", value: [1, 3] },
        { field: "createdOn", op: "gte", value: new Date(0) },
      ],
      sort: [
        { field: "iteration", direction: "asc" },
        { field: "createdOn", direction: "asc" },
        { field: "id", direction: "asc" },
      ],
      limit: 10,
      after: "c",
      search: "boom",
    });
  });

  it("refuses task-only fields and sorters", () => {
    refuses(() => parseLogListParams({ where: { taskStatus: "running" } }), "where", /"taskStatus": unknown field "taskStatus"; filterable fields are id, task, iteration, executionName, createdOn/);
    refuses(() => parseLogListParams({ where: { iterations: 1 } }), "where", /unknown field "iterations"/);
    refuses(() => parseLogListParams({ where: { task_gt: "a" } }), "where", /unknown operator "gt" for text field "task"/);
    refuses(() => parseLogListParams({ sort: ["name_ASC"] }), "sort", /unknown sorter "name_ASC"/);
  });
});

describe("Webiny's filter inputs", () => {
  it("takes _between and _not_between on date fields (Webiny's createdOn_between: [DateTime!])", () => {
    assert.deepEqual(where({ createdOn_between: ["2025-01-01", "2025-02-01"], finishedOn_not_between: [0, 1000] }), [
      { field: "createdOn", op: "between", value: [new Date("2025-01-01"), new Date("2025-02-01")] },
      { field: "finishedOn", op: "not_between", value: [new Date(0), new Date(1000)] },
    ]);
    refuses(() => where({ savedOn_between: ["2025-01-01"] }), "where", /needs an array of two values/);
  });

  it("takes null items in _in lists, as Webiny's [String] allows", () => {
    assert.deepEqual(where({ parentId_in: ["a", null], iterations_not_in: [null, 2] }), [
      { field: "parentId", op: "in", value: ["a", null] },
      { field: "iterations", op: "not_in", value: [null, 2] },
    ]);
  });

  it("caps a _contains or _startsWith value at 1,000 characters with a typed error", () => {
    const long = "x".repeat(1001);
    for (const key of ["name_contains", "name_not_contains", "definitionId_startsWith", "executionName_not_startsWith"]) {
      refuses(() => where({ [key]: long }), "where", new RegExp(`"${key}" takes at most 1000 characters; got 1001`));
    }
    assert.equal(where({ name_contains: "x".repeat(1000) }).length, 1);
    // Equality is not a pattern: a long exact value is fine.
    assert.equal(where({ name: long }).length, 1);
  });

  it("reads the log list's items filter into item filters (Webiny's WebinyTaskLog_ItemsWhereInput)", () => {
    const parsed = parseLogListParams({ where: { task: "t1", items: { message_contains: "disk", type_not: "error", createdOn_gte: 5 } } });
    assert.deepEqual(parsed.filters, [{ field: "task", op: "eq", value: "t1" }]);
    assert.deepEqual(parsed.itemFilters, [
      { field: "message", op: "contains", value: "disk" },
      { field: "type", op: "not", value: "error" },
      { field: "createdOn", op: "gte", value: new Date(5) },
    ]);
    assert.equal(parseLogListParams({ where: { items: {} } }).itemFilters, undefined);
    assert.equal(parseLogListParams({ where: { items: null } }).itemFilters, undefined);
  });

  it("refuses a bad items filter", () => {
    refuses(() => parseLogListParams({ where: { items: "disk" } }), "where", /"items" must be an object of item filters/);
    refuses(() => parseLogListParams({ where: { items: { data: 1 } } }), "where", /unknown field "data"/);
    refuses(() => parseLogListParams({ where: { items: { type: "warning" } } }), "where", /must be one of info, error/);
    refuses(() => parseLogListParams({ where: { items: { message_contains: "x".repeat(1001) } } }), "where", /at most 1000 characters/);
    refuses(() => parseTaskListParams({ where: { items: {} } }), "where", /unknown field "items"/);
  });
});

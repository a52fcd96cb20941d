import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readResult } from "../../src/response/read-result.js";
import { createResponse } from "../../src/response/response.js";
import { MAX_DELAY_SECONDS } from "../../src/domain/errors.js";

const NOW = Date.parse("2025-01-01T00:00:00.000Z");
const response = createResponse({ now: () => NOW });
const failure = (value: unknown) => {
  const read = readResult(value, NOW);
  assert.equal(read.status, "error");
  assert.equal((read as { error: { code?: string } }).error.code, "TASK_RUN_ERROR");
  return (read as { error: { message: string } }).error.message;
};

describe("readResult", () => {
  it("returns controller.response values unchanged (no copy on the hot path)", () => {
    for (const value of [response.done("Ok.", { a: 1 }), response.continue({ page: 2 }, { seconds: 5 }), response.aborted()]) {
      assert.equal(readResult(value, NOW), value);
    }
    assert.deepEqual(readResult(response.error(new Error("x")), NOW), { status: "error", error: { message: "x" } });
  });

  it("reads Webiny v6 plain results: done with the default message, continue with wait in seconds", () => {
    assert.deepEqual(readResult({ status: "done" }, NOW), { status: "done", message: "Task done.", output: undefined });
    assert.deepEqual(readResult({ status: "done", output: {} }, NOW), { status: "done", message: "Task done.", output: undefined });
    assert.deepEqual(readResult({ status: "continue", input: { p: 1 }, wait: 90 }, NOW), { status: "continue", input: { p: 1 }, waitMs: 90_000 });
    assert.deepEqual(readResult({ status: "continue" }, NOW), { status: "continue", input: {}, waitMs: 0 });
  });

  it("applies Webiny's wait rules to a plain wait: under 1 s none, at most 355 days, a Date as the time to wait until", () => {
    const waitOf = (wait: unknown) => (readResult({ status: "continue", input: {}, wait }, NOW) as { waitMs: number }).waitMs;
    assert.equal(waitOf(0.5), 0);
    assert.equal(waitOf(-10), 0);
    assert.equal(waitOf(MAX_DELAY_SECONDS * 2), MAX_DELAY_SECONDS * 1000);
    assert.equal(waitOf(new Date(NOW + 60_000)), 60_000);
    assert.equal(waitOf(new Date(NOW - 60_000)), 0);
  });

  it("reads both error shapes: { error } (6.x) and { message, error? } (6.0)", () => {
    assert.deepEqual(readResult({ status: "error", error: { message: "Bad.", code: "B", stack: "s" } }, NOW), {
      status: "error",
      error: { message: "Bad.", code: "B" },
    });
    assert.deepEqual(readResult({ status: "error", message: "Said so." }, NOW), { status: "error", error: { message: "Said so." } });
    assert.deepEqual(readResult({ status: "error", error: "text" }, NOW), { status: "error", error: { message: "text" } });
    assert.match(failure({ status: "error" }), /must carry an error/);
  });

  it("names what was returned when it is not a result", () => {
    assert.match(failure(undefined), /it returned undefined\.$/);
    assert.match(failure(null), /it returned null\.$/);
    assert.match(failure(7), /it returned a number \(7\)\.$/);
    assert.match(failure([]), /it returned an array \(length 0\) without a status\.$/);
    assert.match(failure(Promise.resolve()), /it returned a promise without a status\.$/);
    assert.match(failure({ status: 1 }), /with status a number \(1\)\.$/);
    assert.match(failure(new Map()), /a Map without a status/);
  });

  it("refuses values JSON cannot hold, naming their path", () => {
    assert.match(failure({ status: "done", output: { list: [1, 2n] } }), /output\.list\[1\] is a BigInt \(2n\)/);
    assert.match(failure({ status: "done", output: { s: Symbol("x") } }), /output\.s is a symbol/);
    assert.match(failure({ status: "done", output: { m: new Map() } }), /output\.m is a Map/);
    assert.match(failure({ status: "continue", input: { f: () => 1 } }), /input\.f is a function/);
    assert.match(failure({ status: "continue", input: [1] }), /input must be an object; it is an array/);
    assert.match(failure({ status: "continue", input: {}, waitMs: "x" }), /waitMs must be a number/);
    assert.match(failure({ status: "done", message: 5 }), /message must be a string; it is a number \(5\)/);
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 600; i++) deep = (deep.next = {}) as Record<string, unknown>;
    assert.match(failure({ status: "done", output: root }), /nested more than 500 levels deep/);
  });

  it("accepts Dates and objects with toJSON in an output, as JSON stores them", () => {
    const output = { at: new Date(NOW), buffer: Buffer.from("hi") };
    assert.equal((readResult({ status: "done", message: "m", output }, NOW) as { output: unknown }).output, output);
  });
  it("keeps a wait for children, from the controller's response or a plain result (its `wait` the timeout)", () => {
    const fromController = createResponse({ now: () => 0 }).continue({ a: 1 }, { waitForChildren: true });
    assert.equal(readResult(fromController, 0), fromController);
    assert.deepEqual(readResult({ status: "continue", input: { a: 1 }, waitForChildren: true, wait: 30 }, 0), {
      status: "continue",
      input: { a: 1 },
      waitMs: 30_000,
      waitForChildren: true,
    });
  });
  it("refuses a waitForChildren that is not a boolean, from the controller's response or a plain result", () => {
    const expected = { status: "error", error: { message: 'A continue\'s waitForChildren must be true or false; it is a string ("yes").', code: "TASK_RUN_ERROR" } };
    assert.deepEqual(readResult(createResponse({ now: () => 0 }).continue({}, { waitForChildren: "yes" } as never), 0), expected);
    assert.deepEqual(readResult({ status: "continue", input: {}, waitForChildren: "yes" }, 0), expected);
  });
});

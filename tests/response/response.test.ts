import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createResponse, DEFAULT_DONE_MESSAGE } from "../../src/response/response.js";
import { MAX_DELAY_SECONDS } from "../../src/domain/errors.js";

const NOW = Date.parse("2025-01-01T00:00:00.000Z");
const response = createResponse<{ page: number }, { count: number }>({ now: () => NOW });

describe("response.done", () => {
  it("takes an object as the only argument as the output, with the default message", () => {
    assert.deepEqual(response.done({ count: 3 }), { status: "done", message: "Task done.", output: { count: 3 } });
    assert.equal(DEFAULT_DONE_MESSAGE, "Task done.");
  });

  it("takes a message and an optional output", () => {
    assert.deepEqual(response.done("Imported.", { count: 1 }), { status: "done", message: "Imported.", output: { count: 1 } });
    assert.deepEqual(response.done("Imported."), { status: "done", message: "Imported.", output: undefined });
  });

  it("takes done(undefined, output) as the output with the default message (Webiny TaskResponse.done)", () => {
    assert.deepEqual(response.done(undefined, { count: 2 }), { status: "done", message: "Task done.", output: { count: 2 } });
  });

  it("has no output when called without arguments", () => {
    assert.deepEqual(response.done(), { status: "done", message: "Task done.", output: undefined });
  });

  it("stores an empty output object as no output", () => {
    assert.equal(createResponse().done({}).output, undefined);
    assert.equal(createResponse().done("Done here.", {}).output, undefined);
  });

  it("falls back to the default message when the message is empty", () => {
    assert.equal(response.done("", { count: 1 }).message, "Task done.");
  });
});

describe("response.continue", () => {
  it("carries the new input and no wait when no options are given", () => {
    assert.deepEqual(response.continue({ page: 2 }), { status: "continue", input: { page: 2 }, waitMs: 0 });
  });

  it("waits for the children, with the given seconds as the timeout (none without)", () => {
    assert.deepEqual(response.continue({ page: 2 }, { waitForChildren: true }), { status: "continue", input: { page: 2 }, waitMs: 0, waitForChildren: true });
    assert.deepEqual(response.continue({}, { waitForChildren: true, seconds: 600 }), { status: "continue", input: {}, waitMs: 600_000, waitForChildren: true });
    assert.equal("waitForChildren" in response.continue({}, { waitForChildren: false, seconds: 5 } as never), false);
  });

  it("waits the given seconds", () => {
    assert.equal(response.continue({ page: 2 }, { seconds: 5 }).waitMs, 5000);
    assert.equal(response.continue({ page: 2 }, { seconds: 1.5 }).waitMs, 1500);
  });

  it("treats a wait under one second as none", () => {
    assert.equal(response.continue({}, { seconds: 0.999 }).waitMs, 0);
    assert.equal(response.continue({}, { seconds: 1 }).waitMs, 1000);
    assert.equal(response.continue({}, { date: new Date(NOW + 999) }).waitMs, 0);
  });

  it("waits until a date given as a Date, an ISO string or epoch milliseconds", () => {
    assert.equal(response.continue({}, { date: new Date(NOW + 60_000) }).waitMs, 60_000);
    assert.equal(response.continue({}, { date: "2025-01-01T00:01:00.000Z" }).waitMs, 60_000);
    assert.equal(response.continue({}, { date: NOW + 2_000 }).waitMs, 2_000);
  });

  it("computes date waits against the injected clock", () => {
    let now = NOW;
    const moving = createResponse({ now: () => now });
    now += 30_000;
    assert.equal(moving.continue({}, { date: NOW + 60_000 }).waitMs, 30_000);
  });

  it("clamps waits to 355 days", () => {
    const max = MAX_DELAY_SECONDS * 1000;
    assert.equal(MAX_DELAY_SECONDS, 30_672_000);
    assert.equal(response.continue({}, { seconds: MAX_DELAY_SECONDS + 1 }).waitMs, max);
    assert.equal(response.continue({}, { seconds: Infinity }).waitMs, max);
    assert.equal(response.continue({}, { date: NOW + max * 2 }).waitMs, max);
  });

  it("treats past dates, negative, NaN and unparseable waits as none", () => {
    assert.equal(response.continue({}, { seconds: -5 }).waitMs, 0);
    assert.equal(response.continue({}, { seconds: Number.NaN }).waitMs, 0);
    assert.equal(response.continue({}, { date: new Date(NOW - 10_000) }).waitMs, 0);
    assert.equal(response.continue({}, { date: "not a date" }).waitMs, 0);
    assert.equal(response.continue({}, { date: new Date(Number.NaN) }).waitMs, 0);
  });

  it("uses Date.now when no clock is given", () => {
    const wait = createResponse().continue({}, { date: Date.now() + 10_000 }).waitMs;
    assert.ok(wait > 9_000 && wait <= 10_000, `wait was ${wait}`);
  });
});

describe("response.error and response.aborted", () => {
  it("shapes the error without its stack", () => {
    const error = Object.assign(new Error("Boom."), { code: "BOOM" });
    assert.deepEqual(response.error(error), { status: "error", error: { message: "Boom.", code: "BOOM" } });
    assert.deepEqual(response.error("Plain text."), { status: "error", error: { message: "Plain text." } });
  });

  it("describes an abort", () => {
    assert.deepEqual(response.aborted(), { status: "aborted" });
  });
});

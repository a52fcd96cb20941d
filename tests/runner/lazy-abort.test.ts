import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LazyAbort } from "../../src/runner/lazy-abort.js";

describe("LazyAbort", () => {
  it("fires a signal read before the abort, with the reason", () => {
    const abort = new LazyAbort();
    const signal = abort.signal;
    const seen: unknown[] = [];
    signal.addEventListener("abort", () => seen.push(signal.reason));
    assert.equal(abort.aborted, false);
    abort.abort("lost");
    assert.equal(abort.aborted, true);
    assert.deepEqual(seen, ["lost"]);
  });

  it("hands out an already aborted signal when read after the abort", () => {
    const abort = new LazyAbort();
    abort.abort("aborted");
    assert.equal(abort.signal.aborted, true);
    assert.equal(abort.signal.reason, "aborted");
  });

  it("keeps the first reason", () => {
    const abort = new LazyAbort();
    abort.abort("first");
    abort.abort("second");
    assert.equal(abort.signal.reason, "first");
  });
});

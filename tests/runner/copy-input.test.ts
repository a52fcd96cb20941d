import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyInput } from "../../src/runner/copy-input.js";
import { findNonJson } from "../../src/response/non-json.js";

describe("copyInput (run()'s own copy of the stored input)", () => {
  it("copies a JSON input deeply, as structuredClone does", () => {
    const input = { file: "a.csv", offsets: [1, 2, { at: 3 }], nested: { flag: true, none: null } };
    const copy = copyInput(input);
    assert.deepEqual(copy, structuredClone(input));
    assert.notEqual(copy, input);
    assert.notEqual(copy.offsets, input.offsets);
    assert.notEqual(copy.offsets[2], input.offsets[2]);
    assert.notEqual(copy.nested, input.nested);
  });

  it("falls back to structuredClone for what is not plain JSON (a Date)", () => {
    const input = { at: new Date(5) };
    const copy = copyInput(input);
    assert.ok(copy.at instanceof Date);
    assert.notEqual(copy.at, input.at);
    assert.equal(copy.at.getTime(), 5);
  });
});

describe("findNonJson", () => {
  it("accepts a value shared twice (not a cycle) and refuses a real cycle", () => {
    const shared = { a: 1 };
    assert.equal(findNonJson({ x: shared, y: [shared, shared] }, "output"), undefined);
    const cycle: { list: unknown[] } = { list: [] };
    cycle.list.push({ back: cycle });
    assert.equal(findNonJson(cycle, "output"), "output.list[0].back refers back to itself (a cycle)");
  });

  it("names an unreadable member", () => {
    const hostile = Object.defineProperty({}, "bad", {
      enumerable: true,
      get() {
        throw new Error("no access");
      },
    });
    assert.equal(findNonJson({ inner: hostile }, "input"), "input.inner.bad cannot be read (no access)");
  });
});

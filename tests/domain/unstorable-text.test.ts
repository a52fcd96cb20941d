import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasUnstorableChar, jsonHasNul, replaceNul, sliceText } from "../../src/domain/nul.js";
import { describeJsonPath, findUnsafeJson, isJsonEncodingError, NON_FINITE_REASON, UNSTORABLE_TEXT_REASON } from "../../src/domain/json-safety.js";

const HIGH = "😀".slice(0, 1); // "\ud83d"
const LOW = "😀".slice(1); // "\ude00"

describe("unstorable text (nul.ts)", () => {
  it("finds NUL and lone surrogates, not whole pairs", () => {
    for (const text of ["a\u0000b", `x${HIGH}`, `${HIGH}x`, `${LOW}x`, `x${LOW}`, `${LOW}${HIGH}`, `😀${HIGH}`]) {
      assert.equal(hasUnstorableChar(text), true, JSON.stringify(text));
    }
    for (const text of ["", "plain", "😀", "a😀b😀", "\uFFFD", "\\u0000", "\\ud83d"]) assert.equal(hasUnstorableChar(text), false, JSON.stringify(text));
  });

  it("replaces each NUL and lone surrogate with U+FFFD in strings, keys and nested values", () => {
    assert.equal(replaceNul(`a${HIGH}b${LOW}c\u0000😀`), "a\uFFFDb\uFFFDc\uFFFD😀");
    assert.deepEqual(replaceNul({ [`k${HIGH}`]: [`v${LOW}`, { deep: `😀${HIGH}` }], n: 1 }), { "k\uFFFD": ["v\uFFFD", { deep: "😀\uFFFD" }], n: 1 });
    // The same object when nothing needs replacing (no copy on the hot path).
    const clean = { a: "😀", b: ["\\ud83d is text", "tab\there", "\u0001"] };
    assert.equal(replaceNul(clean), clean);
    // Escaped backslashes before a literal "ud83d" are text, not an escape.
    assert.deepEqual(replaceNul({ a: `\\\\ud83d${HIGH}` }), { a: "\\\\ud83d\uFFFD" });
  });

  it("tells JSON text holding NUL or a lone surrogate from text that only looks like it", () => {
    assert.equal(jsonHasNul(JSON.stringify({ a: HIGH })), true);
    assert.equal(jsonHasNul(JSON.stringify({ [LOW]: 1 })), true);
    assert.equal(jsonHasNul(JSON.stringify({ a: "\u0000" })), true);
    assert.equal(jsonHasNul(JSON.stringify({ a: "\\ud83d", b: "😀", c: "\u0001" })), false);
  });

  it("cuts text without splitting a surrogate pair", () => {
    assert.equal(sliceText("ab😀", 3), "ab");
    assert.equal(sliceText("ab😀", 4), "ab😀");
    assert.equal(sliceText("abc", 2), "ab");
    assert.equal(hasUnstorableChar(sliceText("😀".repeat(200), 255)), false);
  });
});

describe("JSON safety at trigger (json-safety.ts)", () => {
  const find = (value: unknown) => findUnsafeJson(value, JSON.stringify(value));

  it("names the first path holding a lone surrogate, a NUL or a non-finite number", () => {
    assert.deepEqual(find({ a: { b: [1, `x${HIGH}`] } }), { path: ["a", "b", 1], reason: UNSTORABLE_TEXT_REASON });
    assert.deepEqual(find({ a: { [`k${LOW}`]: 1 } }), { path: ["a", `k${LOW}`], reason: UNSTORABLE_TEXT_REASON });
    assert.deepEqual(find({ a: "\u0000" }), { path: ["a"], reason: UNSTORABLE_TEXT_REASON });
    assert.deepEqual(find({ n: Number("1e999") }), { path: ["n"], reason: NON_FINITE_REASON });
    assert.deepEqual(find({ list: [0, -Infinity] }), { path: ["list", 1], reason: NON_FINITE_REASON });
    assert.deepEqual(find({ first: NaN, second: HIGH }), { path: ["first"], reason: NON_FINITE_REASON });
  });

  it("accepts what JSON keeps as given, and follows JSON.stringify (toJSON, skipped members)", () => {
    for (const value of [{}, { a: null, b: [null], c: "😀", d: 1e308, e: 5e-324, f: -0 }, { d: new Date(0) }, { u: undefined, f: () => 1 }]) {
      assert.equal(find(value), null, JSON.stringify(value));
    }
    assert.deepEqual(find({ d: { toJSON: () => NaN } }), { path: ["d"], reason: NON_FINITE_REASON });
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    assert.equal(find({ deep }), null);
    let deepBad: unknown = NaN;
    for (let i = 0; i < 1000; i++) deepBad = { x: deepBad };
    assert.equal(find({ deepBad })?.path.length, 1001);
  });

  it("describes a path printably and briefly", () => {
    assert.equal(describeJsonPath("input", ["a", 0, `k${HIGH}`]), "input.a.0.k\uFFFD");
    const long = describeJsonPath("input", ["x".repeat(300)]);
    assert.equal(long.length, 201);
    assert.ok(long.endsWith("…"));
  });

  it("tells JSON encoding failures from other errors", () => {
    const encode = (value: unknown) => {
      try {
        JSON.stringify(value);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.equal(isJsonEncodingError(encode({ n: 1n })), true);
    assert.equal(isJsonEncodingError(encode(cycle)), true);
    assert.equal(isJsonEncodingError(new TypeError("x is not a function")), false);
    assert.equal(isJsonEncodingError(new Error("BigInt")), false);
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { jsonBytes, limitOutputSize, OUTPUT_SIZE_EXCEEDED_MESSAGE } from "../../src/response/output-limit.js";
import { MAX_OUTPUT_BYTES } from "../../src/domain/errors.js";

/** `bytes` ASCII characters: one byte each in UTF-8. */
const big = (bytes: number) => "x".repeat(bytes);

describe("limitOutputSize", () => {
  it("returns an output under the limit unchanged (same object)", () => {
    const output = { stack: "kept while small", value: 1 };
    assert.equal(limitOutputSize(output), output);
    assert.equal(limitOutputSize(undefined), undefined);
    assert.equal(limitOutputSize(null), null);
  });

  it("allows exactly 237,568 bytes", () => {
    assert.equal(MAX_OUTPUT_BYTES, 237_568);
    const overhead = jsonBytes({ v: "" });
    const output = { v: big(MAX_OUTPUT_BYTES - overhead) };
    assert.equal(jsonBytes(output), MAX_OUTPUT_BYTES);
    assert.equal(limitOutputSize(output), output);
  });

  it("measures UTF-8 bytes, not characters", () => {
    const output = { v: "é".repeat(MAX_OUTPUT_BYTES / 2) };
    const limited = limitOutputSize(output);
    assert.equal((limited as { message: string }).message, OUTPUT_SIZE_EXCEEDED_MESSAGE);
  });

  it("drops output.stack first when that makes it fit, without mutating the original", () => {
    const output = { message: "m", stack: big(MAX_OUTPUT_BYTES), error: { message: "e", stack: "small" } };
    assert.deepEqual(limitOutputSize(output), { message: "m", error: { message: "e", stack: "small" } });
    assert.equal(output.stack.length, MAX_OUTPUT_BYTES);
  });

  it("then drops output.error.stack", () => {
    const output = { stack: big(10), error: { message: "Boom.", code: "X", stack: big(MAX_OUTPUT_BYTES) } };
    assert.deepEqual(limitOutputSize(output), { error: { message: "Boom.", code: "X" } });
    assert.equal(output.error.stack.length, MAX_OUTPUT_BYTES);
  });

  it("replaces the output by the marker when it is still too large", () => {
    const output = { rows: big(MAX_OUTPUT_BYTES), stack: big(100), error: { message: "e", stack: big(100) } };
    const expectedSize = jsonBytes({ rows: output.rows, error: { message: "e" } });
    assert.deepEqual(limitOutputSize(output), {
      message: "Output size exceeds the maximum allowed size.",
      size: expectedSize,
      max: 237_568,
    });
  });

  it("reports the size of an oversized array output", () => {
    const output = [big(MAX_OUTPUT_BYTES)];
    assert.deepEqual(limitOutputSize(output), {
      message: OUTPUT_SIZE_EXCEEDED_MESSAGE,
      size: MAX_OUTPUT_BYTES + 4,
      max: MAX_OUTPUT_BYTES,
    });
  });
});

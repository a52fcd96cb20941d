import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { splitStack } from "../../dashboard/src/error-stack.js";

describe("dashboard logged errors", () => {
  it("shows a logged error's fields in the JSON view and its stack apart, folded under the message", () => {
    const stack = "TypeError: cannot read row\n    at run (/app/import.ts:1:1)";
    assert.deepEqual(splitStack({ message: "cannot read row", code: "ROW", stack }), { fields: { message: "cannot read row", code: "ROW" }, stack });
  });

  it("leaves an error without a stack (or a non-object error) as it is", () => {
    assert.deepEqual(splitStack({ message: "m" }), { fields: { message: "m" }, stack: null });
    assert.deepEqual(splitStack({ message: "m", stack: 5 }), { fields: { message: "m", stack: 5 }, stack: null });
    assert.deepEqual(splitStack("text"), { fields: "text", stack: null });
    assert.deepEqual(splitStack(null), { fields: null, stack: null });
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { shapeError, shapeThrown, stackOf, withStack } from "../../src/response/error-shape.js";
import { Errors, MAX_OUTPUT_BYTES } from "../../src/domain/errors.js";

describe("shapeError", () => {
  it("turns a string into { message }", () => {
    assert.deepEqual(shapeError("Something failed."), { message: "Something failed." });
  });

  it("keeps an Error's message and drops its stack", () => {
    const shaped = shapeError(new TypeError("Bad type."));
    assert.deepEqual(shaped, { message: "Bad type." });
    assert.equal("stack" in shaped, false);
  });

  it("keeps code and data of an Error or a plain object", () => {
    const error = Object.assign(new Error("With extras."), { code: "E_X", data: { row: 3 }, stack: "at x" });
    assert.deepEqual(shapeError(error), { message: "With extras.", code: "E_X", data: { row: 3 } });
    assert.deepEqual(shapeError({ message: "Object.", code: "OBJ", data: [1], stack: "s", other: true }), {
      message: "Object.",
      code: "OBJ",
      data: [1],
    });
  });

  it("keeps a StintError's code and data", () => {
    assert.deepEqual(shapeError(Errors.taskNotFound("t1")), {
      message: 'Task "t1" was not found!',
      code: "NOT_FOUND",
      data: { id: "t1" },
    });
    assert.deepEqual(shapeError(Errors.maxIterations()), { message: "Task reached max iterations.", code: "TASK_MAX_ITERATIONS" });
  });

  it("turns a non-string message or code into a string", () => {
    assert.deepEqual(shapeError({ message: 42, code: 7 }), { message: "42", code: "7" });
  });

  it("turns other values into { message: String(value) }", () => {
    assert.deepEqual(shapeError(undefined), { message: "undefined" });
    assert.deepEqual(shapeError(null), { message: "null" });
    assert.deepEqual(shapeError(12), { message: "12" });
    assert.deepEqual(shapeError(false), { message: "false" });
    assert.deepEqual(shapeError(Symbol("s")), { message: "Symbol(s)" });
  });

  it("names an Error without a message by its name and an object without one as unknown", () => {
    assert.deepEqual(shapeError(new RangeError()), { message: "RangeError" });
    const noMessage = new Error("x");
    Object.defineProperty(noMessage, "message", { value: undefined });
    assert.deepEqual(shapeError(noMessage), { message: "Error" });
    assert.deepEqual(shapeError({}), { message: "Unknown error." });
  });

  it("survives hostile values", () => {
    const hostile = {
      get message(): string {
        throw new Error("getter");
      },
    };
    assert.deepEqual(shapeError(hostile), { message: "Unknown error." });
    assert.deepEqual(shapeError({ message: Object.create(null) }), { message: "Unknown error." });
  });
});

describe("shapeThrown, stackOf and withStack", () => {
  it("keeps an Error or an object with a message as shapeError does, and a thrown string as the message", () => {
    assert.deepEqual(shapeThrown(Object.assign(new Error("x"), { code: "C" }), "run()"), { message: "x", code: "C" });
    assert.deepEqual(shapeThrown({ message: "m", data: { a: 1 } }, "run()"), { message: "m", data: { a: 1 } });
    assert.deepEqual(shapeThrown("disk full", "run()"), { message: "disk full" });
  });

  it("names any other thrown value, keeping an object's code", () => {
    assert.deepEqual(shapeThrown(null, "run()"), { message: "run() threw null, not an Error." });
    assert.deepEqual(shapeThrown(Symbol("s"), "onDone hook"), { message: "onDone hook threw a symbol (Symbol(s)), not an Error." });
    assert.deepEqual(shapeThrown("", "run()"), { message: 'run() threw a string (""), not an Error.' });
    assert.deepEqual(shapeThrown({ code: "E" }, "run()"), { message: "run() threw an object without a message, not an Error.", code: "E" });
  });

  it("keeps the stack in the logged error unless it would pass the 232 KiB output limit", () => {
    const error = new Error("boom");
    assert.equal(stackOf(error), error.stack);
    assert.equal(stackOf("text"), undefined);
    assert.deepEqual(withStack({ message: "boom" }, "Error: boom\n    at x"), { message: "boom", stack: "Error: boom\n    at x" });
    assert.deepEqual(withStack({ message: "boom" }, "x".repeat(MAX_OUTPUT_BYTES)), { message: "boom" });
    assert.deepEqual(withStack({ message: "boom" }, undefined), { message: "boom" });
  });
});

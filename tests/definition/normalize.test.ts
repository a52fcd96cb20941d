import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizeDefinition } from "../../src/definition/normalize.js";
import { isStintError, StintError } from "../../src/domain/errors.js";
import type { TaskDefinitionInterface } from "../../src/definition/types.js";
import { fakeController, fakeTask, summary } from "./fake-controller.js";
import { toTaskRecord } from "../../src/domain/task-record.js";

const base: TaskDefinitionInterface = {
  id: "myTask",
  title: "My task",
  run: ({ controller }) => controller.response.done(),
};

function refused(fn: () => unknown, message: string, code = "TASK_DEFINITION_INVALID") {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof StintError);
    assert.equal(error.message, message);
    assert.equal(error.code, code);
    return true;
  });
}

describe("normalizeDefinition: id", () => {
  it("accepts ids equal to lodash's camelCase of themselves", () => {
    for (const id of ["a", "myTask", "importCsv2", "v2Task", "my1stTask", "aB3", "aB"]) {
      assert.equal(normalizeDefinition({ ...base, id }).id, id);
    }
  });

  it("refuses ids that are not camelCase with Webiny's message", () => {
    // "myID" → "myId", "aB3c" → "aB3C", "task1a" → "task1A", "myHTTPTask" → "myHttpTask".
    for (const id of ["MyTask", "my-task", "my_task", "1task", "my task", "", "myTask!", "myID", "aB3c", "task1a", "myHTTPTask", "fooBAR"]) {
      refused(
        () => normalizeDefinition({ ...base, id }),
        `Task ID "${id}" is invalid. It must be in camelCase format, for example: "myCustomTask".`,
      );
    }
  });

  it("refuses a missing or non-string id", () => {
    refused(
      () => normalizeDefinition({ ...base, id: undefined as unknown as string }),
      'Task ID "undefined" is invalid. It must be in camelCase format, for example: "myCustomTask".',
    );
    assert.throws(() => normalizeDefinition({ ...base, id: 5 as unknown as string }), (e) => isStintError(e, "TASK_DEFINITION_INVALID"));
  });
});

describe("normalizeDefinition: members", () => {
  it("applies the defaults", async () => {
    const handle = normalizeDefinition(base);
    assert.equal(handle.title, "My task");
    assert.equal(handle.description, null);
    assert.equal(handle.maxIterations, 50);
    assert.equal(handle.databaseLogs, true);
    assert.equal(handle.isPrivate, false);
    assert.equal(handle.timeout, undefined);
    assert.equal(handle.closeToTimeoutSeconds, 180);
    assert.equal(handle.onDone, undefined);
    assert.equal(await handle.validateInput({ anything: 1 }), null);
    assert.equal(handle.inputJsonSchema(), null);
    assert.ok(Object.isFrozen(handle));
  });

  it("keeps the given values", () => {
    const handle = normalizeDefinition({
      ...base,
      description: "Does things.",
      maxIterations: 3,
      isPrivate: true,
      timeout: 60,
      closeToTimeoutSeconds: 10,
    });
    assert.equal(handle.description, "Does things.");
    assert.equal(handle.maxIterations, 3);
    assert.equal(handle.isPrivate, true);
    assert.equal(handle.timeout, 60);
    assert.equal(handle.closeToTimeoutSeconds, 10);
  });

  it("turns database logs off with databaseLogs: false or disableDatabaseLogs: true", () => {
    assert.equal(normalizeDefinition({ ...base, databaseLogs: false }).databaseLogs, false);
    assert.equal(normalizeDefinition({ ...base, disableDatabaseLogs: true }).databaseLogs, false);
    assert.equal(normalizeDefinition({ ...base, databaseLogs: true }).databaseLogs, true);
    assert.equal(normalizeDefinition({ ...base, disableDatabaseLogs: false }).databaseLogs, true);
    assert.equal(normalizeDefinition({ ...base, databaseLogs: true, disableDatabaseLogs: true }).databaseLogs, false);
  });

  it("refuses a missing or empty title", () => {
    refused(() => normalizeDefinition({ ...base, title: "" }), 'Task definition "myTask" is invalid: title must be a non-empty string.');
    refused(
      () => normalizeDefinition({ ...base, title: undefined as unknown as string }),
      'Task definition "myTask" is invalid: title must be a non-empty string.',
    );
  });

  it("refuses a run that is not a function", () => {
    refused(
      () => normalizeDefinition({ ...base, run: "no" as never }),
      'Task definition "myTask" is invalid: run must be a function.',
    );
  });

  it("reads maxIterations 0 (or null) as the default 50, as Webiny's `maxIterations || 50`", () => {
    assert.equal(normalizeDefinition({ ...base, maxIterations: 0 }).maxIterations, 50);
    assert.equal(normalizeDefinition({ ...base, maxIterations: null as unknown as number }).maxIterations, 50);
    assert.equal(normalizeDefinition({ ...base, maxIterations: undefined }).maxIterations, 50);
  });

  it("refuses maxIterations that is not a positive integer", () => {
    for (const maxIterations of [-1, 1.5, Number.NaN, Infinity, "5" as unknown as number]) {
      refused(
        () => normalizeDefinition({ ...base, maxIterations }),
        'Task definition "myTask" is invalid: maxIterations must be a positive integer.',
      );
    }
  });

  it("refuses a timeout that is not a positive number", () => {
    for (const timeout of [0, -5, Number.NaN, Infinity]) {
      refused(
        () => normalizeDefinition({ ...base, timeout }),
        'Task definition "myTask" is invalid: timeout must be a positive number of seconds.',
      );
    }
  });

  it("refuses a negative closeToTimeoutSeconds and hooks that are not functions", () => {
    assert.throws(() => normalizeDefinition({ ...base, closeToTimeoutSeconds: -1 }), (e) => isStintError(e, "TASK_DEFINITION_INVALID"));
    refused(
      () => normalizeDefinition({ ...base, onDone: 5 as never }),
      'Task definition "myTask" is invalid: onDone must be a function.',
    );
  });

  it("refuses a definition that is not an object", () => {
    assert.throws(() => normalizeDefinition(null as never), (e) => isStintError(e, "TASK_DEFINITION_INVALID"));
  });
});

describe("normalizeDefinition: run and hooks", () => {
  it("returns a promise from run even when the task's run is synchronous", async () => {
    const handle = normalizeDefinition(base);
    const result = handle.run({ input: {}, controller: fakeController(), definition: summary });
    assert.ok(result instanceof Promise);
    assert.deepEqual(await result, { status: "done", message: "Task done.", output: undefined });
  });

  it("turns a synchronous throw in run into a rejection", async () => {
    const handle = normalizeDefinition({
      ...base,
      run: () => {
        throw new Error("sync");
      },
    });
    let promise: Promise<unknown> | undefined;
    assert.doesNotThrow(() => {
      promise = handle.run({ input: {}, controller: fakeController(), definition: summary });
    });
    await assert.rejects(promise!, /sync/);
  });

  it("wraps every hook so it always returns a promise, called on the definition", async () => {
    const calls: string[] = [];
    const definition: TaskDefinitionInterface = {
      ...base,
      onBeforeTrigger(params) {
        calls.push(`before:${params.data.definitionId}:${this === definition}`);
      },
      onDone() {
        calls.push(`done:${this === definition}`);
      },
      onError: async () => void calls.push("error"),
      onAbort: () => void calls.push("abort"),
      onMaxIterations: () => void calls.push("max"),
    };
    const handle = normalizeDefinition(definition);
    const task = toTaskRecord(fakeTask());
    const results = [
      handle.onBeforeTrigger!({ data: { definitionId: "myTask", name: "n", input: {}, parentId: undefined } }),
      handle.onDone!({ task }),
      handle.onError!({ task }),
      handle.onAbort!({ task }),
      handle.onMaxIterations!({ task }),
    ];
    for (const result of results) assert.ok(result instanceof Promise);
    assert.deepEqual(await Promise.all(results), [undefined, undefined, undefined, undefined, undefined]);
    assert.deepEqual(calls, ["before:myTask:true", "done:true", "error", "abort", "max"]);
  });

  it("turns a throwing hook into a rejection (the veto of onBeforeTrigger)", async () => {
    const handle = normalizeDefinition({
      ...base,
      onBeforeTrigger: () => {
        throw new Error("Not today.");
      },
    });
    await assert.rejects(
      handle.onBeforeTrigger!({ data: { definitionId: "myTask", name: "n", input: {}, parentId: undefined } }),
      /Not today\./,
    );
  });
});

import { describe, it, after, before } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError, type StintError } from "../../src/domain/errors.js";
import { createStint } from "../../src/stint.js";

function expectError(code: string, check?: (error: StintError) => void) {
  return (error: unknown) => {
    assert.ok(isStintError(error), `expected a StintError, got ${String(error)}`);
    assert.equal(error.code, code);
    check?.(error);
    return true;
  };
}

for (const kind of await storeKinds()) {
  describe(`trigger refuses bad input and stores nothing (${kind.name})`, () => {
    let f: StintFixture;
    const vetoed: string[] = [];
    const validated = createTaskDefinition<{ email: string; count: number }>({
      id: "validated",
      title: "Validated",
      createInputValidation: ({ validator }) => ({
        email: validator.string().email(),
        count: validator.number().int().min(1),
      }),
      run: ({ response }) => response.done(),
    });
    const guarded = createTaskDefinition<{ allowed?: boolean }>({
      id: "guarded",
      title: "Guarded",
      onBeforeTrigger: ({ data }) => {
        vetoed.push(data.definitionId);
        if (!data.input.allowed) throw new Error("Only allowed inputs, please.");
      },
      run: ({ response }) => response.done(),
    });
    const plain = createTaskDefinition({ id: "plain", title: "Plain", run: ({ response }) => response.done() });
    before(async () => {
      f = await stintFixture(kind, [validated, guarded, plain]);
    });
    after(() => f.close());

    async function assertNothingStored() {
      const list = await f.stint.tasks.listTasks();
      assert.equal(list.meta.totalCount, 0);
    }

    it("refuses an unknown definition with Webiny's message", async () => {
      await assert.rejects(
        f.stint.tasks.trigger({ definition: "noSuchTask" }),
        expectError("TASK_DEFINITION_ERROR", (e) => {
          assert.equal(e.message, "Task definition was not found!");
          assert.deepEqual(e.data, { id: "noSuchTask" });
        }),
      );
      await assertNothingStored();
    });

    it("refuses invalid input with per-field invalidFields", async () => {
      await assert.rejects(
        f.stint.tasks.trigger({ definition: validated, input: { email: "nope", count: 0 } }),
        expectError("VALIDATION_FAILED_INVALID_FIELDS", (e) => {
          assert.equal(e.message, "Validation failed.");
          const fields = (e.data as any).invalidFields;
          assert.deepEqual(Object.keys(fields).sort(), ["count", "email"]);
          assert.deepEqual(fields.email.data.path, ["email"]);
          assert.equal(typeof fields.count.message, "string");
        }),
      );
      await assertNothingStored();
    });

    it("refuses a delay of 355 days or more and a delay that is not a finite number", async () => {
      await assert.rejects(
        f.stint.tasks.trigger({ definition: plain, delay: 355 * 86400 + 1 }),
        expectError("MAX_DELAY_ERROR", (e) => assert.equal(e.message, "The maximum delay for a task is 355 days.")),
      );
      await assert.rejects(f.stint.tasks.trigger({ definition: plain, delay: 355 * 86400 }), expectError("MAX_DELAY_ERROR"));
      await assert.rejects(f.stint.tasks.trigger({ definition: plain, delay: "soon" as never }), expectError("INVALID_DELAY"));
      await assert.rejects(f.stint.tasks.trigger({ definition: plain, delay: Infinity }), expectError("INVALID_DELAY"));
      await assertNothingStored();
    });

    it("lets onBeforeTrigger veto a trigger", async () => {
      await assert.rejects(f.stint.tasks.trigger({ definition: guarded, input: {} }), (e: unknown) => {
        assert.ok(e instanceof Error && !isStintError(e));
        assert.equal(e.message, "Only allowed inputs, please.");
        return true;
      });
      assert.ok(vetoed.includes("guarded"));
      await assertNothingStored();
    });

    it("refuses a non-object input, an oversized input, a bad name and an unknown parent", async () => {
      await assert.rejects(f.stint.tasks.trigger({ definition: plain, input: [1, 2] as never }), expectError("INVALID_ARGUMENT"));
      await assert.rejects(
        f.stint.tasks.trigger({ definition: plain, input: { blob: "x".repeat(1024 * 1024 + 1) } as never }),
        expectError("PAYLOAD_TOO_LARGE"),
      );
      await assert.rejects(f.stint.tasks.trigger({ definition: plain, name: 5 as never }), expectError("INVALID_ARGUMENT"));
      await assert.rejects(f.stint.tasks.trigger({ definition: plain, parent: { id: "000000000000nosuch" } }), expectError("NOT_FOUND"));
      await assert.rejects(f.stint.tasks.trigger({ definition: plain, parent: 5 as never }), expectError("INVALID_TASK_ID"));
      await assert.rejects(f.stint.tasks.trigger({ definition: plain, parent: {} as never }), expectError("INVALID_TASK_ID"));
      await assertNothingStored();
    });

    it("stores nothing of a batch when one of its triggers is bad", async () => {
      await assert.rejects(
        f.stint.tasks.triggerMany([
          { definition: plain },
          { definition: validated, input: { email: "bad", count: 1 } },
        ]),
        expectError("VALIDATION_FAILED_INVALID_FIELDS"),
      );
      await assertNothingStored();
    });

    it("answers getTask and deleteTask of unknown or malformed ids", async () => {
      assert.equal(await f.stint.tasks.getTask("000000000000nosuch"), null);
      await assert.rejects(f.stint.tasks.getTask("../etc/passwd"), expectError("INVALID_TASK_ID"));
      await assert.rejects(f.stint.tasks.deleteTask("000000000000nosuch"), expectError("NOT_FOUND"));
    });
  });
}

describe("definitions are checked at registration", () => {
  it("refuses a non-camelCase id with Webiny's message", () => {
    assert.throws(
      () => createTaskDefinition({ id: "my-task", title: "Bad", run: ({ response }) => response.done() }),
      expectError("TASK_DEFINITION_INVALID", (e) =>
        assert.equal(e.message, 'Task ID "my-task" is invalid. It must be in camelCase format, for example: "myCustomTask".'),
      ),
    );
  });

  it("refuses two definitions with the same id and opens nothing", async () => {
    const a = createTaskDefinition({ id: "same", title: "A", run: ({ response }) => response.done() });
    const b = createTaskDefinition({ id: "same", title: "B", run: ({ response }) => response.done() });
    await assert.rejects(createStint({ database: "sqlite::memory:", definitions: [a, b], useEnv: false }), expectError("TASK_DEFINITION_DUPLICATE"));
  });

  it("refuses a bad database URL", async () => {
    await assert.rejects(createStint({ database: "mysql://x", useEnv: false }), expectError("INVALID_DATABASE_URL"));
  });
});

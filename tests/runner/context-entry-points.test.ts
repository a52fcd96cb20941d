/** `context` reaches v5 tasks from every entry point: createTestStint and defineConfig. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestStint } from "../../src/testing/index.js";
import { defineConfig } from "../../src/config/define-config.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";

describe("context entry points", () => {
  it("createTestStint({ context }) hands it to v5 run and hooks (Webiny v5 run params)", async () => {
    const seen: unknown[] = [];
    const task = createTaskDefinition<Record<string, never>, { tenant: string }, { tenant: string }>({
      id: "readsContext",
      title: "Reads context",
      run: ({ context, response }) => response.done({ tenant: context.tenant }),
      onDone: ({ context }) => void seen.push(context),
    });
    const stint = await createTestStint({ definitions: [task], context: { tenant: "acme" } });
    try {
      const done = await stint.runTask({ definition: task });
      assert.equal(done.taskStatus, "success");
      assert.deepEqual(done.output, { tenant: "acme" });
      assert.deepEqual(seen, [{ tenant: "acme" }]);
    } finally {
      await stint.close();
    }
  });

  it("defineConfig accepts a context (an object or a function) beside the definitions", () => {
    const config = defineConfig({ definitions: [], context: async () => ({ tenant: "root" }) });
    assert.equal(typeof config.context, "function");
  });
});

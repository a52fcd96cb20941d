/**
 * Type-level behaviour: the compiler (`npm run typecheck`) is the test runner here; the
 * runtime part only makes sure the file loads. Each `@ts-expect-error` must stay an error.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import { defineConfig, type StintConfig } from "../../src/config/define-config.js";
import type { TaskDefinitionHandle } from "../../src/definition/types.js";
import type { TriggerParams } from "../../src/service/types.js";
import type { Task } from "../../src/domain/task.js";

/** Shaped like TaskService.trigger. */
type Trigger = <I>(params: TriggerParams<I>) => Promise<Task>;

interface ImportInput {
  file: string;
  dryRun?: boolean;
}
interface ImportOutput {
  rows: number;
}

const importCsv = createTaskDefinition<ImportInput, ImportOutput>({
  id: "importCsv",
  title: "Import CSV",
  run: ({ input, response }) => {
    const file: string = input.file;
    // @ts-expect-error output must match ImportOutput
    response.done({ rows: "many" });
    // @ts-expect-error continue takes a partial input, not unknown keys of the wrong type
    response.continue({ file: 42 });
    return file ? response.done({ rows: 1 }) : response.continue({ dryRun: true }, { seconds: 5 });
  },
});

class Cleanup implements TaskDefinition.Interface<{ olderThanDays: number }, { removed: number }> {
  id = "cleanup";
  title = "Cleanup";
  async run({ input, controller }: TaskDefinition.RunParams<{ olderThanDays: number }, { removed: number }>) {
    return controller.response.done({ removed: input.olderThanDays });
  }
}
const cleanup = TaskDefinition.createImplementation({ implementation: Cleanup });

// Never called: the calls below only need to type-check (or fail to).
export function typeChecks(trigger: Trigger): void {
  const handle: TaskDefinitionHandle<ImportInput, ImportOutput> = importCsv;
  void trigger({ definition: handle, input: { file: "a.csv" } });
  void trigger({ definition: importCsv, input: { file: "a.csv", dryRun: true } });
  // @ts-expect-error a wrong input type does not compile through a typed handle
  void trigger({ definition: importCsv, input: { file: 1 } });
  // @ts-expect-error a missing required field does not compile either
  void trigger({ definition: importCsv, input: { dryRun: true } });
  // @ts-expect-error the controller-style handle carries its input type too
  void trigger({ definition: cleanup, input: { olderThanDays: "30" } });
  void trigger({ definition: cleanup, input: { olderThanDays: 30 } });
  // By id the input stays untyped, as in Webiny.
  void trigger({ definition: "importCsv", input: { anything: [1, 2] } });

  // @ts-expect-error an unknown config option is caught
  defineConfig({ worker: { concurency: 5 } });
  const config: StintConfig = defineConfig({ definitions: [importCsv, cleanup], worker: { concurrency: 5 } });
  void config;
}

describe("definition typing", () => {
  it("is checked by the compiler; defineConfig returns its argument", () => {
    const config = { database: "sqlite::memory:" };
    assert.equal(defineConfig(config), config);
    assert.equal(typeof typeChecks, "function");
  });
});

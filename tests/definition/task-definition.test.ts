import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import { isStintError } from "../../src/domain/errors.js";
import { fakeController, fakeTask, summary } from "./fake-controller.js";

interface Input {
  file: string;
  offset?: number;
}
interface Output {
  rows: number;
}

class RowCounter {
  constructor(private readonly rowsPerFile: number) {}
  count(file: string): number {
    return file.length * this.rowsPerFile;
  }
}

class AuditLog {
  readonly entries: string[] = [];
}

class ImportCsv implements TaskDefinition.Interface<Input, Output> {
  readonly id = "importCsv";
  readonly title = "Import CSV";
  readonly description = "Imports a CSV file.";
  readonly maxIterations = 7;

  constructor(
    private readonly counter: RowCounter,
    private readonly audit: AuditLog,
  ) {}

  async run({ input, controller }: TaskDefinition.RunParams<Input, Output>): Promise<TaskDefinition.Result<Output, Input>> {
    if (input.offset === undefined) return controller.response.continue({ offset: 1 }, { seconds: 2 });
    return controller.response.done({ rows: this.counter.count(input.file) });
  }

  async onDone({ task }: { task: { id: string } }): Promise<void> {
    this.audit.entries.push(`done:${task.id}`);
  }
}

describe("TaskDefinition.createImplementation", () => {
  it("instantiates the class with its dependencies, in order", async () => {
    const audit = new AuditLog();
    const handle = TaskDefinition.createImplementation({ implementation: ImportCsv, dependencies: [new RowCounter(10), audit] });
    assert.equal(handle.id, "importCsv");
    assert.equal(handle.title, "Import CSV");
    assert.equal(handle.description, "Imports a CSV file.");
    assert.equal(handle.maxIterations, 7);

    const controller = fakeController() as never;
    const done = await handle.run({ input: { file: "abc", offset: 1 }, controller, definition: summary });
    // `this.counter` in run() is the injected RowCounter: 3 characters × 10.
    assert.deepEqual(done, { status: "done", message: "Task done.", output: { rows: 30 } });

    const next = await handle.run({ input: { file: "abc" }, controller, definition: summary });
    assert.deepEqual(next, { status: "continue", input: { offset: 1 }, waitMs: 2000 });
  });

  it("calls hooks on the instance so they reach injected dependencies", async () => {
    const audit = new AuditLog();
    const handle = TaskDefinition.createImplementation({ implementation: ImportCsv, dependencies: [new RowCounter(1), audit] });
    await handle.onDone!({ task: fakeTask({ id: "t9" }) as never });
    assert.deepEqual(audit.entries, ["done:t9"]);
  });

  it("works without dependencies", async () => {
    class Hello implements TaskDefinition.Interface {
      id = "hello";
      title = "Hello";
      run({ controller }: TaskDefinition.RunParams) {
        return controller.response.done("Hi.");
      }
    }
    const handle = TaskDefinition.createImplementation({ implementation: Hello });
    const result = await handle.run({ input: {}, controller: fakeController(), definition: summary });
    assert.deepEqual(result, { status: "done", message: "Hi.", output: undefined });
  });

  it("reads members defined as getters on the prototype", () => {
    class WithGetters implements TaskDefinition.Interface {
      get id() {
        return "withGetters";
      }
      get title() {
        return "With getters";
      }
      run({ controller }: TaskDefinition.RunParams) {
        return controller.response.done();
      }
    }
    const handle = TaskDefinition.createImplementation({ implementation: WithGetters });
    assert.equal(handle.id, "withGetters");
    assert.equal(handle.title, "With getters");
  });

  it("validates the instance like any definition", () => {
    class Bad implements TaskDefinition.Interface {
      id = "Bad-Id";
      title = "Bad";
      run({ controller }: TaskDefinition.RunParams) {
        return controller.response.done();
      }
    }
    assert.throws(
      () => TaskDefinition.createImplementation({ implementation: Bad }),
      (error) => isStintError(error, "TASK_DEFINITION_INVALID") && /Task ID "Bad-Id" is invalid/.test(error.message),
    );
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createPrivateTaskDefinition,
  createTaskDefinition,
  toControllerRun,
} from "../../src/definition/create-task-definition.js";
import type { PlainRunParams } from "../../src/definition/types.js";
import { toTaskRecord } from "../../src/domain/task-record.js";
import { fakeController, fakeTask, summary } from "./fake-controller.js";

describe("createTaskDefinition", () => {
  it("normalises a plain-object definition into a handle", () => {
    const handle = createTaskDefinition({
      id: "sendNewsletter",
      title: "Send newsletter",
      disableDatabaseLogs: true,
      run: ({ response }) => response.done(),
    });
    assert.equal(handle.id, "sendNewsletter");
    assert.equal(handle.isPrivate, false);
    assert.equal(handle.databaseLogs, false);
    assert.equal(handle.maxIterations, 50);
  });

  it("makes private definitions with createPrivateTaskDefinition", () => {
    const handle = createPrivateTaskDefinition({ id: "cleanup", title: "Cleanup", run: ({ response }) => response.done() });
    assert.equal(handle.isPrivate, true);
  });

  it("passes an empty context unless the runner gives one, and calls run on the definition", async () => {
    const seen: unknown[] = [];
    const definition = {
      id: "withContext",
      title: "With context",
      run(this: unknown, { context, response }: PlainRunParams<{ a?: number }, { ok: boolean }, { tenant?: string }>) {
        seen.push(context, this === definition);
        return response.done({ ok: true });
      },
    };
    const handle = createTaskDefinition(definition);
    const params = { input: {}, controller: fakeController() as never, definition: summary };
    assert.deepEqual(await handle.run(params), { status: "done", message: "Task done.", output: { ok: true } });
    await handle.run(params, { tenant: "root" });
    assert.deepEqual(seen, [{}, true, { tenant: "root" }, true]);
  });
});

describe("toControllerRun", () => {
  it("maps the controller onto the v5 run params", async () => {
    const task = fakeTask({ input: { page: 1 } });
    const controller = fakeController(task);
    let plain: PlainRunParams | undefined;
    const run = toControllerRun((params: PlainRunParams) => {
      plain = params;
      return params.response.continue({ page: 2 });
    }, { app: "ctx" });

    const result = await run({ input: { page: 1 }, controller, definition: summary });
    assert.deepEqual(result, { status: "continue", input: { page: 2 }, waitMs: 0 });
    assert.ok(plain);
    assert.deepEqual(plain.context, { app: "ctx" });
    assert.deepEqual(plain.input, { page: 1 });
    assert.equal(plain.response, controller.response);

    assert.equal(plain.isAborted(), false);
    assert.equal(plain.isCloseToTimeout(30), true);
    assert.deepEqual(plain.store.getTask(), toTaskRecord(task), "the task in Webiny's shape");
    assert.equal(plain.store.getStatus(), "running");
    assert.deepEqual(plain.store.getInput(), { page: 1 });
    assert.equal(plain.store.getOutput(), null);
    await plain.store.updateInput({ page: 3 });
    await plain.store.updateOutput({ done: 1 });
    const logResult = plain.store.addInfoLog({ message: "Working.", data: { n: 1 } });
    assert.ok(logResult instanceof Promise);
    await logResult;
    await plain.store.addErrorLog({ message: "Oops.", error: { message: "x" } });
    const children = await plain.store.listChildTasks("childTask");
    assert.equal(children[0].id, "child1");
    const child = await plain.trigger({ definition: "childTask", input: { x: 1 } });
    assert.equal(child.parentId, "task1");

    assert.deepEqual(controller.calls, [
      ["isAborted"],
      ["isCloseToTimeout", 30],
      ["getTask"],
      ["getStatus"],
      ["getInput"],
      ["getOutput"],
      ["updateInput", { page: 3 }],
      ["updateOutput", { done: 1 }],
      ["info", { message: "Working.", data: { n: 1 } }],
      ["error", { message: "Oops.", error: { message: "x" } }],
      ["listChildren", "childTask"],
      ["trigger", { definition: "childTask", input: { x: 1 } }],
    ]);
  });
});

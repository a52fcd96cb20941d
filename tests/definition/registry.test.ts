import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DefinitionRegistry } from "../../src/definition/registry.js";
import { createPrivateTaskDefinition, createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";
import type { AnyTaskDefinition } from "../../src/definition/types.js";

const define = (id: string) => createTaskDefinition({ id, title: id, run: ({ response }) => response.done() });
const hidden = createPrivateTaskDefinition({ id: "hidden", title: "Hidden", run: ({ response }) => response.done() });

describe("DefinitionRegistry", () => {
  it("registers, finds and lists definitions in registration order", () => {
    const registry = new DefinitionRegistry();
    const first = define("first");
    registry.register(first).register(define("second"));
    assert.equal(registry.get("first"), first);
    assert.equal(registry.get("missing"), undefined);
    assert.equal(registry.has("second"), true);
    assert.equal(registry.has("missing"), false);
    assert.deepEqual(registry.ids(), ["first", "second"]);
    assert.deepEqual(registry.list().map((d) => d.id), ["first", "second"]);
  });

  it("hides private definitions from list unless asked, but keeps them in ids and get", () => {
    const registry = new DefinitionRegistry().registerAll([define("visible"), hidden]);
    assert.deepEqual(registry.list().map((d) => d.id), ["visible"]);
    assert.deepEqual(registry.list({ includePrivate: true }).map((d) => d.id), ["visible", "hidden"]);
    assert.deepEqual(registry.ids(), ["visible", "hidden"]);
    assert.equal(registry.get("hidden"), hidden);
  });

  it("refuses a duplicate id", () => {
    const registry = new DefinitionRegistry().register(define("same"));
    assert.throws(
      () => registry.register(define("same")),
      (error) =>
        isStintError(error, "TASK_DEFINITION_DUPLICATE") &&
        error.message === 'Task definition "same" is already registered.' &&
        (error.data as { id: string }).id === "same",
    );
  });

  it("registers all or nothing", () => {
    const registry = new DefinitionRegistry().register(define("existing"));
    assert.throws(() => registry.registerAll([define("fresh"), define("existing")]), (e) => isStintError(e, "TASK_DEFINITION_DUPLICATE"));
    assert.throws(() => registry.registerAll([define("twice"), define("twice")]), (e) => isStintError(e, "TASK_DEFINITION_DUPLICATE"));
    assert.deepEqual(registry.ids(), ["existing"]);
  });

  it("refuses a definition that was not normalised into a handle", () => {
    const registry = new DefinitionRegistry();
    const raw = { id: "raw", title: "Raw", run: () => undefined } as unknown as AnyTaskDefinition;
    assert.throws(
      () => registry.register(raw),
      (error) => isStintError(error, "TASK_DEFINITION_INVALID") && error.message.startsWith('Task definition "raw" is invalid: register'),
    );
    assert.throws(() => registry.register(null as never), (e) => isStintError(e, "TASK_DEFINITION_INVALID"));
    assert.deepEqual(registry.ids(), []);
  });
});

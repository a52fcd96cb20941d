/**
 * The definitions the GraphQL tests run. Fixed, because the schema snapshot's
 * definition enum is built from them.
 */
import { createPrivateTaskDefinition, createTaskDefinition } from "../../src/definition/create-task-definition.js";

/** Counts to `steps` one iteration at a time, logging each step, then doubles `value`. */
export const someTask = createTaskDefinition<{ value?: number; steps?: number; step?: number }>({
  id: "someTask",
  title: "Some task",
  description: "Counts to steps, then doubles value.",
  createInputValidation: ({ validator }) => ({
    value: validator.number().optional(),
    steps: validator.number().int().min(0).max(10).optional(),
  }),
  async run({ input, response, store }) {
    const step = input.step ?? 0;
    if (step < (input.steps ?? 0)) {
      await store.addInfoLog({ message: `step ${step + 1}`, data: { step: step + 1 } });
      return response.continue({ step: step + 1 });
    }
    return response.done({ doubled: (input.value ?? 0) * 2 });
  },
});

/** Runs until aborted (checking every 20 ms), to be aborted while running. */
export const waitTask = createTaskDefinition({
  id: "waitTask",
  title: "Wait task",
  async run({ response, isAborted, store }) {
    await store.addInfoLog({ message: "waiting" });
    const deadline = Date.now() + 20_000;
    while (!isAborted() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return response.aborted();
  },
});

/** Hidden from listDefinitions and the enum. */
export const hiddenTask = createPrivateTaskDefinition({
  id: "hiddenTask",
  title: "Hidden task",
  run: ({ response }) => response.done(),
});

export const TEST_DEFINITIONS = [someTask, waitTask, hiddenTask];

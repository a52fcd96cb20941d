/** A controller that records what a task does with it, for adapter tests. */
import type { TaskController } from "../../src/definition/types.js";
import { createResponse } from "../../src/response/response.js";
import { SYSTEM_IDENTITY, type Task } from "../../src/domain/task.js";
import { toTaskRecord } from "../../src/domain/task-record.js";

export function fakeTask(overrides: Partial<Task> = {}): Task {
  const now = new Date("2025-01-01T00:00:00.000Z");
  const input = overrides.input ?? {};
  return {
    id: "task1",
    name: "Task",
    definitionId: "myTask",
    parentId: null,
    executionName: "",
    iterations: 1,
    input: {},
    output: null,
    taskStatus: "running",
    startedOn: now,
    finishedOn: null,
    eventResponse: null,
    createdOn: now,
    savedOn: now,
    createdBy: SYSTEM_IDENTITY,
    progress: null,
    maxIterations: 50,
    runAt: now,
    attempt: 1,
    priority: 0,
    idempotencyKey: null,
    concurrencyKey: null,
    triggeredInput: input,
    rerunOf: null,
    ...overrides,
  };
}

export interface Recorded {
  calls: Array<[string, ...unknown[]]>;
}

export function fakeController(task: Task = fakeTask()): TaskController & Recorded {
  const calls: Recorded["calls"] = [];
  const record = (name: string, ...args: unknown[]) => calls.push([name, ...args]);
  return {
    calls,
    response: createResponse({ now: () => 0 }),
    runtime: {
      isAborted: () => (record("isAborted"), false),
      isCloseToTimeout: (seconds) => (record("isCloseToTimeout", seconds), true),
      getRemainingSeconds: () => 60,
      getRemainingMilliseconds: () => 60_000,
      signal: new AbortController().signal,
    },
    state: {
      getTask: () => (record("getTask"), toTaskRecord(task)),
      getStatus: () => (record("getStatus"), task.taskStatus),
      getInput: () => (record("getInput"), task.input),
      getOutput: () => (record("getOutput"), task.output),
      updateInput: async (input) => void record("updateInput", input),
      updateOutput: async (output) => void record("updateOutput", output),
    },
    logger: {
      info: (params) => void record("info", params),
      error: (params) => void record("error", params),
    },
    task: {
      trigger: async (params) => (record("trigger", params), fakeTask({ id: "child1", parentId: task.id }) as never),
      listChildren: async (definitionId) => (record("listChildren", definitionId), [fakeTask({ id: "child1" })]),
    },
    progress: { set: (progress) => void record("progress", progress) },
  };
}

export const summary = { id: "myTask", title: "My task", description: null, maxIterations: 50 };

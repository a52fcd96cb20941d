/**
 * Runs inside a worker thread: loads the definition's module, builds a controller whose
 * state, logs, progress and child tasks go to the parent worker as messages, runs one
 * iteration and posts its response. The parent terminates the thread at the hard timeout.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { TaskController, AnyTaskDefinition } from "../../definition/types.js";
import type { TaskRecord } from "../../domain/task-record.js";
import { createResponse } from "../../response/response.js";
import { shapeError, shapeThrown, stackOf, withStack } from "../../response/error-shape.js";
import type { FromThread, RpcMethod, ThreadInit, ToThread } from "./protocol.js";

const init = workerData as ThreadInit;
const port = parentPort!;
const aborter = new AbortController();
let aborted = false;
/** The budget ran out, or the worker is stopping or lost the lease: isCloseToTimeout() is true. */
let stopping = false;
let nextRpc = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
let task: TaskRecord = init.task;

const post = (message: FromThread) => port.postMessage(message);

port.on("message", (message: ToThread) => {
  if (message.type === "abort") {
    if (message.user) aborted = true;
    else stopping = true;
    aborter.abort(message.user ? "aborted" : "stopping");
  } else if (message.type === "rpc-result") {
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) call?.reject(Object.assign(new Error(message.error.message), message.error));
    else call?.resolve(message.value);
  }
});

function rpc(method: RpcMethod, ...args: unknown[]): Promise<any> {
  const id = nextRpc++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    post({ type: "rpc", id, method, args });
  });
}

async function main() {
  const module = (await import(init.moduleUrl)) as Record<string, unknown>;
  const definition = Object.values(module).find(
    (value): value is AnyTaskDefinition =>
      !!value && typeof value === "object" && (value as AnyTaskDefinition).id === init.definitionId && typeof (value as AnyTaskDefinition).run === "function",
  );
  if (!definition) throw new Error(`Module ${init.moduleUrl} exports no definition "${init.definitionId}".`);

  const remaining = () => Math.max(0, init.deadline - Date.now());
  const controller: TaskController = {
    response: createResponse(),
    runtime: {
      isAborted: () => aborted,
      isCloseToTimeout: (seconds) => stopping || remaining() < (seconds ? seconds : definition.closeToTimeoutSeconds) * 1000,
      getRemainingSeconds: () => Math.floor(remaining() / 1000),
      getRemainingMilliseconds: remaining,
      signal: aborter.signal,
    },
    state: {
      getTask: () => task,
      getStatus: () => task.taskStatus,
      getInput: () => task.input,
      getOutput: () => task.output ?? null,
      updateInput: async (input) => {
        task = (await rpc("updateInput", input)) as TaskRecord;
      },
      updateOutput: async (output) => {
        task = (await rpc("updateOutput", output)) as TaskRecord;
      },
    },
    logger: {
      info: ({ message, data }) => post({ type: "log", item: { type: "info", message: String(message), ...(data === undefined ? {} : { data }) } }),
      error: ({ message, error, data }) =>
        post({
          type: "log",
          item: {
            type: "error",
            message: String(message),
            ...(error === undefined ? {} : { error: withStack(shapeError(error), stackOf(error)) }),
            ...(data === undefined ? {} : { data }),
          },
        }),
    },
    task: {
      trigger: (params) => rpc("trigger", { ...params, definition: typeof params.definition === "string" ? params.definition : params.definition.id }),
      listChildren: (definitionId) => rpc("listChildren", definitionId),
    },
    progress: {
      set: (progress) => post({ type: "progress", progress }),
    },
  };
  const run = () => definition.run({
    input: structuredClone(task.input), // as in the worker's thread: run() may change its copy
    controller,
    definition: { id: definition.id, title: definition.title, description: definition.description, maxIterations: definition.maxIterations },
  });
  // In the iteration's trace: spans run() makes join it when the module registers an SDK
  // in this thread. Without a trace context the API is not even loaded.
  const traceContext = init.traceContext;
  const response = traceContext ? await (await import("../../observability/thread-trace.js")).runInTraceContext(traceContext, run) : await run();
  post({ type: "result", response });
}

main().catch((error) => post({ type: "thrown", error: shapeThrown(error, "run()"), stack: stackOf(error) }));

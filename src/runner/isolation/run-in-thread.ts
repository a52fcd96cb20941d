/**
 * Runs one iteration of a definition in a fresh worker thread. The returned `terminate`
 * stops the thread for good, which is the only way to stop code that never yields.
 */
import { Worker as Thread } from "node:worker_threads";
import type { TaskController } from "../../definition/types.js";
import type { AnyTaskDefinition } from "../../definition/types.js";
import { shapeError } from "../../response/error-shape.js";
import type { FromThread, ThreadInit, ToThread } from "./protocol.js";
import { activeCarrier, bindActiveContext } from "../../observability/tracing.js";

// Under tsx (tests, `npm start`) this module is TypeScript; once built, JavaScript.
const entryUrl = new URL(import.meta.url.endsWith(".ts") ? "./thread-entry.ts" : "./thread-entry.js", import.meta.url);

/**
 * Loader hooks of the parent (tsx) do not reach worker threads on Node 20, so a thread
 * that must load TypeScript (Stint's own source under tsx, or a user's .ts definition
 * module) first registers tsx itself, then imports the entry.
 */
function startThread(moduleUrl: string, init: ThreadInit): Thread {
  if (!entryUrl.pathname.endsWith(".ts") && !/\.[cm]?ts$/.test(new URL(moduleUrl).pathname)) {
    return new Thread(entryUrl, { workerData: init });
  }
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entryUrl.href)}); });`;
  return new Thread(bootstrap, { eval: true, workerData: init });
}

export interface ThreadRun {
  response: Promise<unknown>;
  terminate(): void;
}

export function runInThread(
  definition: AnyTaskDefinition,
  controller: TaskController,
  deadline: number,
  /** The worker's abort, heard apart from the budget: a user's abort after the budget fired must still reach the thread. */
  abort: { onChange(listener: () => void): void },
): ThreadRun {
  const init: ThreadInit = {
    moduleUrl: definition.module!,
    definitionId: definition.id,
    task: controller.state.getTask(),
    deadline,
    traceContext: activeCarrier(),
  };
  const thread = startThread(init.moduleUrl, init);
  // Calls from the thread (a child trigger) run in the iteration's trace context, which
  // a message arriving from the thread does not carry by itself.
  const answerInContext = bindActiveContext(answer);
  const send = (message: ToThread) => thread.postMessage(message);
  let ended = false;
  const onAbort = () => {
    if (!ended) send({ type: "abort", user: controller.runtime.isAborted() });
  };
  controller.runtime.signal.addEventListener("abort", onAbort, { once: true });
  abort.onChange(onAbort);

  const response = new Promise<unknown>((resolve, reject) => {
    thread.on("message", (message: FromThread) => {
      switch (message.type) {
        case "log":
          if (message.item.type === "error") controller.logger.error(message.item);
          else controller.logger.info(message.item);
          break;
        case "progress":
          try {
            controller.progress.set(message.progress);
          } catch {
            // invalid progress from the task is ignored, as set() would have thrown there
          }
          break;
        case "rpc":
          void answerInContext(controller, message.method, message.args).then(
            (value) => send({ type: "rpc-result", id: message.id, value }),
            (error) => send({ type: "rpc-result", id: message.id, error: shapeError(error) }),
          );
          break;
        case "result":
          resolve(message.response);
          break;
        case "thrown":
          // The thread's own stack (where run() threw), not this line's.
          reject(Object.assign(new Error(message.error.message), message.error, message.stack ? { stack: message.stack } : {}));
          break;
      }
    });
    thread.on("error", (error) => reject(error));
    thread.on("exit", (code) => reject(new Error(`The iteration's thread exited (code ${code}) without a response.`)));
  }).finally(() => {
    ended = true;
    controller.runtime.signal.removeEventListener("abort", onAbort);
    void thread.terminate();
  });
  return { response, terminate: () => void thread.terminate() };
}

async function answer(controller: TaskController, method: string, args: unknown[]): Promise<unknown> {
  switch (method) {
    case "updateInput":
      await controller.state.updateInput(args[0] as never);
      return controller.state.getTask();
    case "updateOutput":
      await controller.state.updateOutput(args[0] as never);
      return controller.state.getTask();
    case "trigger":
      return controller.task.trigger(args[0] as never);
    case "listChildren":
      return controller.task.listChildren(args[0] as string | undefined);
    default:
      throw new Error(`Unknown call ${method}`);
  }
}

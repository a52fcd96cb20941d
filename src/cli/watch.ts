/**
 * Follows one task through the store: a progress bar, the iteration count, log lines as
 * they are stored and the final status. It polls TaskService, so the worker may be any
 * process on the same database. Ctrl-C offers to abort the task (see `interrupts`).
 */
import { createInterface } from "node:readline";
import type { TaskRecord as Task } from "../domain/task-record.js";
import { isTerminalStatus } from "../domain/task.js";
import type { TaskService } from "../service/types.js";
import { formatLogItem } from "./output.js";
import { ProgressLine, renderProgressBar } from "./progress-bar.js";

export interface WatchOptions {
  /** @defaultValue 200 */
  intervalMs?: number;
  /** Print progress and log lines (off for `--json`). @defaultValue true */
  live?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Handle SIGINT (offer to abort). @defaultValue true */
  interrupts?: boolean;
}

export interface WatchResult {
  task: Task;
  /** true when the user stopped watching and left the task running. */
  detached: boolean;
}

export async function watchTask(service: TaskService, id: string, options: WatchOptions = {}): Promise<WatchResult> {
  const intervalMs = options.intervalMs ?? 200;
  const live = options.live ?? true;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const bar = new ProgressLine(stdout);
  const printed = new Map<string, number>(); // log id → items printed
  let fromIteration = 0;
  let detached = false;
  let paused = false;
  let wake: () => void = () => {};

  const interrupt = options.interrupts === false ? undefined : createInterruptHandler({
    id,
    stderr,
    pause: (value) => (paused = value),
    abort: async () => {
      await service.abort({ id, message: "Aborted from the CLI (Ctrl-C)." }).catch((error: unknown) => {
        stderr.write(`stint: could not abort: ${error instanceof Error ? error.message : String(error)}\n`);
      });
      wake();
    },
    detach: () => {
      detached = true;
      wake();
    },
  });

  try {
    for (;;) {
      const task = await service.getTask(id);
      if (!task) throw new Error(`Task "${id}" disappeared from the store while being watched.`);
      if (live && !paused) {
        const logs = await service.listLogs({ where: { task: id, iteration_gte: fromIteration }, sort: ["iteration_ASC"], limit: 1000 });
        for (const log of logs.items) {
          const seen = printed.get(log.id) ?? 0;
          for (const item of log.items.slice(seen)) bar.println(formatLogItem(log, item));
          printed.set(log.id, log.items.length);
          fromIteration = Math.max(fromIteration, log.iteration);
        }
        bar.update(renderProgressBar(task.progress, task.iterations));
      }
      if (isTerminalStatus(task.taskStatus) || detached) {
        if (live) bar.finish();
        return { task, detached: detached && !isTerminalStatus(task.taskStatus) };
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    interrupt?.dispose();
  }
}

interface InterruptParams {
  id: string;
  stderr: NodeJS.WritableStream;
  pause(value: boolean): void;
  abort(): Promise<void>;
  detach(): void;
}

/**
 * In a terminal, Ctrl-C asks: abort the task, or leave it running and stop watching.
 * Without a terminal nobody can answer, so the first Ctrl-C says how to abort and the
 * second one aborts.
 */
function createInterruptHandler(params: InterruptParams): { dispose(): void } {
  const interactive = Boolean(process.stdin.isTTY && (params.stderr as NodeJS.WriteStream).isTTY);
  let count = 0;
  let asking = false;
  let prompt: ReturnType<typeof createInterface> | undefined;

  const onSigint = () => {
    count++;
    if (!interactive) {
      if (count === 1) {
        params.stderr.write(`\nstint: press Ctrl-C again to abort task ${params.id} (or run: stint abort ${params.id}); still watching\n`);
      } else if (count === 2) {
        params.stderr.write(`stint: aborting task ${params.id}\n`);
        void params.abort();
      } else {
        params.detach();
      }
      return;
    }
    if (asking) {
      params.stderr.write(`\nstint: left task ${params.id} running\n`);
      prompt?.close();
      params.detach();
      return;
    }
    asking = true;
    params.pause(true);
    const rl = createInterface({ input: process.stdin, output: params.stderr as NodeJS.WritableStream, terminal: true });
    prompt = rl;
    rl.on("SIGINT", onSigint);
    rl.question(`\nAbort task ${params.id}? Type y and Enter to abort, n and Enter to leave it running and exit, Enter alone to keep watching: `, (answer) => {
      rl.close();
      prompt = undefined;
      asking = false;
      params.pause(false);
      const choice = answer.trim().toLowerCase();
      if (choice === "y" || choice === "yes") void params.abort();
      else if (choice === "n" || choice === "no") params.detach();
    });
  };
  process.on("SIGINT", onSigint);
  return {
    dispose: () => {
      prompt?.close();
      process.off("SIGINT", onSigint);
    },
  };
}

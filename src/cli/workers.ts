/** `stint workers`: the worker registry: who runs, where, whether alive, and what each holds. */
import type { Command } from "commander";
import type { WorkerInfo } from "../domain/worker.js";
import { addJsonOption, addStoreOptions } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { formatAge, formatTable, printJson, stdio } from "./output.js";

export const WORKER_HEADERS = ["ID", "STATE", "HOST", "PID", "VERSION", "UP", "LAST BEAT", "BUSY", "RUNNING"] as const;

export function workerRow(worker: WorkerInfo, now: number): string[] {
  const running = worker.tasks.map((task) => `${task.definitionId}#${task.iteration}${task.attempt > 1 ? `.${task.attempt}` : ""} ${task.id}`);
  return [
    worker.id,
    worker.state,
    worker.host,
    String(worker.pid),
    worker.version,
    formatAge(worker.startedOn, now),
    `${formatAge(worker.lastHeartbeatOn, now)} ago`,
    `${worker.tasks.length}/${worker.concurrency}`,
    running.length > 0 ? running.join(", ") : "-",
  ];
}

export function registerWorkers(program: Command): void {
  const command = program
    .command("workers")
    .description(
      "list the registered workers: alive, lagging (missed a heartbeat) or gone (silent longer than its lease), with the tasks each holds; a gone worker is forgotten an hour after its last beat",
    );
  addJsonOption(addStoreOptions(command));
  command.action(async (flags: CommonFlags) => {
    const context = await prepare(flags, { command: "workers", definitions: false, store: "existing" });
    await withStint(context, async (stint) => {
      const workers = await stint.tasks.listWorkers();
      if (flags.json) return printJson(workers);
      if (workers.length === 0) return stdio.out("No workers registered.");
      const now = Date.now();
      stdio.out(formatTable(WORKER_HEADERS, workers.map((worker) => workerRow(worker, now)), 120));
    });
  });
}

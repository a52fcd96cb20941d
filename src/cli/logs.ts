/** `stint logs <id> [--follow]`: a task's log items, one line each, in order. */
import type { Command } from "commander";
import { isTerminalStatus } from "../domain/task.js";
import { Errors } from "../domain/errors.js";
import type { TaskService } from "../service/types.js";
import { addJsonOption, addStoreOptions } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { formatLogItem, printJson, stdio } from "./output.js";
import type { LogItem, TaskLog } from "../domain/log.js";

interface LogsFlags extends CommonFlags {
  follow?: boolean;
}

export function registerLogs(program: Command): void {
  const command = program
    .command("logs")
    .description("print the log items a task stored, one line each (time, iteration, level, message)")
    .argument("<id>", "task id")
    .option("-f, --follow", "keep printing new items until the task finishes (Ctrl-C stops)");
  addJsonOption(addStoreOptions(command));
  command.action(async (id: string, flags: LogsFlags) => {
    const context = await prepare(flags, { command: "logs", definitions: false, store: "existing" });
    await withStint(context, async (stint) => {
      if (!(await stint.tasks.getTask(id))) throw Errors.taskNotFound(id);
      if (flags.json && !flags.follow) return printJson(await allLogs(stint.tasks, id));
      await printLogs(stint.tasks, id, Boolean(flags.follow), Boolean(flags.json));
    });
  });
}

async function allLogs(service: TaskService, id: string) {
  const logs = [];
  let after: string | null = null;
  do {
    const page = await service.listLogs({ where: { task: id }, sort: ["iteration_ASC"], limit: 1000, after });
    logs.push(...page.items);
    after = page.meta.cursor;
  } while (after);
  return logs;
}

async function printLogs(service: TaskService, id: string, follow: boolean, json: boolean): Promise<void> {
  const printed = new Map<string, number>();
  let stop = false;
  const onSigint = () => (stop = true);
  if (follow) process.once("SIGINT", onSigint);
  try {
    for (;;) {
      const task = await service.getTask(id);
      for (const log of await allLogs(service, id)) {
        for (const item of log.items.slice(printed.get(log.id) ?? 0)) {
          stdio.out(json ? JSON.stringify({ taskId: id, iteration: log.iteration, ...item }) : formatWithStack(log, item));
        }
        printed.set(log.id, log.items.length);
      }
      if (!follow || stop || !task || isTerminalStatus(task.taskStatus)) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/**
 * One line per item as `formatLogItem` writes it; an error's stack (kept in the log item)
 * follows on indented lines instead of inside the line's compact JSON.
 */
export function formatWithStack(log: Pick<TaskLog, "iteration">, item: Omit<LogItem, "createdOn"> & { createdOn: Date | string }): string {
  const error = item.error as { stack?: unknown } | null | undefined;
  if (!error || typeof error !== "object" || typeof error.stack !== "string") return formatLogItem(log, item);
  const { stack, ...rest } = error as { stack: string };
  const lines = stack.split("\n").map((line) => `    ${line.trimStart()}`);
  return [formatLogItem(log, { ...item, error: rest }), ...lines].join("\n");
}

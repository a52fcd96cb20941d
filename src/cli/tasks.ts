/** `stint tasks`: a table of tasks, newest first. */
import type { Command } from "commander";
import { TASK_STATUSES } from "../domain/task.js";
import { addJsonOption, addStoreOptions } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { UsageError } from "./errors.js";
import { integer } from "./options.js";
import { formatTable, printJson, stdio, TASK_HEADERS, taskRow } from "./output.js";

interface TasksFlags extends CommonFlags {
  status?: string;
  definition?: string;
  limit?: string;
}

export function registerTasks(program: Command): void {
  const command = program
    .command("tasks")
    .description("list tasks, newest first: id, definition, status, iterations, progress, age")
    .option("-s, --status <status>", `only tasks with this status (${TASK_STATUSES.join(", ")})`)
    .option("--definition <id>", "only tasks of this definition")
    .option("-l, --limit <n>", "at most this many tasks (1-1000)", "50");
  addJsonOption(addStoreOptions(command));
  command.action(async (flags: TasksFlags) => {
    if (flags.status !== undefined && !(TASK_STATUSES as readonly string[]).includes(flags.status)) {
      throw new UsageError(`--status must be one of ${TASK_STATUSES.join(", ")}, got "${flags.status}"`);
    }
    const limit = integer("--limit", flags.limit ?? "50", 1, 1000);
    const where: Record<string, unknown> = {};
    if (flags.status) where.taskStatus = flags.status;
    if (flags.definition) where.definitionId = flags.definition;
    const context = await prepare(flags, { command: "tasks", definitions: false, store: "existing" });
    await withStint(context, async (stint) => {
      const result = await stint.tasks.listTasks({ where, limit, sort: ["createdOn_DESC"] });
      if (flags.json) return printJson(result);
      if (result.items.length === 0) return stdio.out("No tasks.");
      const now = Date.now();
      stdio.out(formatTable(TASK_HEADERS, result.items.map((task) => taskRow(task, now))));
      if (result.meta.hasMoreItems) stdio.out(`(${result.items.length} of ${result.meta.totalCount}; raise --limit to see more)`);
    });
  });
}

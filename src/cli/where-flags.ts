/**
 * The flags that pick tasks for a bulk command (`stint abort`, `stint delete`, `stint
 * rerun` without an id): the same filters as listTasks, spelled as flags, plus
 * `--limit`, `--dry-run` and `--yes`. Values are passed on as a `where` unchecked; the
 * TaskService checks them (a bad status or date is its typed INVALID_ARGUMENT, exit 2).
 */
import type { Command } from "commander";
import { TASK_STATUSES } from "../domain/task.js";
import { integer } from "./options.js";

export interface WhereFlags {
  status?: string[];
  definition?: string;
  nameContains?: string;
  parent?: string;
  createdBefore?: string;
  createdAfter?: string;
  limit?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export function addWhereFlags(command: Command): Command {
  return command
    .option("--status <status...>", `only tasks with one of these statuses (${TASK_STATUSES.join(", ")})`)
    .option("--definition <id>", "only tasks of this definition")
    .option("--name-contains <text>", "only tasks whose name contains this text")
    .option("--parent <id>", "only child tasks of this task")
    .option("--created-before <iso>", "only tasks created before this time (ISO 8601)")
    .option("--created-after <iso>", "only tasks created after this time (ISO 8601)")
    .option("--limit <n>", "act on at most this many tasks")
    .option("--dry-run", "print how many tasks match, change nothing")
    .option("-y, --yes", "do not ask for confirmation (needed without a terminal)");
}

/** The `where` of the filter flags given; empty when none was (the service refuses that). */
export function whereFromFlags(options: WhereFlags): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (options.status?.length === 1) where.taskStatus = options.status[0];
  else if (options.status && options.status.length > 1) where.taskStatus_in = options.status;
  if (options.definition !== undefined) where.definitionId = options.definition;
  if (options.nameContains !== undefined) where.name_contains = options.nameContains;
  if (options.parent !== undefined) where.parentId = options.parent;
  if (options.createdBefore !== undefined) where.createdOn_lt = options.createdBefore;
  if (options.createdAfter !== undefined) where.createdOn_gt = options.createdAfter;
  return where;
}

/** `--limit` as a number (undefined: every match). */
export function limitFromFlags(options: WhereFlags): number | undefined {
  return options.limit === undefined ? undefined : integer("--limit", options.limit, 1, Number.MAX_SAFE_INTEGER);
}

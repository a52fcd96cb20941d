/**
 * The where-flags of the bulk commands (`stint rerun|abort|delete <where-flags>`): each
 * flag one filter of listTasks' `where`, passed on as given (the TaskService checks the
 * values, so a bad status or date is the same typed error as over GraphQL).
 */
import type { Command } from "commander";
import type { ListWhere } from "../service/types.js";

export interface WhereFlags {
  status?: string[];
  definition?: string;
  nameContains?: string;
  parent?: string;
  createdBefore?: string;
  createdAfter?: string;
}

/** Adds the where-flags to `command`. */
export function addWhereFlags(command: Command): Command {
  return command
    .option("--status <status...>", "only tasks in these statuses")
    .option("--definition <id>", "only tasks of this definition")
    .option("--name-contains <text>", "only tasks whose name contains this (A-Z case ignored)")
    .option("--parent <id>", "only children of this task")
    .option("--created-before <iso>", "only tasks created before this time (ISO 8601)")
    .option("--created-after <iso>", "only tasks created after this time (ISO 8601)");
}

/** The `where` of the given flags; empty when none was given. */
export function whereFromFlags(flags: WhereFlags): ListWhere {
  const where: ListWhere = {};
  if (flags.status !== undefined) where.taskStatus_in = flags.status;
  if (flags.definition !== undefined) where.definitionId = flags.definition;
  if (flags.nameContains !== undefined) where.name_contains = flags.nameContains;
  if (flags.parent !== undefined) where.parentId = flags.parent;
  if (flags.createdBefore !== undefined) where.createdOn_lt = flags.createdBefore;
  if (flags.createdAfter !== undefined) where.createdOn_gt = flags.createdAfter;
  return where;
}

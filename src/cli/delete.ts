/** `stint delete <id> [--children]` and `stint delete <where-flags>` (bulk). */
import type { Command } from "commander";
import { addJsonOption, addStoreOptions } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { UsageError } from "./errors.js";
import { printJson, stdio } from "./output.js";
import { runBulkCommand } from "./bulk-confirm.js";
import { addWhereFlags, limitFromFlags, whereFromFlags, type WhereFlags } from "./where-flags.js";

type DeleteFlags = CommonFlags & WhereFlags & { children?: boolean };

export function registerDelete(program: Command): void {
  const command = program
    .command("delete")
    .description(
      "delete a task and its logs; a pending or running one is aborted first (its onAbort runs once). " +
        "Without an id, delete every task the filter flags match (asks first)",
    )
    .argument("[id]", "task id")
    .option("--children", "also delete its children, theirs, and so on");
  addWhereFlags(command);
  addJsonOption(addStoreOptions(command));
  command.action(async (id: string | undefined, flags: DeleteFlags) => {
    const where = whereFromFlags(flags);
    const bulk = id === undefined;
    if (!bulk && (Object.keys(where).length > 0 || flags.limit !== undefined || flags.dryRun)) {
      throw new UsageError("give either a task id or filter flags (--status, --definition, ...), not both");
    }
    if (bulk && Object.keys(where).length === 0) {
      throw new UsageError("give a task id, or filter flags (--status, --definition, --name-contains, --parent, --created-before, --created-after) to delete many");
    }
    const limit = limitFromFlags(flags);
    // The config's definitions, when there is one, let onAbort run here for unfinished
    // tasks; without them such a delete is refused (TASK_DELETE_ERROR, docs/run-history.md).
    const context = await prepare(flags, { command: "delete", definitions: false, store: "existing" });
    await withStint(context, async (stint) => {
      stint.events.on("hook:error", ({ hook, error }) =>
        stdio.err(`Warning: the ${hook} hook failed: ${error instanceof Error ? error.message : String(error)}`),
      );
      if (bulk) {
        return runBulkCommand({
          verb: "Delete",
          done: "deleted",
          dryRun: flags.dryRun,
          yes: flags.yes,
          json: flags.json,
          run: (dryRun) => stint.tasks.deleteMany({ where, limit, dryRun, children: flags.children === true }),
        });
      }
      await stint.tasks.deleteTask(id, { children: flags.children === true });
      if (flags.json) printJson({ id, deleted: true });
      else stdio.out(`Task ${id} deleted.`);
    });
  });
}

/** `stint abort <id> [--message] [--no-children]` and `stint abort <where-flags>` (bulk). */
import type { Command } from "commander";
import { addJsonOption, addStoreOptions } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { UsageError } from "./errors.js";
import { printJson, stdio } from "./output.js";
import { runBulkCommand } from "./bulk-confirm.js";
import { addWhereFlags, limitFromFlags, whereFromFlags, type WhereFlags } from "./where-flags.js";

type AbortFlags = CommonFlags & WhereFlags & { message?: string; children?: boolean };

export function registerAbort(program: Command): void {
  const command = program
    .command("abort")
    .description(
      "abort a pending or running task (and its unfinished children); a running iteration sees it at its next isAborted() check. " +
        "Without an id, abort every pending or running task the filter flags match (asks first)",
    )
    .argument("[id]", "task id")
    .option("-m, --message <text>", "why, stored with the task", "Aborted from the CLI.")
    .option("--no-children", "leave its children (or theirs) running");
  addWhereFlags(command);
  addJsonOption(addStoreOptions(command));
  command.action(async (id: string | undefined, flags: AbortFlags) => {
    const where = whereFromFlags(flags);
    const bulk = id === undefined;
    if (!bulk && (Object.keys(where).length > 0 || flags.limit !== undefined || flags.dryRun)) {
      throw new UsageError("give either a task id or filter flags (--status, --definition, ...), not both");
    }
    if (bulk && Object.keys(where).length === 0) {
      throw new UsageError("give a task id, or filter flags (--status, --definition, --name-contains, --parent, --created-before, --created-after) to abort many");
    }
    const limit = limitFromFlags(flags);
    // No config needed: with the definition's config, onAbort runs here; without it (an
    // operator's machine with only the database URL) the hook is left due for a worker
    // that has the definition (TaskService.abort).
    const context = await prepare(flags, { command: "abort", definitions: false, store: "existing" });
    await withStint(context, async (stint) => {
      // The abort stands either way; the failure is also in the task's log.
      stint.events.on("hook:error", ({ hook, error }) =>
        stdio.err(`Warning: the ${hook} hook failed: ${error instanceof Error ? error.message : String(error)}`),
      );
      if (bulk) {
        return runBulkCommand({
          verb: "Abort",
          done: "aborted",
          dryRun: flags.dryRun,
          yes: flags.yes,
          json: flags.json,
          run: (dryRun) => stint.tasks.abortMany({ where, limit, dryRun, message: flags.message, children: flags.children !== false }),
        });
      }
      const task = await stint.tasks.abort({ id, message: flags.message, children: flags.children !== false });
      if (flags.json) printJson(task);
      else stdio.out(`Task ${task.id} (${task.definitionId}) is ${task.taskStatus}.`);
    });
  });
}

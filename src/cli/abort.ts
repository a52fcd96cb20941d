/** `stint abort <id> [--message]` */
import type { Command } from "commander";
import { addJsonOption, addStoreOptions } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { printJson, stdio } from "./output.js";

export function registerAbort(program: Command): void {
  const command = program
    .command("abort")
    .description("abort a pending or running task; a running iteration sees it at its next isAborted() check")
    .argument("<id>", "task id")
    .option("-m, --message <text>", "why, stored with the task", "Aborted from the CLI.");
  addJsonOption(addStoreOptions(command));
  command.action(async (id: string, flags: CommonFlags & { message?: string }) => {
    // No config needed: with the definition's config, onAbort runs here; without it (an
    // operator's machine with only the database URL) the hook is left due for a worker
    // that has the definition (TaskService.abort).
    const context = await prepare(flags, { command: "abort", definitions: false, store: "existing" });
    await withStint(context, async (stint) => {
      // The abort stands either way; the failure is also in the task's log.
      stint.events.on("hook:error", ({ hook, error }) =>
        stdio.err(`Warning: the ${hook} hook failed: ${error instanceof Error ? error.message : String(error)}`),
      );
      const task = await stint.tasks.abort({ id, message: flags.message });
      if (flags.json) printJson(task);
      else stdio.out(`Task ${task.id} (${task.definitionId}) is ${task.taskStatus}.`);
    });
  });
}

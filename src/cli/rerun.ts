/**
 * `stint rerun <id> [--from start|checkpoint]` and `stint rerun <where-flags> [--limit]
 * [--dry-run] [--yes]` (docs/run-history.md "Re-run"). Needs the config: a re-run is a
 * trigger, checked by the definition's schema and its onBeforeTrigger. The bulk form asks
 * for confirmation with the count on a terminal; without one it needs --yes.
 */
import type { Command } from "commander";
import { Errors } from "../domain/errors.js";
import type { RerunFrom } from "../service/types.js";
import { addJsonOption, addStoreOptions } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { printJson, stdio } from "./output.js";
import { addWhereFlags, limitFromFlags, whereFromFlags, type WhereFlags } from "./where-flags.js";
import { runBulkCommand } from "./bulk-confirm.js";

interface RerunFlags extends CommonFlags, WhereFlags {
  from?: string;
}

export function registerRerun(program: Command): void {
  const command = program
    .command("rerun")
    .description("run a finished task again as a new task (rerunOf: its id), or every finished task the where-flags match")
    .argument("[id]", "the finished task to run again")
    .option("--from <from>", "start (the input as first triggered) or checkpoint (the input as stored now)", "start");
  addJsonOption(addStoreOptions(addWhereFlags(command)));
  command.action(async (id: string | undefined, flags: RerunFlags) => {
    const where = whereFromFlags(flags);
    const bulk = Object.keys(where).length > 0;
    // Refused before anything is opened.
    if (id !== undefined && bulk) throw Errors.invalidArgument("id", "give a task id or where-flags, not both");
    if (id === undefined && !bulk) throw Errors.invalidArgument("where", "give a task id, or where-flags (--status, --definition, ...) for a bulk re-run");
    const from = flags.from as RerunFrom;
    const limit = limitFromFlags(flags);
    const context = await prepare(flags, { command: "rerun", definitions: true, store: "existing" });
    await withStint(context, async (stint) => {
      if (id !== undefined) {
        const task = await stint.tasks.rerun({ id, from });
        if (flags.json) printJson(task);
        else stdio.out(`Task ${task.id} (${task.definitionId}) re-runs ${id}; it is ${task.taskStatus}.`);
        return;
      }
      await runBulkCommand({
        verb: "Re-run",
        done: "re-run",
        dryRun: flags.dryRun,
        yes: flags.yes,
        json: flags.json,
        run: (dryRun) => stint.tasks.rerunMany({ where, limit, from, dryRun }),
      });
    });
  });
}


/**
 * `stint rerun <id> [--from start|checkpoint]` and `stint rerun <where-flags> [--limit]
 * [--dry-run] [--yes]` (docs/run-history.md "Re-run"). Needs the config: a re-run is a
 * trigger, checked by the definition's schema and its onBeforeTrigger. The bulk form asks
 * for confirmation with the count on a terminal; without one it needs --yes.
 */
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { Errors } from "../domain/errors.js";
import type { RerunFrom } from "../service/types.js";
import { addJsonOption, addStoreOptions } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { printJson, stdio } from "./output.js";
import { addWhereFlags, whereFromFlags, type WhereFlags } from "./where-flags.js";

interface RerunFlags extends CommonFlags, WhereFlags {
  from?: string;
  limit?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export function registerRerun(program: Command): void {
  const command = program
    .command("rerun")
    .description("run a finished task again as a new task (rerunOf: its id), or every finished task the where-flags match")
    .argument("[id]", "the finished task to run again")
    .option("--from <from>", "start (the input as first triggered) or checkpoint (the input as stored now)", "start")
    .option("--limit <n>", "bulk: at most this many tasks")
    .option("--dry-run", "bulk: print how many tasks would be re-run, change nothing")
    .option("-y, --yes", "bulk: do not ask for confirmation (needed without a terminal)");
  addJsonOption(addStoreOptions(addWhereFlags(command)));
  command.action(async (id: string | undefined, flags: RerunFlags) => {
    const where = whereFromFlags(flags);
    const bulk = Object.keys(where).length > 0;
    // Refused before anything is opened.
    if (id !== undefined && bulk) throw Errors.invalidArgument("id", "give a task id or where-flags, not both");
    if (id === undefined && !bulk) throw Errors.invalidArgument("where", "give a task id, or where-flags (--status, --definition, ...) for a bulk re-run");
    const from = flags.from as RerunFrom;
    const limit = flags.limit === undefined ? undefined : parseLimit(flags.limit);
    const context = await prepare(flags, { command: "rerun", definitions: true, store: "existing" });
    await withStint(context, async (stint) => {
      if (id !== undefined) {
        const task = await stint.tasks.rerun({ id, from });
        if (flags.json) printJson(task);
        else stdio.out(`Task ${task.id} (${task.definitionId}) re-runs ${id}; it is ${task.taskStatus}.`);
        return;
      }
      const { count } = await stint.tasks.rerunMany({ where, limit, from, dryRun: true });
      if (flags.dryRun || count === 0) {
        if (flags.json) printJson({ count, dryRun: true });
        else stdio.out(`${count} finished ${count === 1 ? "task matches" : "tasks match"}; nothing re-run (dry run).`);
        return;
      }
      if (!flags.yes) await confirm(`Re-run ${count} ${count === 1 ? "task" : "tasks"}? [y/N] `);
      const result = await stint.tasks.rerunMany({ where, limit, from });
      if (flags.json) printJson(result);
      else stdio.out(`Re-ran ${result.count} ${result.count === 1 ? "task" : "tasks"}.`);
    });
  });
}

function parseLimit(text: string): number {
  const limit = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(limit) || limit < 1) {
    throw Errors.invalidArgument("limit", `expected a positive integer, got "${text}"`);
  }
  return limit;
}

/** Asks on the terminal; anything but y/yes refuses. Without a terminal: refused (--yes needed). */
async function confirm(question: string): Promise<void> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw Errors.invalidArgument("yes", "a bulk re-run without a terminal to confirm on needs --yes (or --dry-run to count)");
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(question)).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") throw Errors.invalidArgument("yes", "not confirmed; nothing re-run");
  } finally {
    rl.close();
  }
}

/**
 * The confirmation rule of the bulk commands: count first (a dry run), then act only
 * when told to. `--dry-run` prints the count; `--yes` acts at once; otherwise a terminal
 * is asked "Abort 12 tasks? [y/N]", and without one the command refuses (exit 2) and
 * changes nothing: a script must say --yes, so a pipe never deletes by accident.
 */
import { createInterface } from "node:readline/promises";
import { Errors } from "../domain/errors.js";
import type { BulkResult } from "../service/types.js";
import { printJson, stdio } from "./output.js";

export interface BulkCommand {
  /** "Abort", "Delete": the question's verb. */
  verb: string;
  /** "aborted", "deleted": the result's participle. */
  done: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  /** The action itself; `dryRun: true` counts only. */
  run(dryRun: boolean): Promise<BulkResult>;
}

export async function runBulkCommand(command: BulkCommand): Promise<void> {
  const counted = await command.run(true);
  if (command.dryRun) {
    if (command.json) return printJson(counted);
    return stdio.out(`${counted.count} ${tasks(counted.count)} match (dry run: nothing changed).`);
  }
  if (counted.count === 0 && !command.yes) {
    if (command.json) return printJson(counted);
    return stdio.out("No tasks match; nothing changed.");
  }
  if (!command.yes) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw Errors.invalidArgument(
        "--yes",
        `${command.verb} ${counted.count} ${tasks(counted.count)}? Not asked without a terminal: pass --yes to confirm (or --dry-run to count only). Nothing changed.`,
      );
    }
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await prompt.question(`${command.verb} ${counted.count} ${tasks(counted.count)}? [y/N] `).finally(() => prompt.close());
    if (!/^y(es)?$/i.test(answer.trim())) return stdio.out("Nothing changed.");
  }
  const result = await command.run(false);
  if (command.json) return printJson(result);
  stdio.out(`${result.count} ${tasks(result.count)} ${command.done}.`);
}

function tasks(count: number): string {
  return count === 1 ? "task" : "tasks";
}

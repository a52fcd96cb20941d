/** `stint schedules`: the stored schedules with their next runs. */
import type { Command } from "commander";
import { addJsonOption, addStoreOptions } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { integer } from "./options.js";
import { formatTable, printJson, stdio } from "./output.js";

interface SchedulesFlags extends CommonFlags {
  next?: string;
}

export function registerSchedules(program: Command): void {
  const command = program
    .command("schedules")
    .description("list schedules: id, definition, cron, timezone, enabled, overlap, next runs, last task (config schedules are synced when a worker, dev or serve starts)")
    .option("-n, --next <n>", "how many next runs to show per schedule (1-100)", "3");
  addJsonOption(addStoreOptions(command));
  command.action(async (flags: SchedulesFlags) => {
    const next = integer("--next", flags.next ?? "3", 1, 100);
    const context = await prepare(flags, { command: "schedules", definitions: false, store: "existing" });
    await withStint(context, async (stint) => {
      const schedules = await stint.schedules.list();
      const rows = schedules.map((schedule) => ({ ...schedule, nextRuns: stint.schedules.nextRuns(schedule, next) }));
      if (flags.json) return printJson(rows);
      if (rows.length === 0) return stdio.out("No schedules.");
      stdio.out(
        formatTable(
          ["ID", "DEFINITION", "CRON", "TIMEZONE", "ENABLED", "OVERLAP", "SOURCE", "NEXT RUNS", "LAST TASK"],
          rows.map((s) => [
            s.id,
            s.definitionId,
            s.cron,
            s.timezone,
            s.enabled ? "yes" : "no",
            s.overlap,
            s.source,
            s.nextRuns.length ? s.nextRuns.map((run) => run.replace(".000Z", "Z")).join(", ") : "-",
            s.lastTaskId ?? "-",
          ]),
          // Room for the next runs (each 20 characters).
          Math.max(48, next * 22),
        ),
      );
    });
  });
}

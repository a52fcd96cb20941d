/** `stint migrate`: applies the store's migrations and exits (safe to run from many processes). */
import type { Command } from "commander";
import { redactUrl } from "../domain/errors.js";
import { addJsonOption, addStoreOptions } from "./common.js";
import { openStint, prepare, type CommonFlags } from "./context.js";
import { printJson, stdio } from "./output.js";

export function registerMigrate(program: Command): void {
  const command = program
    .command("migrate")
    .description("create or upgrade the store's tables (dev, worker and serve also do this at start)");
  addJsonOption(addStoreOptions(command));
  command.action(async (flags: CommonFlags) => {
    const context = await prepare(flags);
    const stint = await openStint(context, { skipMigrations: true });
    try {
      await stint.storage.migrate();
    } finally {
      await stint.close();
    }
    const database = redactUrl(context.options.database);
    if (flags.json) printJson({ database, migrated: true });
    else stdio.out(`Store ${database} is up to date.`);
  });
}

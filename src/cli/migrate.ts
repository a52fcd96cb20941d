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
    const context = await prepare(flags, { command: "migrate", definitions: false, store: "create" });
    const stint = await openStint(context, { skipMigrations: true });
    let result;
    try {
      result = await stint.storage.migrate();
    } finally {
      await stint.close();
    }
    const database = redactUrl(context.options.database);
    if (flags.json) return printJson({ database, applied: result.applied, version: result.version });
    const count = result.applied.length;
    // Says what this run did: a store created or upgraded now reads differently from one
    // that was already current (or that another process migrated first).
    stdio.out(
      count === 0
        ? `Store ${database} is up to date (version ${result.version}).`
        : `Applied ${count} migration${count === 1 ? "" : "s"} to ${database} (${result.applied.map((m) => `${m.version} ${m.name}`).join(", ")}); it is at version ${result.version}.`,
    );
  });
}

/** The `stint` command line: every command, its options and its help. */
import { Command } from "commander";
import { registerAbort } from "./abort.js";
import { registerDelete } from "./delete.js";

import { registerRerun } from "./rerun.js";
import { registerDefinitions } from "./definitions.js";
import { registerDev } from "./dev.js";
import { registerInit } from "./init.js";
import { registerLogs } from "./logs.js";
import { registerMigrate } from "./migrate.js";
import { registerSchedules } from "./schedules.js";
import { registerServe } from "./serve.js";
import { registerTasks } from "./tasks.js";
import { registerTrigger } from "./trigger.js";
import { registerWorker } from "./worker.js";
import { registerWorkers } from "./workers.js";
import { STINT_VERSION } from "../version.js";

export function createProgram(): Command {
  const program = new Command("stint")
    .description("Self-hosted background tasks: run workers and the API, trigger, watch and abort tasks.")
    .version(STINT_VERSION, "-V, --version")
    .showHelpAfterError(false)
    .exitOverride()
    // Commander's own error text is replaced by one line from errors.ts.
    .configureOutput({ outputError: () => {} });
  program.addHelpText(
    "after",
    `
The database is chosen by URL: defaults < config file < STINT_DATABASE_URL < --database.
Bad input (unknown command or definition, invalid JSON, missing or broken config, unknown
database URL scheme, a store without Stint's tables for tasks/logs/abort, an in-memory
store for anything but dev) prints one line and exits with code 2.

Start here, in your app: stint init (writes ./stint.config.ts and npm scripts), then
stint dev. In this repository:
  stint dev --config examples/stint.config.ts`,
  );
  registerInit(program);
  registerDev(program);
  registerWorker(program);
  registerServe(program);
  registerMigrate(program);
  registerTrigger(program);
  registerTasks(program);
  registerLogs(program);
  registerAbort(program);
  registerDelete(program);

  registerRerun(program);
  registerDefinitions(program);
  registerWorkers(program);
  registerSchedules(program);
  for (const command of program.commands) command.exitOverride().configureOutput({ outputError: () => {} });
  return program;
}

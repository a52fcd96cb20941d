/**
 * `stint dev`: store + worker + API in one process, on the embedded SQLite store unless
 * told otherwise. Prints what runs where and a command to try.
 */
import type { Command } from "commander";
import { addServerOptions, addStoreOptions, addWorkerOptions } from "./common.js";
import { openStint, prepare, type CommonFlags } from "./context.js";
import { devBanner } from "./dev-banner.js";
import { checkCanListen } from "./listen-check.js";
import { logAuthFailures } from "./server-settings.js";
import { createLogger } from "./logger.js";
import { stdio } from "./output.js";
import { waitForShutdown } from "./shutdown.js";
import { logStintEvents, logWorkerEvents } from "./worker-logs.js";

export function registerDev(program: Command): void {
  const command = program
    .command("dev")
    .description("run the store, a worker and the GraphQL API (GraphiQL) in one process, for development");
  addWorkerOptions(addServerOptions(addStoreOptions(command)));
  command.action(async (flags: CommonFlags) => {
    const context = await prepare(flags, { command: "dev", definitions: true, store: "create", inMemory: true, server: true });
    // Before the store is opened: a port in use or a wrong host changes nothing.
    await checkCanListen(context.options);
    const logger = createLogger();
    const stint = await openStint(context);
    logStintEvents(stint, logger);
    // Before the banner: whoever reads it may signal at once (see waitForShutdown).
    const stopped = waitForShutdown(logger, () => stint.close());
    try {
      const worker = stint.createWorker();
      logWorkerEvents(worker, logger);
      worker.start();
      const server = await stint.startServer(logAuthFailures(logger));
      const definitions = stint.tasks.listDefinitions({ includePrivate: true });
      stdio.out(devBanner(context, { server, concurrency: worker.options.concurrency, definitions }));
    } catch (error) {
      await stint.close();
      throw error;
    }
    process.exitCode = await stopped;
  });
}

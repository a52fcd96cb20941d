/** `stint serve`: the GraphQL management API until SIGTERM/SIGINT (production). */
import type { Command } from "commander";
import { redactUrl } from "../domain/errors.js";
import { addServerOptions, addStoreOptions } from "./common.js";
import { openStint, prepare, type CommonFlags } from "./context.js";
import { checkCanListen } from "./listen-check.js";
import { logAuthFailures } from "./server-settings.js";
import { createLogger } from "./logger.js";
import { waitForShutdown } from "./shutdown.js";
import { logStintEvents } from "./worker-logs.js";

export function registerServe(program: Command): void {
  const command = program
    .command("serve")
    .description(
      "serve the GraphQL management API (/graphql, GraphiQL in a browser, /healthz); API keys from the config or STINT_API_KEYS; SIGTERM/SIGINT stops it gracefully (exit 0)",
    )
    .option("--static-dir <dir>", "also serve this folder at / (e.g. a dashboard build)");
  addServerOptions(addStoreOptions(command));
  command.action(async (flags: CommonFlags & { staticDir?: string }) => {
    const context = await prepare(flags, { command: "serve", definitions: true, store: "create", server: true });
    // Before the store is opened: a port in use or a wrong host changes nothing.
    await checkCanListen(context.options);
    const logger = createLogger();
    const stint = await openStint(context);
    logStintEvents(stint, logger);
    // Before saying it listens: whoever reads that line may signal at once (see waitForShutdown).
    const stopped = waitForShutdown(logger, () => stint.close());
    try {
      const server = await stint.startServer({ ...(flags.staticDir ? { staticDir: flags.staticDir } : {}), ...logAuthFailures(logger) });
      logger.info({ url: server.url, dashboard: server.dashboardUrl, database: redactUrl(context.options.database) }, "API listening");
    } catch (error) {
      await stint.close();
      throw error;
    }
    process.exitCode = await stopped;
  });
}

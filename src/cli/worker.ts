/** `stint worker`: runs task iterations until SIGTERM/SIGINT (production). */
import type { Command } from "commander";
import { redactUrl } from "../domain/errors.js";
import { addStoreOptions, addWorkerOptions } from "./common.js";
import { openStint, prepare, type CommonFlags } from "./context.js";
import { createLogger } from "./logger.js";
import { waitForShutdown } from "./shutdown.js";
import { logWorkerEvents } from "./worker-logs.js";
import { addMetricsOptions, planMetricsServer, type MetricsFlags } from "./metrics-options.js";
import { startMetricsServer, type MetricsServer } from "../metrics/server.js";
import { logAuthFailures } from "./server-settings.js";

export function registerWorker(program: Command): void {
  const command = program
    .command("worker")
    .description(
      "run a worker: claims due tasks and runs their iterations; logs as JSON lines (readable in a terminal); SIGTERM/SIGINT stops it gracefully (exit 0)",
    );
  addWorkerOptions(addStoreOptions(command));
  addMetricsOptions(command);
  command.action(async (flags: CommonFlags & MetricsFlags) => {
    const context = await prepare(flags, { command: "worker", definitions: true, store: "create" });
    const metricsPlan = planMetricsServer(context, flags);
    const logger = createLogger();
    const stint = await openStint(context);
    let metricsServer: MetricsServer | undefined;
    // Before saying it runs: whoever reads that line may signal at once (see waitForShutdown).
    const stopped = waitForShutdown(logger, async () => {
      await metricsServer?.close();
      await stint.close();
    });
    const worker = stint.createWorker();
    logWorkerEvents(worker, logger);
    worker.start();
    if (metricsPlan && stint.metrics) {
      try {
        metricsServer = await startMetricsServer({ ...metricsPlan, source: stint.metrics, ...logAuthFailures(logger) });
      } catch (error) {
        await stint.close();
        throw error;
      }
      logger.info({ url: metricsServer.url }, "metrics listening");
    }
    logger.info(
      { database: redactUrl(context.options.database), concurrency: worker.options.concurrency, definitions: stint.definitions.ids() },
      "worker running",
    );
    // A config that registers nothing is legal, but a worker over it never claims a task.
    if (stint.definitions.ids().length === 0) logger.warn({ config: context.loaded.path }, "no task definitions: this worker will claim nothing");
    process.exitCode = await stopped;
  });
}

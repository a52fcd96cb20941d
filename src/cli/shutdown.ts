/**
 * Graceful shutdown for long-running commands: the first SIGTERM/SIGINT closes
 * everything (in-flight iterations finish or are handed back) and exits 0; a second
 * signal exits at once with 130.
 *
 * Call it before the command says it is ready: until a listener is added the signals
 * keep their default action, and a supervisor (or a test) that signals as soon as it
 * reads "worker running" killed the process outright 2–3 times in 15 (stdout to a pipe
 * is written synchronously, so the line was out before the listener was in).
 */
import type { Logger } from "./logger.js";
import { watchNpmParent } from "./npm-parent.js";

export function waitForShutdown(logger: Logger, close: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals | "parent exited") => {
      if (closing) {
        logger.warn({ signal }, "second signal: exiting now");
        process.exit(130);
      }
      closing = true;
      stopWatching();
      logger.info({ signal }, "shutting down (send the signal again to force)");
      close().then(
        () => {
          logger.info("stopped");
          resolve(0);
        },
        (error: unknown) => {
          logger.error({ err: error instanceof Error ? error.message : String(error) }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    const stopWatching = watchNpmParent(() => onSignal("parent exited"));
  });
}

/**
 * graphile-worker 0.17.3 with the settings its performance page documents for its best
 * throughput (worker.graphile.org/docs/performance): 24 concurrent jobs, a 25-connection
 * pool, a local queue of 500, batched completion and failure (delay 0), prepared
 * statements on. Used for every graphile workload, in a schema of its own.
 */
import { Logger } from "graphile-worker";

export const GRAPHILE_VERSION = "0.17.3";

export function graphilePreset(connectionString: string, schema: string) {
  return {
    worker: {
      connectionString,
      schema,
      concurrentJobs: 24,
      maxPoolSize: 25,
      preparedStatements: true,
      localQueue: { size: 500 },
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
      logger: quietLogger,
    },
  };
}

/** Warnings and errors only: its info lines would swamp the benchmark's output. */
export const quietLogger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.error(`[graphile-worker] ${level}: ${message}`);
});

/**
 * `stint worker --metrics-port <port> [--metrics-host <host>]`: where the worker serves
 * `/metrics`, checked before the store is opened (a bad port, or a non-loopback host
 * without a key, changes nothing).
 */
import type { Command } from "commander";
import { parseApiKeysEnv, isLoopbackHost, type ApiKeyConfig } from "../graphql/auth.js";
import { resolveMetricsConfig } from "../metrics/config.js";
import type { CliContext } from "./context.js";
import { UsageError } from "./errors.js";
import { integer, unbracketed } from "./options.js";

export interface MetricsFlags {
  metricsPort?: string;
  metricsHost?: string;
}

export function addMetricsOptions(command: Command): Command {
  return command
    .option("--metrics-port <port>", "serve Prometheus metrics at http://<metrics-host>:<port>/metrics (0 picks a free port); off unless given")
    .option(
      "--metrics-host <host>",
      "host of the metrics server (default 127.0.0.1); any other needs metrics.key or API keys in the config (or STINT_API_KEYS)",
    );
}

export interface MetricsServerPlan {
  port: number;
  host: string;
  apiKeys: ApiKeyConfig[];
  metricsKey: string | undefined;
}

/** The metrics server to start, or undefined when `--metrics-port` was not given. */
export function planMetricsServer(
  context: CliContext,
  flags: MetricsFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): MetricsServerPlan | undefined {
  if (flags.metricsPort === undefined) {
    if (flags.metricsHost !== undefined) throw new UsageError("--metrics-host needs --metrics-port");
    return undefined;
  }
  const port = integer("--metrics-port", flags.metricsPort, 0, 65535);
  const host = unbracketed(flags.metricsHost ?? "127.0.0.1");
  const metrics = resolveMetricsConfig(context.loaded.config.metrics);
  if (!metrics.enabled) throw new UsageError("--metrics-port was given, but the config turns metrics off (metrics: false)");
  const apiKeys = [...(context.options.server.apiKeys ?? []), ...parseApiKeysEnv(env.STINT_API_KEYS)];
  if (apiKeys.length === 0 && metrics.key === undefined && !isLoopbackHost(host)) {
    throw new UsageError(
      `--metrics-host ${host}: without metrics.key or API keys /metrics is served on loopback only (127.0.0.1, ::1, localhost)`,
    );
  }
  return { port, host, apiKeys, metricsKey: metrics.key };
}

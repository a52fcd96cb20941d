/**
 * The metrics server of a process that serves no API (`stint worker --metrics-port`): a
 * bare node:http server answering `GET /metrics` (rules: ./http.ts) and 404 to anything
 * else. Without any key it listens on loopback only, like the API server: a scraper on
 * another machine needs `metrics.key` (or API keys) configured.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Errors } from "../domain/errors.js";
import { isLoopbackHost, type ApiKeyConfig } from "../graphql/auth.js";
import { AuthThrottle } from "../graphql/auth-throttle.js";
import type { AuthFailureEvent } from "../graphql/options.js";
import { answerMetrics, METRICS_PATH, metricsAccessFor, refuseMetrics, type MetricsSource } from "./http.js";

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  source: MetricsSource;
  /** @defaultValue 0 (any free port: see the returned `port`) */
  port?: number;
  /** @defaultValue "127.0.0.1" */
  host?: string;
  /** API keys: an `r` key reads `/metrics`. @defaultValue [] */
  apiKeys?: readonly ApiKeyConfig[];
  /** The scrapers' key. @defaultValue none */
  metricsKey?: string;
  /** Told of each failed authentication (never the key). @defaultValue none */
  onAuthFailure?: (event: AuthFailureEvent) => void;
}

/** A running metrics server. */
export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics` */
  url: string;
  port: number;
  /** Stops the server (open connections are cut). */
  close(): Promise<void>;
}

/** Starts a server answering `GET /metrics` from `source` (a Stint's `metrics`) and 404 to anything else. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = (options.host ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  const keyed = (options.apiKeys?.length ?? 0) > 0 || options.metricsKey !== undefined;
  if (!keyed && !isLoopbackHost(host)) {
    throw Errors.invalidArgument(
      "metrics host",
      `refusing to serve /metrics on "${host}" without a key; configure metrics.key (or API keys), or listen on 127.0.0.1, ::1 or localhost.`,
    );
  }
  const access = metricsAccessFor(options.apiKeys ?? [], options.metricsKey);
  const throttle = new AuthThrottle();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== METRICS_PATH) {
      req.resume();
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end(`Nothing at ${path.slice(0, 100)}; metrics are at ${METRICS_PATH}.\n`);
      return;
    }
    const address = req.socket.remoteAddress ?? "unknown";
    const wait = throttle.retryAfterSeconds(address);
    if (wait > 0) {
      req.resume();
      res.writeHead(429, { "retry-after": String(wait), "content-type": "text/plain; charset=utf-8" });
      res.end(`Too many failed authentications from this address; try again in ${wait} s.\n`);
      return;
    }
    const allowed = access(req.headers.authorization);
    if (!allowed.allowed) {
      if (allowed.failure === "unknown key" || allowed.failure === "not a Bearer token") {
        const failures = throttle.recordFailure(address);
        options.onAuthFailure?.({ address, reason: allowed.failure, failures, blocked: failures >= throttle.maxFailures });
      }
      refuseMetrics(req, res);
      return;
    }
    answerMetrics(req, res, options.source).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal error.\n");
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${hostForUrl}:${port}${METRICS_PATH}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * `GET /metrics`: who may read it and how it is answered, shared by the API server
 * (src/graphql/server.ts) and the worker's own metrics server (`stint worker
 * --metrics-port`, ./server.ts).
 *
 * Access: with no key configured anywhere, anyone who reaches the port reads it (both
 * servers then listen on loopback only). Once API keys or a `metrics.key` are configured,
 * a request must present one that reads: an API key with `r`, or the metrics key, which
 * reads `/metrics` and nothing else. Keys are compared as the API compares them (constant
 * time, over digests: graphql/auth.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createAuthenticator, type ApiKeyConfig, type Authenticator } from "../graphql/auth.js";

/** What `/metrics` serves: a StintMetrics. */
export interface MetricsSource {
  text(): Promise<string>;
  readonly contentType: string;
}

export const METRICS_PATH = "/metrics";

export type MetricsAccess =
  | { allowed: true }
  /** `failure`: a key was sent that reads nothing here (counted by the throttle); undefined when none was sent. */
  | { allowed: false; failure?: "unknown key" | "not a Bearer token" | "no read permission" };

/** Decides from the `Authorization` header, given the API's keys and the scrapers' key. */
export function metricsAccess(api: Authenticator, metricsKey: string | undefined): (authorization: string | undefined) => MetricsAccess {
  const scraper = metricsKey === undefined ? undefined : createAuthenticator([{ key: metricsKey, permissions: "r", name: "metrics.key" }]);
  if (!api.enabled && !scraper) return () => ({ allowed: true });
  return (authorization) => {
    if (!authorization) return { allowed: false };
    if (scraper && !scraper.authenticate(authorization).failure) return { allowed: true };
    if (!api.enabled) return { allowed: false, failure: scraper!.authenticate(authorization).failure };
    const caller = api.authenticate(authorization);
    if (caller.permissions.has("r")) return { allowed: true };
    return { allowed: false, failure: caller.failure ?? "no read permission" };
  };
}

/** Both servers' access rule from the configured keys. */
export function metricsAccessFor(apiKeys: readonly ApiKeyConfig[], metricsKey: string | undefined) {
  return metricsAccess(createAuthenticator(apiKeys), metricsKey);
}

/** Answers a `/metrics` request already allowed (GET or HEAD; anything else is 405). */
export async function answerMetrics(req: IncomingMessage, res: ServerResponse, source: MetricsSource): Promise<void> {
  req.resume();
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end("Only GET reads /metrics.\n");
    return;
  }
  const text = await source.text();
  res.writeHead(200, {
    "content-type": source.contentType,
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : text);
}

/** 401 with the scheme to use. */
export function refuseMetrics(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const body = "Reading /metrics needs an API key with the r permission, or the metrics key: Authorization: Bearer <key>.\n";
  res.writeHead(401, {
    "www-authenticate": 'Bearer realm="stint metrics"',
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

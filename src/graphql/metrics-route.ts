/**
 * The API server's `/metrics` route (rules: src/metrics/http.ts). A wrong key counts
 * against the address's failed authentications like one sent to `/graphql`, so the
 * scrape endpoint is no side door for guessing keys.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerMetrics, refuseMetrics, type MetricsAccess, type MetricsSource } from "../metrics/http.js";
import type { AuthThrottle } from "./auth-throttle.js";
import { graphqlErrorBody, sendJson } from "./http-util.js";
import type { AuthFailureEvent } from "./options.js";

export interface MetricsRoute {
  source: MetricsSource;
  access: (authorization: string | undefined) => MetricsAccess;
  throttle: AuthThrottle;
  onAuthFailure: (event: AuthFailureEvent) => void;
}

export async function handleMetricsRequest(req: IncomingMessage, res: ServerResponse, route: MetricsRoute): Promise<void> {
  const address = req.socket.remoteAddress ?? "unknown";
  const wait = route.throttle.retryAfterSeconds(address);
  if (wait > 0) {
    req.resume();
    sendJson(res, 429, graphqlErrorBody(`Too many failed authentications from this address; try again in ${wait} s.`, "TOO_MANY_REQUESTS"), {
      "retry-after": String(wait),
    });
    return;
  }
  const access = route.access(req.headers.authorization);
  if (!access.allowed) {
    if (access.failure === "unknown key" || access.failure === "not a Bearer token") {
      const failures = route.throttle.recordFailure(address);
      route.onAuthFailure({ address, reason: access.failure, failures, blocked: failures >= route.throttle.maxFailures });
    }
    refuseMetrics(req, res);
    return;
  }
  await answerMetrics(req, res, route.source);
}

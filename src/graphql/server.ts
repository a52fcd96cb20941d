/**
 * The management API over node:http: `/graphql` (graphql-yoga, with GraphiQL for
 * browsers and its files at `/graphiql/`), `/healthz`, and optionally a static folder at `/`.
 *
 * Requests are checked before GraphQL sees them: the body is read with a size cap
 * (413), POST must be JSON (a form or text/plain POST from another site is refused, as
 * there is no CORS; the media type is matched case-insensitively), and with no API key
 * configured the Host header must be a loopback name so a DNS-rebinding page cannot
 * reach the unauthenticated API. The caller's key is checked here, once per request:
 * failed authentications are reported (`onAuthFailure`, never with the key) and an
 * address with too many of them gets 429 for a while (`auth-throttle.ts`). With a
 * `metrics` source, `/metrics` serves Prometheus text (metrics-route.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ErrorCode } from "../domain/errors.js";
import { assertSafeHost, createAuthenticator, isLoopbackHost, parseApiKeysEnv, type Authenticator, type Caller } from "./auth.js";
import { AuthThrottle } from "./auth-throttle.js";
import { answerHealth } from "./health.js";
import { graphqlErrorBody, readBody, sendJson } from "./http-util.js";
import { resolveServerOptions, type GraphQLServerOptions, type ResolvedServerOptions } from "./options.js";
import { buildStintSchema } from "./schema.js";
import { API_HEADERS, pageHeaders } from "./security-headers.js";
import { serveStatic } from "./static-files.js";
import { GRAPHIQL_ASSETS_PREFIX, graphiqlBuildDir } from "./graphiql-page.js";
import { createYogaApp, GRAPHQL_PATH, type StintServerContext, type StintYoga } from "./yoga-app.js";
import { METRICS_PATH, metricsAccess } from "../metrics/http.js";
import { handleMetricsRequest, type MetricsRoute } from "./metrics-route.js";

export type { GraphQLServerOptions } from "./options.js";

export interface GraphQLServer {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 5_000;
/** What yoga parses as a JSON body (it answers an empty 415 to anything else). */
const JSON_CONTENT_TYPES = ["application/json", "application/graphql+json"];

export async function startGraphQLServer(input: GraphQLServerOptions): Promise<GraphQLServer> {
  const options = resolveServerOptions(input, parseApiKeysEnv);
  const auth = createAuthenticator(options.apiKeys);
  assertSafeHost(options.host, auth);
  const yoga = createYogaApp(buildStintSchema(options.service), options, auth);
  const throttle = new AuthThrottle();
  const metrics: MetricsRoute | undefined = options.metrics
    ? { source: options.metrics, access: metricsAccess(auth, options.metricsKey), throttle, onAuthFailure: options.onAuthFailure }
    : undefined;

  const server = createServer((req, res) => {
    handle(req, res, { options, auth, throttle, yoga, metrics }).catch((error: unknown) => {
      options.onUnexpectedError(error);
      if (!res.headersSent) sendJson(res, 500, graphqlErrorBody("Internal server error.", "INTERNAL_ERROR"));
      else res.destroy();
    });
  });
  // Slow-loris protection: a request must arrive whole within this time.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = listeningPort(server);
  const hostForUrl = options.host.includes(":") ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${port}${GRAPHQL_PATH}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        // Requests in flight get a moment to finish; then their connections are cut.
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      });
      return closing;
    },
  };
}

/** The port a listening server got: `address()` is a string only for a pipe, null only before listen(). */
function listeningPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error(`stint graphql: not listening on a TCP port (${String(address)})`);
  return address.port;
}

interface Parts {
  options: ResolvedServerOptions;
  auth: Authenticator;
  throttle: AuthThrottle;
  yoga: StintYoga;
  metrics: MetricsRoute | undefined;
}

async function handle(req: IncomingMessage, res: ServerResponse, parts: Parts): Promise<void> {
  const { options, auth } = parts;
  const url = new URL(req.url ?? "/", "http://localhost");
  if (!auth.enabled && !isLoopbackHost(hostname(req.headers.host))) {
    sendJson(res, 403, graphqlErrorBody("Without an API key only loopback host names are served.", ErrorCode.NotAuthorized));
    req.resume();
    return;
  }
  if (url.pathname === GRAPHQL_PATH) {
    const caller = authenticate(req, res, parts);
    if (!caller) return;
    return handleGraphQL(req, res, url, options, parts.yoga, caller);
  }
  if (url.pathname === METRICS_PATH && parts.metrics) return handleMetricsRequest(req, res, parts.metrics);
  if (url.pathname === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
    req.resume();
    return answerHealth(res, options.ping);
  }
  req.resume();
  if (url.pathname.startsWith(GRAPHIQL_ASSETS_PREFIX)) {
    const graphiql = graphiqlBuildDir();
    if (graphiql && (await serveStatic(graphiql, url.pathname, req, res))) return;
  }
  if (options.staticDir && (await serveStatic(options.staticDir, url.pathname, req, res))) return;
  sendJson(res, 404, graphqlErrorBody(`Nothing at ${url.pathname.slice(0, 100)}; the API is at ${GRAPHQL_PATH}.`, "NOT_FOUND"));
}

/**
 * The request's caller, or undefined when it was answered 429: its address has failed
 * authentication too often. A failure is counted and reported, never with the key.
 */
function authenticate(req: IncomingMessage, res: ServerResponse, { options, auth, throttle }: Parts): Caller | undefined {
  if (!auth.enabled) return auth.authenticate(undefined);
  const address = req.socket.remoteAddress ?? "unknown";
  const wait = throttle.retryAfterSeconds(address);
  if (wait > 0) {
    req.resume();
    sendJson(
      res,
      429,
      graphqlErrorBody(`Too many failed authentications from this address; try again in ${wait} s.`, "TOO_MANY_REQUESTS", {
        retryAfterSeconds: wait,
      }),
      { "retry-after": String(wait) },
    );
    return undefined;
  }
  const caller = auth.authenticate(req.headers.authorization);
  if (caller.failure) {
    const failures = throttle.recordFailure(address);
    options.onAuthFailure({ address, reason: caller.failure, failures, blocked: failures >= throttle.maxFailures });
  }
  return caller;
}

async function handleGraphQL(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: ResolvedServerOptions,
  yoga: StintYoga,
  caller: Caller,
): Promise<void> {
  let body: Buffer<ArrayBuffer> | undefined;
  const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (req.method === "POST") {
    if (!JSON_CONTENT_TYPES.includes(contentType)) {
      req.resume();
      sendJson(res, 415, graphqlErrorBody('POST requests must be sent as "Content-Type: application/json".', "UNSUPPORTED_MEDIA_TYPE"));
      return;
    }
    const read = await readBody(req, options.maxBodyBytes);
    if (!read.ok) {
      sendJson(
        res,
        413,
        graphqlErrorBody(`The request body is too large: at most ${options.maxBodyBytes} bytes are allowed.`, ErrorCode.PayloadTooLarge, {
          max: options.maxBodyBytes,
        }),
        { connection: "close" },
      );
      return;
    }
    body = read.body;
  } else {
    req.resume();
  }

  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  // Media types are case-insensitive; yoga compares them as written.
  if (contentType !== "") headers.set("content-type", contentType);
  const serverContext: StintServerContext = { caller };
  const response = await yoga.fetch(url.toString(), { method: req.method, headers, body }, serverContext);
  const payload = Buffer.from(await response.arrayBuffer());
  const outHeaders: Record<string, string> = {};
  // Lower-cased here: yoga's Headers keep the case they were set with.
  response.headers.forEach((value, name) => {
    outHeaders[name.toLowerCase()] = value;
  });
  // GraphiQL is HTML like the dashboard and gets its policy; the rest is API data.
  const html = (outHeaders["content-type"] ?? "").startsWith("text/html");
  Object.assign(outHeaders, html ? pageHeaders(payload.toString("utf8")) : API_HEADERS);
  outHeaders["content-length"] = String(payload.length);
  res.writeHead(response.status, outHeaders);
  res.end(req.method === "HEAD" ? undefined : payload);
}

/** The host name of a Host header, without the port (`[::1]:4000` → `[::1]`). */
function hostname(host: string | undefined): string {
  if (!host) return "";
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

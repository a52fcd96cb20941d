/**
 * A real Stint (real store, real worker when asked) with its GraphQL server on a free
 * port, and a tiny client that posts operations the way any GraphQL client does.
 */
import { request as httpRequest } from "node:http";
import { createStint, type ServerHandle, type StartServerOptions, type Stint } from "../../src/stint.js";
import type { AnyTaskDefinition } from "../../src/definition/types.js";
import type { StoreKind, TestStore } from "../helpers/stores.js";
import type { Worker } from "../../src/worker/worker.js";
import type { ApiKeyConfig } from "../../src/graphql/auth.js";
import type { GraphQLServerOptions } from "../../src/graphql/server.js";

export interface Api {
  stint: Stint;
  store: TestStore;
  server: ServerHandle;
  worker: Worker | undefined;
  /** POSTs one operation; `key` becomes `Authorization: Bearer <key>`. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLAnswer<T>>;
  /** The server's origin, e.g. http://127.0.0.1:40123 */
  origin: string;
  close(): Promise<void>;
}

export interface GraphQLAnswer<T> {
  status: number;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export interface StartApiOptions {
  definitions: AnyTaskDefinition[];
  worker?: boolean;
  apiKeys?: ApiKeyConfig[];
  server?: Partial<Omit<GraphQLServerOptions, "service" | "ping" | "apiKeys">>;
}

export async function startApi(kind: StoreKind, options: StartApiOptions): Promise<Api> {
  const store = await kind.create();
  const stint = await createStint({ storage: store.adapter, definitions: options.definitions, useEnv: false });
  const worker = options.worker
    ? await stint.startWorker({ pollIntervalMs: 50, logFlushIntervalMs: 50, progressIntervalMs: 50, concurrency: 4 })
    : undefined;
  // Through createStint's startServer, as users start it; extra server options pass through.
  const serverOptions: StartServerOptions & Partial<Omit<GraphQLServerOptions, "apiKeys">> = {
    port: 0,
    env: {},
    apiKeys: options.apiKeys,
    ...options.server,
  };
  const server = await stint.startServer(serverOptions);
  const origin = new URL(server.url).origin;
  return {
    stint,
    store,
    server,
    worker,
    origin,
    gql: (query, variables, key) => postGraphQL(server.url, { query, variables }, key),
    async close() {
      await stint.close();
      await store.cleanup();
    },
  };
}

export async function postGraphQL<T = any>(url: string, body: unknown, key?: string): Promise<GraphQLAnswer<T>> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as GraphQLAnswer<T>["body"] };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const ERROR_FIELDS = "error { message code data stack }";

/** A request through node:http, for what fetch will not send (a chosen Host header). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? "POST", headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(options.body);
  });
}

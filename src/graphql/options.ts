/**
 * Options of the management API server, every default in one place. Each option is
 * worded here only: `StartServerOptions` and the config file's `server` section are these.
 */
import type { TaskService } from "../service/types.js";
import type { ApiKeyConfig } from "./auth.js";
import { Errors, describeValue } from "../domain/errors.js";

/** The API server's options: what `Stint.startServer` (and the config file's `server`) takes, plus the service and health check it serves. */
export interface GraphQLServerOptions {
  /** The use cases the API serves. */
  service: TaskService;
  /** The store's health check, answered at `/healthz`. */
  ping: () => Promise<void>;
  /**
   * The address to listen on. Without API keys the server refuses any host but loopback.
   * @defaultValue "127.0.0.1"
   */
  host?: string;
  /**
   * The port to listen on; 0 picks any free port (see the returned `port`).
   * @defaultValue 4000
   */
  port?: number;
  /**
   * Bearer keys with their permissions; the `STINT_API_KEYS` env variable adds more. With
   * none, every loopback request is allowed. Failed authentications are logged and
   * throttled per client address (10 a minute, then 429 until the minute ends).
   * @defaultValue []
   */
  apiKeys?: readonly ApiKeyConfig[];
  /** Where `STINT_API_KEYS` is read from. @defaultValue process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Adds stacks to errors sent to API clients and unmasks unexpected errors. Never on in
   * production.
   * @defaultValue false
   */
  debug?: boolean;
  /** Largest request body. @defaultValue 1 MiB */
  maxBodyBytes?: number;
  /** Deepest field nesting of an operation (introspection not counted). @defaultValue 12 */
  maxDepth?: number;
  /** Largest `limit` a list accepts. @defaultValue 1000 */
  maxListLimit?: number;
  /**
   * The most bytes one request may read from the store (task inputs, outputs, log items…,
   * counted as rows are read). A request over it gets a RESPONSE_TOO_LARGE error asking for
   * fewer rows or fields, instead of the server loading it all. @defaultValue 32 MiB
   */
  maxResponseBytes?: number;
  /**
   * A folder served at `/`.
   * @defaultValue the packaged dashboard (`dist/dashboard/`) when started from a Stint; none for `startGraphQLServer`
   */
  staticDir?: string;
  /** Receives errors that are not StintErrors before they are masked. @defaultValue console.error */
  onUnexpectedError?: (error: unknown) => void;
  /** Told of each failed authentication (never the key). @defaultValue console.warn */
  onAuthFailure?: (event: AuthFailureEvent) => void;
}

/** The options `Stint.startServer` takes (and the config file's `server`): all but the service and health check, which the Stint gives. */
export type StartServerOptions = Omit<GraphQLServerOptions, "service" | "ping">;

/** What `onAuthFailure` is told of one failed authentication. */
export interface AuthFailureEvent {
  /** The client's address as the socket sees it. */
  address: string;
  reason: "unknown key" | "not a Bearer token";
  /** Failures from this address in the current window, this one included. */
  failures: number;
  /** True when this failure reached the limit: the address now gets 429 until the window ends. */
  blocked: boolean;
}

export type ResolvedServerOptions = Required<Omit<GraphQLServerOptions, "staticDir" | "apiKeys" | "env">> & {
  staticDir: string | undefined;
  apiKeys: readonly ApiKeyConfig[];
};

export const SERVER_DEFAULTS = {
  host: "127.0.0.1",
  port: 4000,
  debug: false,
  maxBodyBytes: 1024 * 1024,
  maxDepth: 12,
  maxListLimit: 1000,
  maxResponseBytes: 32 * 1024 * 1024,
} as const;

export function resolveServerOptions(
  options: GraphQLServerOptions,
  parseEnvKeys: (value: string | undefined) => ApiKeyConfig[],
): ResolvedServerOptions {
  const env = options.env ?? process.env;
  return {
    service: options.service,
    ping: options.ping,
    // An IPv6 literal may come as a URL writes it (`[::1]`); listen() wants it bare.
    host: (options.host ?? SERVER_DEFAULTS.host).replace(/^\[(.*)\]$/, "$1"),
    port: options.port ?? SERVER_DEFAULTS.port,
    apiKeys: [...(options.apiKeys ?? []), ...parseEnvKeys(env.STINT_API_KEYS)],
    debug: options.debug ?? SERVER_DEFAULTS.debug,
    maxBodyBytes: options.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes,
    maxDepth: options.maxDepth ?? SERVER_DEFAULTS.maxDepth,
    maxListLimit: options.maxListLimit ?? SERVER_DEFAULTS.maxListLimit,
    maxResponseBytes: positiveInteger("maxResponseBytes", options.maxResponseBytes ?? SERVER_DEFAULTS.maxResponseBytes),
    staticDir: options.staticDir,
    onUnexpectedError: options.onUnexpectedError ?? ((error) => console.error("stint graphql: unexpected error", error)),
    onAuthFailure: options.onAuthFailure ?? ((event) => console.warn("stint graphql: authentication failed", event)),
  };
}

/** A byte limit must be a whole number ≥ 1: anything else would refuse (or allow) every read. */
function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw Errors.invalidArgument(name, `expected a whole number of bytes ≥ 1, got ${describeValue(value)}`);
  }
  return value;
}

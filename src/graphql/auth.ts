/**
 * API keys for the management API. A key carries a subset of `rwd`: `r` for queries,
 * `w` for trigger/abort, `d` for delete. Keys come from options and from the
 * `STINT_API_KEYS` env variable (`key1:rwd,key2:r`) and are sent as
 * `Authorization: Bearer <key>`.
 *
 * Presented keys are compared against every configured key in constant time, over
 * SHA-256 digests so the lengths never leak either. With no key configured everything
 * is allowed, which is why the server then only listens on loopback (`assertSafeHost`).
 * A configured key shorter than `MIN_API_KEY_LENGTH` is refused at start: short keys can
 * be guessed even through the failed-authentication throttle.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Errors } from "../domain/errors.js";
import type { Identity } from "../domain/task.js";

export type Permission = "r" | "w" | "d";

/** One API key of the server (`apiKeys`, the config file's `server.apiKeys`). */
export interface ApiKeyConfig {
  /**
   * The bearer token clients send: at least 16 characters (a shorter one is refused at
   * start), e.g. the output of `openssl rand -hex 32`.
   */
  key: string;
  /** Any of `r` (read), `w` (trigger, abort), `d` (delete), e.g. `"rwd"`, or `"r"` for a read-only key. */
  permissions: string;
  /** Shown in logs instead of the key. */
  name?: string;
}

interface KeyEntry {
  digest: Buffer;
  permissions: ReadonlySet<Permission>;
  identity: Identity;
}

export const ALL_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(["r", "w", "d"]);
const NO_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>();
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost", "[::1]"]);
/** Shortest key accepted (16 characters; `openssl rand -hex 32` makes a good one). */
export const MIN_API_KEY_LENGTH = 16;

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

export function parsePermissions(value: string, where: string): ReadonlySet<Permission> {
  if (!/^[rwd]+$/.test(value)) {
    throw Errors.invalidArgument(where, `permissions must be a non-empty subset of "rwd", got "${value.slice(0, 10)}"`);
  }
  return new Set(value.split("") as Permission[]);
}

/** Parses `key1:rwd,key2:r`; the permissions follow the last colon of each entry. */
export function parseApiKeysEnv(value: string | undefined): ApiKeyConfig[] {
  if (!value || value.trim() === "") return [];
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry, index) => {
      const colon = entry.lastIndexOf(":");
      if (colon <= 0) {
        throw Errors.invalidArgument("STINT_API_KEYS", `entry ${index + 1} must look like "key:rwd"`);
      }
      return { key: entry.slice(0, colon), permissions: entry.slice(colon + 1), name: `STINT_API_KEYS #${index + 1}` };
    });
}

/** Who a request speaks for, decided once per request from its `Authorization` header. */
export interface Caller {
  /** What the key allows: everything without configured keys, nothing for a missing or wrong key. */
  permissions: ReadonlySet<Permission>;
  /** The key's identity, stored as a trigger's `createdBy`. */
  identity: Identity | undefined;
  /**
   * Set when keys are configured and an `Authorization` header was sent but matched no key
   * (a failed authentication, counted by the throttle). A missing header is not a failure.
   */
  failure?: "unknown key" | "not a Bearer token";
}

export interface Authenticator {
  /** True when at least one key is configured. */
  readonly enabled: boolean;
  authenticate(authorization: string | null | undefined): Caller;
}

export function createAuthenticator(keys: readonly ApiKeyConfig[]): Authenticator {
  const entries: KeyEntry[] = keys.map((key, index) => {
    const where = `apiKeys[${index}]${key.name ? ` (${key.name})` : ""}`;
    if (typeof key.key !== "string" || key.key.trim() === "") throw Errors.invalidArgument(where, "the key is empty");
    const length = key.key.trim().length;
    if (length < MIN_API_KEY_LENGTH) {
      // The message gives the length only: never the key, nor a part of it.
      throw Errors.invalidArgument(
        where,
        `the key is ${length} characters long; use at least ${MIN_API_KEY_LENGTH} (e.g. the output of "openssl rand -hex 32")`,
      );
    }
    const name = key.name?.trim() || `API key #${index + 1}`;
    return {
      digest: digest(key.key),
      permissions: parsePermissions(String(key.permissions ?? ""), where),
      identity: { id: `apikey:${index + 1}`, displayName: name, type: "apiKey" },
    };
  });
  const match = (presented: string): KeyEntry | undefined => {
    const presentedDigest = digest(presented);
    let found: KeyEntry | undefined;
    // No early exit: every key is compared, so timing does not tell which one matched.
    for (const entry of entries) {
      if (timingSafeEqual(entry.digest, presentedDigest)) found = entry;
    }
    return found;
  };
  return {
    enabled: entries.length > 0,
    authenticate(authorization) {
      if (entries.length === 0) return { permissions: ALL_PERMISSIONS, identity: undefined };
      if (!authorization) return { permissions: NO_PERMISSIONS, identity: undefined };
      const presented = bearerToken(authorization);
      if (presented === null) return { permissions: NO_PERMISSIONS, identity: undefined, failure: "not a Bearer token" };
      const found = match(presented);
      if (!found) return { permissions: NO_PERMISSIONS, identity: undefined, failure: "unknown key" };
      return { permissions: found.permissions, identity: found.identity };
    },
  };
}

function bearerToken(authorization: string): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match ? match[1].trim() : null;
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase());
}

/** Without keys anyone who reaches the port may do anything: allow loopback only. */
export function assertSafeHost(host: string, authenticator: Authenticator): void {
  if (authenticator.enabled || isLoopbackHost(host)) return;
  throw Errors.invalidArgument(
    "host",
    `refusing to listen on "${host}" without an API key: anyone reaching it could trigger, abort and delete tasks. ` +
      `Configure apiKeys (or STINT_API_KEYS), or listen on 127.0.0.1, ::1 or localhost.`,
  );
}

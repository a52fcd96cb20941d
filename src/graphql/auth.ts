/**
 * API keys for the management API. A key carries a subset of `rwd`: `r` for queries,
 * `w` for trigger/abort, `d` for delete. Keys come from options and from the
 * `STINT_API_KEYS` env variable (`key1:rwd,key2:r`) and are sent as
 * `Authorization: Bearer <key>`.
 *
 * Presented keys are compared against every configured key in constant time, over
 * SHA-256 digests so the lengths never leak either. With no key configured everything
 * is allowed, which is why the server then only listens on loopback (`assertSafeHost`).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Errors } from "../domain/errors.js";
import type { Identity } from "../domain/task.js";

export type Permission = "r" | "w" | "d";

export interface ApiKeyConfig {
  key: string;
  /** Any subset of "rwd", e.g. "r" for a read-only key. */
  permissions: string;
  /** Shown nowhere but useful in configs to say whose key it is. */
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

export interface Authenticator {
  /** True when at least one key is configured. */
  readonly enabled: boolean;
  /** The permissions of the `Authorization` header's key; none for a missing or wrong key. */
  permissionsFor(authorization: string | null | undefined): ReadonlySet<Permission>;
  /** Who the `Authorization` header's key stands for, stored as a trigger's `createdBy`. */
  identityFor(authorization: string | null | undefined): Identity | undefined;
}

export function createAuthenticator(keys: readonly ApiKeyConfig[]): Authenticator {
  const entries: KeyEntry[] = keys.map((key, index) => {
    const where = `apiKeys[${index}]${key.name ? ` (${key.name})` : ""}`;
    if (typeof key.key !== "string" || key.key.trim() === "") throw Errors.invalidArgument(where, "the key is empty");
    const name = key.name?.trim() || `API key #${index + 1}`;
    return {
      digest: digest(key.key),
      permissions: parsePermissions(String(key.permissions ?? ""), where),
      identity: { id: `apikey:${index + 1}`, displayName: name, type: "apiKey" },
    };
  });
  const match = (authorization: string | null | undefined): KeyEntry | undefined => {
    const presented = bearerToken(authorization);
    if (presented === null) return undefined;
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
    permissionsFor(authorization) {
      if (entries.length === 0) return ALL_PERMISSIONS;
      return match(authorization)?.permissions ?? NO_PERMISSIONS;
    },
    identityFor(authorization) {
      return entries.length === 0 ? undefined : match(authorization)?.identity;
    },
  };
}

function bearerToken(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
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

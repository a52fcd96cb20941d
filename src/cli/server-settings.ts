/**
 * The API server's settings, checked before `serve` or `dev` opens the store.
 * `startServer()` checks them too, but only after the store has been created and
 * migrated, and it names "host" where the user set `STINT_HOST` or `--host`.
 */
import { ErrorCode, Errors, isStintError } from "../domain/errors.js";
import { assertSafeHost, createAuthenticator, parseApiKeysEnv } from "../graphql/auth.js";
import type { AuthFailureEvent } from "../graphql/options.js";
import type { Logger } from "./logger.js";
import type { ResolvedCliOptions } from "./options.js";

export function checkServerSettings(
  options: ResolvedCliOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  // The same keys the server will use: the config's, then STINT_API_KEYS (named in its errors).
  const keys = [...(options.server.apiKeys ?? []), ...parseApiKeysEnv(env.STINT_API_KEYS)];
  try {
    assertSafeHost(options.server.host, createAuthenticator(keys));
  } catch (error) {
    if (isStintError(error, ErrorCode.InvalidArgument) && error.data?.argument === "host") {
      throw Errors.invalidArgument(options.sources.host, String(error.data.reason));
    }
    throw error;
  }
}

/** Failed authentications go to the command's log (as JSON lines in production), not to console.warn. */
export function logAuthFailures(logger: Logger): { onAuthFailure: (event: AuthFailureEvent) => void } {
  return { onAuthFailure: (event) => logger.warn({ ...event }, "authentication failed") };
}

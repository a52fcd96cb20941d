/**
 * How the CLI fails. Bad input (an unknown command or definition, invalid JSON, a missing
 * or broken config, an unsupported database URL, a store without Stint's tables for a
 * command that needs an existing one, an in-memory store for a command that would lose
 * it, anything the TaskService refuses as invalid) prints ONE line to stderr and exits
 * with code 2; nothing is stored because every check runs before the first write.
 * Anything else is a runtime failure: exit 1.
 */
import { CommanderError } from "commander";
import { ErrorCode, isStintError, redactUrl, StintError } from "../domain/errors.js";
import { isUserError } from "../service/user-error.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C (128 + SIGINT), e.g. `trigger --watch` left the task running. */
export const EXIT_INTERRUPTED = 130;

/** A mistake in what the user typed or configured. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The CLI's refusals, worded once; `source` names where the setting came from (see options.ts). */
export const CliErrors = {
  /** `reason`: something else is there (another application's database, a directory), which no command may turn into a store. */
  storeNotFound: (filename: string, url: string, source: string, reason?: string) =>
    new StintError(
      reason
        ? `No Stint database at ${filename} (${reason}; ${redactUrl(url)}, ${fromSource(source)}); ${checkHint(source)}`
        : `No Stint database at ${filename} (${redactUrl(url)}, ${fromSource(source)}); ${checkHint(source)}, or create the store with: stint migrate`,
      ErrorCode.StoreNotFound,
      { filename, url: redactUrl(url), source, ...(reason ? { reason } : {}) },
    ),
  storeInMemory: (command: string, url: string, source: string) =>
    new StintError(
      `${redactUrl(url)} (${fromSource(source)}) is an in-memory store: it lives inside one process, so \`stint ${command}\` ` +
        "would work on an empty store of its own, gone when it exits; use stint dev (store, worker and API in one process), " +
        "a file (--database sqlite:./stint.db) or PostgreSQL",
      ErrorCode.StoreInMemory,
      { url: redactUrl(url), source, command },
    ),
  configRequired: (command: string, cwd: string, names: readonly string[]) =>
    new StintError(
      `No config file found in ${cwd} (looked for ${names.join(", ")}); \`stint ${command}\` needs the task definitions: pass --config <file>`,
      ErrorCode.ConfigNotFound,
      { cwd, command },
    ),
};

/** The value of a setting left at its default has no source to name. */
export const DEFAULT_SOURCE = "the default";

function fromSource(source: string): string {
  return source === DEFAULT_SOURCE ? source : `from ${source}`;
}

function checkHint(source: string): string {
  return source === DEFAULT_SOURCE ? "pass --database or set STINT_DATABASE_URL" : `check ${source}`;
}

/** StintError codes that mean "the input was wrong", not "something broke". */
const USAGE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.DefinitionNotFound,
  ErrorCode.ValidationFailed,
  ErrorCode.MaxDelay,
  ErrorCode.InvalidDelay,
  ErrorCode.AbortNotAllowed,
  ErrorCode.DeleteNotAllowed,

  ErrorCode.RerunNotAllowed,
  ErrorCode.TaskNotFound,
  ErrorCode.InvalidId,
  ErrorCode.InvalidArgument,
  ErrorCode.PayloadTooLarge,
  ErrorCode.InvalidDatabaseUrl,
  ErrorCode.ConfigNotFound,
  ErrorCode.ConfigInvalid,
  ErrorCode.DefinitionInvalid,
  ErrorCode.DefinitionDuplicate,
  ErrorCode.StoreNotFound,
  ErrorCode.StoreInMemory,
]);

export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof UsageError) return EXIT_USAGE;
  if (isStintError(error) && USAGE_CODES.has(error.code)) return EXIT_USAGE;
  // The definition's own onBeforeTrigger refused the trigger: the input was not wanted.
  if (error instanceof Error && isUserError(error)) return EXIT_USAGE;
  return EXIT_FAILURE;
}

/** The one line printed for an error (no stack unless STINT_DEBUG is set). */
export function describeError(error: unknown): string {
  if (error instanceof CommanderError) return oneLine(error.message.replace(/^error:\s*/i, ""));
  if (isStintError(error)) {
    const detail = validationDetail(error.data);
    return oneLine(`${error.message}${detail ? ` ${detail}` : ""} [${error.code}]`);
  }
  if (error instanceof Error) {
    // An error thrown by the definition's own code shows its code, as StintErrors do.
    const own = (error as { code?: unknown }).code;
    const code = isUserError(error) && typeof own === "string" ? own : "";
    return oneLine(`${error.message || error.name}${code ? ` [${code}]` : ""}`);
  }
  return oneLine(String(error));
}

/** Prints the error and sets the exit code; returns the code. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const code = exitCodeFor(error);
  if (code === EXIT_OK) return code;
  stderr.write(`stint: ${describeError(error)}\n`);
  if (process.env.STINT_DEBUG && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return code;
}

function validationDetail(data: Record<string, unknown> | null): string {
  const fields = data?.invalidFields;
  if (!fields || typeof fields !== "object") return "";
  const parts = Object.entries(fields as Record<string, { message?: string }>).map(
    ([field, info]) => `${field}: ${info?.message ?? "invalid"}`,
  );
  return parts.length ? `(${parts.join("; ")})` : "";
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

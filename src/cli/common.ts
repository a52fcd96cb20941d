/** Options shared by the commands, worded once so every `--help` explains them alike. */
import { Option, type Command } from "commander";
import { UsageError } from "./errors.js";

export function addStoreOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "config file with the task definitions (default: ./stint.config.ts, .js or .mjs)")
    .option(
      "-d, --database <url>",
      "database URL: sqlite:<file>, sqlite::memory: (dev only) or postgres://user@host/db (wins over STINT_DATABASE_URL and the config; default sqlite:./.stint/stint.db)",
    );
}

export function addJsonOption(command: Command): Command {
  return command.option("--json", "print JSON (for scripts) instead of text");
}

export function addServerOptions(command: Command): Command {
  return command
    .addOption(new Option("-p, --port <port>", "API port; 0 picks a free one (env STINT_PORT; default 4000)"))
    .addOption(new Option("--host <host>", "API host (an IPv6 literal with or without brackets: ::1, [::1]); without API keys only loopback is allowed (env STINT_HOST; default 127.0.0.1)"));
}

export function addWorkerOptions(command: Command): Command {
  return command.option("--concurrency <n>", "iterations run at once by this process (default 10)");
}

/** Parses `--input` JSON; the task input must be an object. */
export function parseJsonInput(text: string | undefined, flag = "--input"): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${text.slice(0, 80)}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${flag} must be a JSON object, e.g. '{"file":"data.csv"}'`);
  }
  return value as Record<string, unknown>;
}

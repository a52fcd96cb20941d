/**
 * `stint dev`: store + worker + API in one process, on the embedded SQLite store unless
 * told otherwise. Prints what runs where and a command to try.
 */
import { relative } from "node:path";
import type { Command } from "commander";
import { redactUrl } from "../domain/errors.js";
import type { DefinitionInfo } from "../service/types.js";
import { addServerOptions, addStoreOptions, addWorkerOptions } from "./common.js";
import { openStint, prepare, type CliContext, type CommonFlags } from "./context.js";
import { createLogger } from "./logger.js";
import { stdio } from "./output.js";
import { waitForShutdown } from "./shutdown.js";
import { logStintEvents, logWorkerEvents } from "./worker-logs.js";

export function registerDev(program: Command): void {
  const command = program
    .command("dev")
    .description("run the store, a worker and the GraphQL API (GraphiQL) in one process, for development");
  addWorkerOptions(addServerOptions(addStoreOptions(command)));
  command.action(async (flags: CommonFlags) => {
    const context = await prepare(flags);
    const logger = createLogger();
    const stint = await openStint(context);
    logStintEvents(stint, logger);
    // Before the banner: whoever reads it may signal at once (see waitForShutdown).
    const stopped = waitForShutdown(logger, () => stint.close());
    try {
      const worker = stint.createWorker();
      logWorkerEvents(worker, logger);
      worker.start();
      const server = await stint.startServer();
      printBanner(context, server, worker.options.concurrency, stint.tasks.listDefinitions());
    } catch (error) {
      await stint.close();
      throw error;
    }
    process.exitCode = await stopped;
  });
}

function printBanner(
  context: CliContext,
  server: { url: string; dashboardUrl: string | null },
  concurrency: number,
  definitions: DefinitionInfo[],
): void {
  const url = server.url;
  const ids = definitions.map((d) => d.id);
  const lines = [
    "",
    "Stint dev is running",
    `  store    ${redactUrl(context.options.database)}`,
    `  worker   concurrency ${concurrency}; ${ids.length} definition${ids.length === 1 ? "" : "s"}${ids.length ? `: ${ids.join(", ")}` : ""}`,
    `  API      ${url}  (open it in a browser for GraphiQL)`,
    `  dashboard ${server.dashboardUrl ?? "not built (npm run build:dashboard)"}`,
    `  config   ${context.loaded.path ? relative(process.cwd(), context.loaded.path) : "none found (pass --config <file>)"}`,
    "",
  ];
  if (definitions.length > 0) {
    lines.push("Try, in another terminal:", `  ${exampleCommand(context, definitions[0])}`, "");
  }
  lines.push("Ctrl-C stops (in-flight iterations finish or are handed back).", "");
  stdio.out(lines.join("\n"));
}

/** A runnable trigger command for `definition`, its input built from the schema's examples. */
export function exampleCommand(context: CliContext, definition: DefinitionInfo): string {
  const runningFromSource = /\.ts$/.test(process.argv[1] ?? "");
  const parts = [runningFromSource ? "npm run stint --" : "stint", "trigger", definition.id];
  const input = exampleInput(definition.inputSchema);
  if (input) parts.push("--input", `'${JSON.stringify(input)}'`);
  parts.push("--watch");
  if (context.flags.config) parts.push("--config", context.flags.config);
  if (context.flags.database) parts.push("--database", context.flags.database);
  return parts.join(" ");
}

function exampleInput(schema: Record<string, unknown> | null): Record<string, unknown> | null {
  const properties = schema?.properties as Record<string, { examples?: unknown[]; default?: unknown }> | undefined;
  if (!properties) return null;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  const input: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    if (Array.isArray(property?.examples) && property.examples.length > 0) input[key] = property.examples[0];
    else if (required.has(key) && property?.default !== undefined) input[key] = property.default;
  }
  return Object.keys(input).length ? input : null;
}

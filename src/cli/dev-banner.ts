/**
 * What `stint dev` prints once it runs: where the store, worker, API and dashboard are,
 * and something to try. The hint must work as printed: on a file or PostgreSQL store a
 * second terminal may run `stint trigger` against the same database (so the command
 * carries `--database` when the user chose one); on an in-memory store nothing outside
 * this process can reach it, so the hint points at this process's dashboard and GraphiQL.
 */
import { isInMemory, parseDatabaseUrl } from "../config/database.js";
import { redactUrl } from "../domain/errors.js";
import type { DefinitionInfo } from "../service/types.js";
import { configLabel, type CliContext } from "./context.js";

export interface BannerFacts {
  server: { url: string; dashboardUrl: string | null };
  concurrency: number;
  /** Every registered definition, private ones included: the worker runs them all. */
  definitions: DefinitionInfo[];
}

export function devBanner(context: CliContext, facts: BannerFacts): string {
  const { server, definitions } = facts;
  const inMemory = isInMemory(parseDatabaseUrl(context.options.database));
  const rows: [string, string][] = [
    ["store", `${redactUrl(context.options.database)}${inMemory ? "  (in memory: gone when this process stops)" : ""}`],
    ["worker", `concurrency ${facts.concurrency}; ${describeDefinitions(definitions)}`],
    ["API", `${server.url}  (open it in a browser for GraphiQL)`],
    ["dashboard", server.dashboardUrl ?? "not built (npm run build:dashboard)"],
    ["config", configLabel(context) ?? "none"],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = ["", "Stint dev is running", ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ""];
  // Private definitions are not in the GraphQL enum: the hint uses a public one.
  const example = definitions.find((d) => !d.isPrivate);
  if (example) lines.push(...(inMemory ? inProcessHint(server, example) : ["Try, in another terminal:", `  ${exampleCommand(context, example)}`]), "");
  lines.push("Ctrl-C stops (in-flight iterations finish or are handed back).", "");
  return lines.join("\n");
}

/** `3 definitions: a, b, c (private)` */
function describeDefinitions(definitions: DefinitionInfo[]): string {
  const count = `${definitions.length} definition${definitions.length === 1 ? "" : "s"}`;
  if (definitions.length === 0) return count;
  return `${count}: ${definitions.map((d) => (d.isPrivate ? `${d.id} (private)` : d.id)).join(", ")}`;
}

function inProcessHint(server: BannerFacts["server"], definition: DefinitionInfo): string[] {
  const input = exampleInput(definition.inputSchema);
  const inputArgument = input && graphqlLiteral(input);
  const mutation =
    `mutation { backgroundTasks { triggerTask(definition: ${definition.id}${inputArgument ? `, input: ${inputArgument}` : ""}) ` +
    "{ data { id taskStatus } error { message code } } } }";
  return [
    "The store is in memory, inside this process: other stint commands cannot reach it. Try it here:",
    ...(server.dashboardUrl ? [`  dashboard  ${server.dashboardUrl}  (Definitions, then Trigger… on ${definition.id})`] : []),
    `  GraphiQL   ${server.url}  with:`,
    `    ${mutation}`,
  ];
}

/** A runnable trigger command for `definition`, its input built from the schema's examples. */
export function exampleCommand(context: CliContext, definition: DefinitionInfo): string {
  const runningFromSource = /\.ts$/.test(process.argv[1] ?? "");
  const parts = [runningFromSource ? "npm run stint --" : "stint", "trigger", definition.id];
  const input = exampleInput(definition.inputSchema);
  if (input) parts.push("--input", shellQuote(JSON.stringify(input)));
  parts.push("--watch");
  if (context.flags.config) parts.push("--config", shellQuote(context.flags.config));
  const database = databaseArgument(context);
  if (database) parts.push("--database", database);
  return parts.join(" ");
}

/**
 * The database a second process needs to reach this store, when it would not get it by
 * itself: one given by `--database` or STINT_DATABASE_URL (the config file's comes with
 * `--config`; the default is the default). A URL with a password is not printed: the
 * variable is, for a shell that has it.
 */
function databaseArgument(context: CliContext): string | null {
  const { database, sources } = context.options;
  if (sources.database !== "--database" && sources.database !== "STINT_DATABASE_URL") return null;
  if (sources.database === "STINT_DATABASE_URL" && redactUrl(database) !== database) return '"$STINT_DATABASE_URL"';
  return shellQuote(database);
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

/** A JSON value as a GraphQL literal (`{ file: "x" }`); null when a key is no GraphQL name. */
export function graphqlLiteral(value: unknown): string | null {
  if (Array.isArray(value)) {
    const items = value.map(graphqlLiteral);
    return items.includes(null) ? null : `[${items.join(", ")}]`;
  }
  if (value && typeof value === "object") {
    const fields: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const literal = graphqlLiteral(item);
      if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(key) || literal === null) return null;
      fields.push(`${key}: ${literal}`);
    }
    return `{ ${fields.join(", ")} }`;
  }
  // Strings, numbers, booleans and null are written alike in JSON and GraphQL.
  return JSON.stringify(value ?? null);
}

/** Single-quoted for a POSIX shell unless it needs no quoting. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

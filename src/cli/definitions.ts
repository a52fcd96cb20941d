/** `stint definitions`: what the config registers (no store needed). */
import type { Command } from "commander";
import { toDefinitionInfo } from "../service/task-service.js";
import { addJsonOption } from "./common.js";
import { configLabel, prepare, type CommonFlags } from "./context.js";
import { formatTable, printJson, stdio } from "./output.js";

export function registerDefinitions(program: Command): void {
  const command = program
    .command("definitions")
    .description("list the task definitions of the config file: id, title, max iterations, input fields")
    .option("-c, --config <file>", "config file with the task definitions (default: ./stint.config.ts, .js or .mjs)")
    .option("--all", "include private definitions");
  addJsonOption(command);
  command.action(async (flags: CommonFlags & { all?: boolean }) => {
    // No store needed: definitions come from the config alone.
    const context = await prepare({ config: flags.config }, { command: "definitions", definitions: true, store: "none" });
    const list = context.registry.list({ includePrivate: Boolean(flags.all) }).map(toDefinitionInfo);
    if (flags.json) return printJson(list);
    if (list.length === 0) {
      const hidden = context.registry.ids().length;
      return stdio.out(`No ${hidden ? "public " : ""}definitions in ${configLabel(context)}.${hidden ? ` ${hidden} private: see --all.` : ""}`);
    }
    stdio.out(
      formatTable(
        ["ID", "TITLE", "MAX ITERATIONS", "INPUT"],
        list.map((d) => [d.id, d.title, String(d.maxIterations), inputFields(d.inputSchema)]),
        60,
      ),
    );
  });
}

function inputFields(schema: Record<string, unknown> | null): string {
  const properties = schema?.properties;
  if (!properties || typeof properties !== "object") return "-";
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  return Object.keys(properties).map((key) => (required.has(key) ? key : `${key}?`)).join(", ");
}

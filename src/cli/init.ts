/**
 * `stint init`: sets Stint up in an existing app. Writes `stint.config.ts` with one
 * example task, adds `stint:dev` / `stint:worker` scripts to package.json and prints the
 * next command.
 *
 * Every check runs before the first write, so bad input (no package.json, one that is not
 * JSON, a config file already there) exits 2 and changes nothing. A script the app already
 * has under one of those names is replaced only after a yes: at the prompt in a terminal,
 * or `--yes`; without a terminal and without `--yes` it is kept, and the output says so.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { CONFIG_FILE_NAMES } from "./load-config.js";
import { UsageError } from "./errors.js";
import { stdio, type Output } from "./output.js";

export const INIT_CONFIG_FILE = "stint.config.ts";

/** The scripts `stint init` adds. Run through npm, SIGTERM still stops them gracefully (see npm-parent.ts). */
export const INIT_SCRIPTS: Readonly<Record<string, string>> = {
  "stint:dev": "stint dev",
  "stint:worker": "stint worker",
};

export const INIT_CONFIG = `import { createTaskDefinition, defineConfig } from "stint";

// An example task: replace it with your own. Try it while \`npm run stint:dev\` runs:
//   npx stint trigger hello --input '{"name":"Ada"}' --watch
const hello = createTaskDefinition<{ name: string }, { greeting: string }>({
  id: "hello",
  title: "Say hello",
  createInputValidation: ({ validator }) => ({ name: validator.string() }),
  run: async ({ input, response }) => response.done({ greeting: \`Hello, \${input.name}\` }),
});

export default defineConfig({
  // The store: sqlite:./.stint/stint.db unless set here or in STINT_DATABASE_URL,
  // e.g. "postgres://user:password@localhost:5432/app" for workers on several machines.
  // database: process.env.DATABASE_URL,
  definitions: [hello],
});
`;

/** Asks a yes/no question; absent when there is no terminal to ask in. */
export type Ask = (question: string) => Promise<boolean>;

export interface InitOptions {
  cwd: string;
  /** Replace existing scripts of the same name without asking. */
  yes: boolean;
  ask?: Ask;
  output?: Output;
}

export interface InitResult {
  config: string;
  added: string[];
  replaced: string[];
  kept: string[];
}

export async function runInit({ cwd, yes, ask, output = stdio }: InitOptions): Promise<InitResult> {
  const packagePath = join(cwd, "package.json");
  if (!existsSync(packagePath)) {
    throw new UsageError(`No package.json in ${cwd}: run stint init in your app's folder (npm init -y creates one); nothing changed`);
  }
  const existing = CONFIG_FILE_NAMES.find((name) => existsSync(join(cwd, name)));
  if (existing) throw new UsageError(`${join(cwd, existing)} already exists; nothing changed (edit it, or remove it to start over)`);
  const text = readFileSync(packagePath, "utf8");
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${packagePath} is not valid JSON (${(error as Error).message}); nothing changed`);
  }
  if (!pkg || typeof pkg !== "object" || Array.isArray(pkg)) throw new UsageError(`${packagePath} is not a JSON object; nothing changed`);
  if (pkg.scripts !== undefined && (!pkg.scripts || typeof pkg.scripts !== "object" || Array.isArray(pkg.scripts))) {
    throw new UsageError(`"scripts" in ${packagePath} is not an object; nothing changed`);
  }

  const scripts = { ...(pkg.scripts as Record<string, string> | undefined) };
  const result: InitResult = { config: join(cwd, INIT_CONFIG_FILE), added: [], replaced: [], kept: [] };
  for (const [name, command] of Object.entries(INIT_SCRIPTS)) {
    const current = scripts[name];
    if (current === command) continue;
    if (current === undefined) {
      scripts[name] = command;
      result.added.push(name);
      continue;
    }
    const replace = yes || (ask ? await ask(`package.json already has "${name}": ${JSON.stringify(current)}. Replace it with ${JSON.stringify(command)}?`) : false);
    if (replace) {
      scripts[name] = command;
      result.replaced.push(name);
    } else {
      result.kept.push(name);
    }
  }

  writeFileSync(result.config, INIT_CONFIG, { flag: "wx" });
  if (result.added.length + result.replaced.length > 0) {
    writeFileSync(packagePath, `${JSON.stringify({ ...pkg, scripts }, null, indentOf(text))}${text.endsWith("\n") ? "\n" : ""}`);
  }

  output.out(`Created ${INIT_CONFIG_FILE} with one example task (hello).`);
  if (result.added.length) output.out(`Added to package.json: ${result.added.map((name) => `"${name}"`).join(", ")}.`);
  if (result.replaced.length) output.out(`Replaced in package.json: ${result.replaced.map((name) => `"${name}"`).join(", ")}.`);
  for (const name of result.kept) {
    output.out(`Kept the existing "${name}" script in package.json (${ask ? "you said no" : "no terminal to ask in"}); stint init --yes replaces it with ${JSON.stringify(INIT_SCRIPTS[name])}.`);
  }
  const dependencies = { ...(pkg.dependencies as object | undefined), ...(pkg.devDependencies as object | undefined) };
  if (!("stint" in dependencies)) output.out("Stint is not in package.json's dependencies yet: npm install stint");
  output.out("");
  output.out(`Next: ${result.kept.includes("stint:dev") ? "npx stint dev" : "npm run stint:dev"}   (store, worker, API and dashboard in one process)`);
  return result;
}

/** The indentation package.json uses (two spaces, four, a tab), so the rewrite keeps its style. */
function indentOf(text: string): string | number {
  const match = /\n([ \t]+)"/.exec(text);
  return match ? match[1] : 2;
}

/** A yes/no question on the terminal; Enter alone means no. */
function terminalAsk(): Ask | undefined {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description(`set Stint up in this app: write ${INIT_CONFIG_FILE} (one example task) and add stint:dev / stint:worker scripts to package.json`)
    .option("-y, --yes", "replace existing stint:dev / stint:worker scripts without asking")
    .action(async (flags: { yes?: boolean }) => {
      await runInit({ cwd: process.cwd(), yes: flags.yes === true, ask: terminalAsk() });
    });
}

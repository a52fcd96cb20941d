/** Runs the CLI as a child process, the way a user does: `node --import tsx src/cli/bin.ts ...`. */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = resolve(ROOT, "src/cli/bin.ts");
export const EXAMPLES_CONFIG = resolve(ROOT, "examples/stint.config.ts");
/** tsx by URL: a bare `--import tsx` is resolved from the working directory, which a test may set outside the repository. */
const TSX = import.meta.resolve("tsx");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment without anything that would redirect the CLI (e.g. a developer's STINT_DATABASE_URL). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const key of ["STINT_DATABASE_URL", "STINT_PORT", "STINT_HOST", "STINT_API_KEYS", "STINT_LOG_LEVEL", "NODE_TEST_CONTEXT"]) delete env[key];
  // What the test sets on purpose goes in after the cleaning.
  return { ...env, ...extra };
}

export function startCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliProcess {
  const child = spawn(process.execPath, ["--import", TSX, BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new CliProcess(child);
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  const cli = startCli(args, options);
  return cli.exited(options.timeoutMs ?? 60_000);
}

export class CliProcess {
  stdout = "";
  stderr = "";
  private readonly exit: Promise<CliResult>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exit = new Promise((resolveExit) => {
      child.on("exit", (code, signal) => {
        // Let the pipes drain before reporting.
        setImmediate(() => resolveExit({ code, signal, stdout: this.stdout, stderr: this.stderr }));
      });
    });
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || Date.now() > end) {
        throw new Error(`no ${pattern} in output (exit ${this.child.exitCode}).\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  exited(timeoutMs = 60_000): Promise<CliResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill("SIGKILL");
        reject(new Error(`CLI did not exit within ${timeoutMs} ms.\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
      }, timeoutMs);
    });
    return Promise.race([this.exit, timeout]).finally(() => clearTimeout(timer));
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/**
 * Writes `<dir>/stint.config.ts` with a public `helloWorld` (input `{ name }`, example
 * "Ada") and a private `secretTask`, both done in one iteration; returns its path.
 */
export function writeHelloConfig(dir: string, options: { database?: string } = {}): string {
  const path = resolve(dir, "stint.config.ts");
  const index = pathToFileURL(resolve(ROOT, "src/index.ts")).href;
  writeFileSync(
    path,
    `import { createPrivateTaskDefinition, createTaskDefinition, defineConfig } from ${JSON.stringify(index)};
export default defineConfig({
  ${options.database ? `database: ${JSON.stringify(options.database)},` : ""}
  worker: { pollIntervalMs: 100 },
  definitions: [
    createTaskDefinition({
      id: "helloWorld",
      title: "Hello world",
      createInputValidation: ({ validator: z }) => z.object({ name: z.string().meta({ examples: ["Ada"] }) }),
      run: async ({ input, response }) => response.done({ greeting: "Hello, " + input.name }),
    }),
    createPrivateTaskDefinition({ id: "secretTask", title: "Secret", run: async ({ response }) => response.done({}) }),
  ],
});
`,
  );
  return path;
}

/** The words of a printed POSIX shell command: '…' and "…" quoting, $NAME from `env` inside double quotes. */
export function shellWords(command: string, env: Record<string, string> = {}): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === " ") {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word = (word ?? "") + command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = command.indexOf('"', i + 1);
      word = (word ?? "") + command.slice(i + 1, end).replace(/\$(\w+)/g, (_, name: string) => env[name] ?? "");
      i = end;
    } else if (c === "\\") {
      word = (word ?? "") + command[++i];
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** One clear line on stderr, nothing on stdout, exit code 2. */
export function assertUsageError(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line expected, got:\n${result.stderr}`);
  assert.match(lines[0], /^stint: /);
  assert.match(lines[0], pattern);
  assert.equal(result.stdout, "");
}

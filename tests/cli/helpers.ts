/** Runs the CLI as a child process, the way a user does: `node --import tsx src/cli/bin.ts ...`. */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = resolve(ROOT, "src/cli/bin.ts");
export const EXAMPLES_CONFIG = resolve(ROOT, "examples/stint.config.ts");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment without anything that would redirect the CLI (e.g. a developer's STINT_DATABASE_URL). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra };
  for (const key of ["STINT_DATABASE_URL", "STINT_PORT", "STINT_HOST", "STINT_API_KEYS", "NODE_TEST_CONTEXT"]) delete env[key];
  return env;
}

export function startCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliProcess {
  const child = spawn(process.execPath, ["--import", "tsx", BIN, ...args], {
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

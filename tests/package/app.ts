/**
 * Stint as a user gets it: `npm pack` of this repository, installed with
 * `npm install ./stint-x.y.z.tgz` into a new app folder.
 *
 * The pack runs in a staging copy of the repository (its checkout files, with node_modules
 * linked), not in the repository itself: its prepack rebuilds dist/ from
 * scratch, and the dashboard tests running in parallel serve the repository's
 * dist/dashboard/. The staging copy also proves the build works from a clean checkout.
 *
 * Cost, kept small for CI: one build (prepack), one install from the npm cache
 * (--prefer-offline: packages already cached by the repository's own `npm ci` are not
 * fetched again), and no native compile: the install runs with --ignore-scripts and the
 * repository's already-built better-sqlite3 binary is copied into the app. Copying the
 * whole better-sqlite3 folder before the install does not work (npm keeps the folder but
 * does not install its dependencies, `bindings`), and letting its install script run
 * would download a prebuilt binary or compile for minutes. The binary fits only the same
 * better-sqlite3 version, which is checked.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { CliProcess, cleanEnv } from "../cli/helpers.js";

export const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/**
 * The files of a clean checkout with the working tree's changes: tracked and new files,
 * not what .gitignore leaves out (dist/, node_modules/, databases). The build type-checks
 * the dashboard's scripts, which import from tests/, so the whole tree is staged;
 * package.json `files` decides what ships.
 */
function checkoutFiles(): string[] {
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
}

export interface InstalledApp {
  /** The app folder: package.json (CommonJS, as `npm init` writes it) and node_modules/stint. */
  dir: string;
  tarball: string;
  /** Removes the staging copy and the app. */
  remove(): void;
}

/** Environment for commands in the app: no developer settings, no npm lifecycle variables of an outer `npm test`. */
export function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cleanEnv(extra);
  for (const key of Object.keys(env)) if (key.startsWith("npm_")) delete env[key];
  delete env.STINT_TESTING;
  return env;
}

export async function packAndInstall(): Promise<InstalledApp> {
  const work = mkdtempSync(join(tmpdir(), "stint-package-"));
  const remove = () => rmSync(work, { recursive: true, force: true });
  try {
    const staging = join(work, "staging");
    mkdirSync(staging);
    for (const file of checkoutFiles()) {
      // A file deleted in the working tree but not yet in git is listed and gone.
      if (!existsSync(join(ROOT, file))) continue;
      mkdirSync(dirname(join(staging, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(staging, file));
    }
    symlinkSync(join(ROOT, "node_modules"), join(staging, "node_modules"), "dir");
    // prepack's build prints to stdout too, so the tarball is found in its folder, not in `--json` output.
    const packDir = join(work, "pack");
    mkdirSync(packDir);
    await run("npm", ["pack", "--pack-destination", packDir], { cwd: staging, env: appEnv(), maxBuffer: 16 * 1024 * 1024 });
    const [filename] = readdirSync(packDir).filter((name) => name.endsWith(".tgz"));
    assert.ok(filename, "npm pack wrote no tarball");
    const tarball = join(packDir, filename);

    const dir = join(work, "app");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "stint-package-test-app", version: "1.0.0", private: true }, null, 2)}\n`);
    await run("npm", ["install", tarball, "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: dir, env: appEnv() });

    const version = (path: string) => (JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as { version: string }).version;
    const ours = join(ROOT, "node_modules", "better-sqlite3");
    const theirs = join(dir, "node_modules", "better-sqlite3");
    assert.equal(version(theirs), version(ours), "the app got another better-sqlite3 than the repository built: the copied binary would not fit");
    mkdirSync(join(theirs, "build", "Release"), { recursive: true });
    copyFileSync(join(ours, "build", "Release", "better_sqlite3.node"), join(theirs, "build", "Release", "better_sqlite3.node"));
    return { dir, tarball, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Runs a command in the app to its end; never rejects on a non-zero exit (the test asserts the code). */
export async function runIn(dir: string, command: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: dir, env: appEnv(env), timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === "number" ? failed.code : 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? String(error) };
  }
}

/** Starts a long-running command in the app (`npx stint dev`, the bin itself), output collected. */
export function startIn(dir: string, command: string, args: string[], env: Record<string, string> = {}): CliProcess {
  const child: ChildProcess = spawn(command, args, { cwd: dir, env: appEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  return new CliProcess(child);
}

/**
 * Whether a process still runs. Signal 0 checks without sending anything; an exited
 * orphan whose new parent does not reap it (PID 1 in some containers is no init) stays a
 * zombie, which signal 0 still finds, so Linux's /proc state Z counts as gone.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** Waits until the process is gone; false after `timeoutMs`. */
export async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

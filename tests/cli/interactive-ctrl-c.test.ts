/**
 * Ctrl-C in a real terminal while `stint trigger --watch` follows a task: the CLI asks
 * whether to abort. tmux provides the terminal (send-keys types, capture-pane reads).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { BIN, EXAMPLES_CONFIG, ROOT } from "./helpers.js";
import { createStint } from "../../src/stint.js";

const TMUX = ["/usr/bin/tmux", "/usr/local/bin/tmux"].find((path) => existsSync(path));
if (!TMUX) console.warn("\n*** SKIPPING the interactive Ctrl-C tests: tmux is not installed ***\n");

function tmux(...args: string[]): string {
  return execFileSync(TMUX!, args, { encoding: "utf8" });
}

async function screenShows(session: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const screen = tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", session);
    if (pattern.test(screen)) return screen;
    if (Date.now() > end) throw new Error(`the terminal never showed ${pattern}:\n${screen}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("stint trigger --watch in a terminal", { skip: !TMUX }, () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-tty-"));
  const sessions: string[] = [];
  after(() => {
    for (const session of sessions) {
      try {
        tmux("kill-session", "-t", session);
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function watchInTerminal(database: string): Promise<string> {
    const session = `stint-${randomBytes(4).toString("hex")}`;
    sessions.push(session);
    const command = [
      "cd", JSON.stringify(ROOT), "&&", JSON.stringify(process.execPath), "--import", "tsx", JSON.stringify(BIN),
      "trigger", "checksumDirectory", "--input", `'{"directory":"src"}'`, "--delay", "600", "--watch",
      "--config", JSON.stringify(EXAMPLES_CONFIG), "--database", JSON.stringify(`sqlite:${database}`),
      "; echo EXIT=$?; sleep 30",
    ].join(" ");
    tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50", command);
    await screenShows(session, /iteration 0/);
    tmux("send-keys", "-t", session, "C-c");
    await screenShows(session, /Abort task \w+\? Type y and Enter to abort/);
    return session;
  }

  async function storedStatus(database: string): Promise<string[]> {
    const stint = await createStint({ database: `sqlite:${database}`, useEnv: false });
    try {
      return (await stint.tasks.listTasks()).items.map((t) => t.taskStatus);
    } finally {
      await stint.close();
    }
  }

  it("aborts the task when the answer is y, and exits 1", async () => {
    const database = join(dir, "abort.db");
    const session = await watchInTerminal(database);
    tmux("send-keys", "-t", session, "y", "Enter");
    const screen = await screenShows(session, /EXIT=\d+/);
    assert.match(screen, /EXIT=1/);
    assert.match(screen, /Aborted after 0 iterations/);
    assert.deepEqual(await storedStatus(database), ["aborted"]);
  });

  it("leaves the task running when the answer is n, and exits 130", async () => {
    const database = join(dir, "leave.db");
    const session = await watchInTerminal(database);
    tmux("send-keys", "-t", session, "n", "Enter");
    const screen = await screenShows(session, /EXIT=\d+/);
    assert.match(screen, /EXIT=130/);
    assert.deepEqual(await storedStatus(database), ["pending"]);
  });
});

/**
 * `stint init` in a real terminal asks before replacing a script the app already has.
 * tmux provides the terminal (send-keys types, capture-pane reads).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN } from "./helpers.js";

const TMUX = ["/usr/bin/tmux", "/usr/local/bin/tmux"].find((path) => existsSync(path));
if (!TMUX) console.warn("\n*** SKIPPING the stint init terminal tests: tmux is not installed ***\n");
const TSX = import.meta.resolve("tsx");

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

describe("stint init in a terminal", { skip: !TMUX }, () => {
  const root = mkdtempSync(join(tmpdir(), "stint-init-tty-"));
  const sessions: string[] = [];
  after(() => {
    for (const session of sessions) {
      try {
        tmux("kill-session", "-t", session);
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("asks for each existing script; y replaces it, Enter alone keeps it", async () => {
    const dir = join(root, "app");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", scripts: { "stint:dev": "node a.js", "stint:worker": "node b.js" } }));
    const session = `stint-init-${randomBytes(4).toString("hex")}`;
    sessions.push(session);
    const command = ["cd", JSON.stringify(dir), "&&", JSON.stringify(process.execPath), "--import", JSON.stringify(TSX), JSON.stringify(BIN), "init", "; echo EXIT=$?; sleep 30"].join(" ");
    tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50", command);
    await screenShows(session, /already has "stint:dev": "node a\.js"\. Replace it with "stint dev"\? \[y\/N\]/);
    tmux("send-keys", "-t", session, "y", "Enter");
    await screenShows(session, /already has "stint:worker": "node b\.js"\. Replace it with "stint worker"\? \[y\/N\]/);
    tmux("send-keys", "-t", session, "Enter");
    const screen = await screenShows(session, /EXIT=\d+/);
    assert.match(screen, /EXIT=0/);
    assert.match(screen, /Kept the existing "stint:worker" script in package\.json \(you said no\)/);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts, { "stint:dev": "stint dev", "stint:worker": "node b.js" });
    assert.ok(existsSync(join(dir, "stint.config.ts")));
  });
});

/**
 * The static folder (`--static-dir`, `staticDir`) serves the dashboard build and nothing
 * else that lies there: no dotfiles or dot-folders (`.env`, `.stint/stint.db`, `.git/`),
 * nothing a symlink leads to outside the folder, and pages with their security headers.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawRequest } from "./helpers.js";
import { withBareServer } from "./bare-server.js";

const INLINE_SCRIPT = "window.stintBoot = 1;";
const INLINE_STYLE = "body { margin: 0; }";
const INDEX = `<!doctype html><html><head><style>${INLINE_STYLE}</style><script type="module" src="./app.js"></script></head>
<body><script>${INLINE_SCRIPT}</script></body></html>`;

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}

describe("static folder", () => {
  let root: string;
  let site: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "stint-static-"));
    site = join(root, "site");
    mkdirSync(join(site, ".stint"), { recursive: true });
    mkdirSync(join(site, ".git"));
    mkdirSync(join(site, "assets", ".cache"), { recursive: true });
    writeFileSync(join(site, "index.html"), INDEX);
    writeFileSync(join(site, "app.js"), "console.log(1)");
    writeFileSync(join(site, "assets", "logo.svg"), "<svg/>");
    writeFileSync(join(site, "assets", ".cache", "x.js"), "secret");
    writeFileSync(join(site, ".env"), "DATABASE_PASSWORD=hunter2");
    writeFileSync(join(site, ".stint", "stint.db"), "SQLite format 3");
    writeFileSync(join(site, ".git", "config"), "[core]");
    writeFileSync(join(root, "outside.txt"), "outside the folder");
    symlinkSync("/etc/passwd", join(site, "passwd"));
    symlinkSync("/etc", join(site, "etc"));
    symlinkSync("../outside.txt", join(site, "outside.txt"));
    symlinkSync(".env", join(site, "env.txt"));
    symlinkSync("app.js", join(site, "alias.js"));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("never serves a path with a segment starting with a dot", async () => {
    await withBareServer({ staticDir: site }, async (_, origin) => {
      for (const path of ["/.env", "/.stint/stint.db", "/.git/config", "/%2eenv", "/%2Estint/stint.db", "/assets/.cache/x.js", "/.stint/"]) {
        for (const method of ["GET", "HEAD"]) {
          const answer = await rawRequest(`${origin}${path}`, { method });
          assert.equal(answer.status, 404, `${method} ${path}`);
          assert.doesNotMatch(answer.body, /hunter2|SQLite|\[core\]|secret/);
        }
      }
    });
  });

  it("never follows a symlink out of the folder, nor onto a dotfile in it", async () => {
    await withBareServer({ staticDir: site }, async (_, origin) => {
      for (const path of ["/passwd", "/etc/passwd", "/etc/hostname", "/outside.txt", "/env.txt"]) {
        const answer = await rawRequest(`${origin}${path}`, { method: "GET" });
        assert.equal(answer.status, 404, path);
        assert.doesNotMatch(answer.body, /root:|outside the folder|hunter2/);
      }
      for (const path of ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/..%5c..%5cetc%5cpasswd"]) {
        assert.equal((await rawRequest(`${origin}${path}`, { method: "GET" })).status, 404, path);
      }
      // A link to a file inside the folder is served.
      const alias = await fetch(`${origin}/alias.js`);
      assert.equal(alias.status, 200);
      assert.equal(await alias.text(), "console.log(1)");
    });
  });

  it("serves a folder reached through a symlink (the folder's own real path is the limit)", async () => {
    const linked = join(root, "linked-site");
    symlinkSync(site, linked);
    await withBareServer({ staticDir: linked }, async (_, origin) => {
      assert.equal((await fetch(`${origin}/app.js`)).status, 200);
      assert.equal((await fetch(`${origin}/.env`)).status, 404);
      assert.equal((await fetch(`${origin}/passwd`)).status, 404);
    });
  });

  it("sends pages with a CSP that allows their inline blocks by hash only, and no framing", async () => {
    await withBareServer({ staticDir: site }, async (_, origin) => {
      const page = await fetch(`${origin}/`);
      assert.equal(page.status, 200);
      assert.equal(await page.text(), INDEX);
      const csp = page.headers.get("content-security-policy") ?? "";
      const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      assert.deepEqual(directives.get("script-src"), ["'self'", sha256(INLINE_SCRIPT)]);
      assert.deepEqual(directives.get("style-src"), ["'self'", sha256(INLINE_STYLE)]);
      assert.deepEqual(directives.get("frame-ancestors"), ["'none'"]);
      assert.deepEqual(directives.get("object-src"), ["'none'"]);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(page.headers.get("x-frame-options"), "DENY");
      assert.equal(page.headers.get("x-content-type-options"), "nosniff");
      assert.equal(page.headers.get("referrer-policy"), "no-referrer");

      const asset = await fetch(`${origin}/assets/logo.svg`);
      assert.equal(asset.status, 200);
      assert.equal(asset.headers.get("content-type"), "image/svg+xml");
      assert.equal(asset.headers.get("x-content-type-options"), "nosniff");
      assert.equal(asset.headers.get("x-frame-options"), "DENY");
      const head = await rawRequest(`${origin}/index.html`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.body, "");
      assert.equal(head.headers["content-length"], String(Buffer.byteLength(INDEX)));
      assert.match(String(head.headers["content-security-policy"]), /script-src 'self' 'sha256-/);
    });
  });
});

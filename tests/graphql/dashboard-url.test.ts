import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStint } from "../../src/stint.js";

describe("the server's dashboard", () => {
  it("serves a static folder at / and says where, beside the API", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stint-static-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>dash</title>");
    const stint = await createStint({ database: "sqlite::memory:", useEnv: false });
    try {
      const server = await stint.startServer({ port: 0, staticDir: dir, env: {} });
      assert.equal(server.dashboardUrl, new URL("/", server.url).href);
      assert.match(server.url, /\/graphql$/);
      const page = await fetch(server.dashboardUrl!);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>dash<\/title>/);
    } finally {
      await stint.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

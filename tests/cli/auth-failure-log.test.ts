/**
 * `stint serve` writes failed authentications to its own log (pino JSON lines when stdout is
 * not a terminal), with the client's address and the reason, never the key that was tried.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCli, writeHelloConfig } from "./helpers.js";

describe("stint serve logs failed authentications", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-authlog-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("as a warn line naming the address and reason, without the key tried", async () => {
    const config = writeHelloConfig(dir);
    const cli = startCli(["serve", "--config", config, "--port", "0", "--database", `sqlite:${join(dir, "stint.db")}`], {
      cwd: dir,
      env: { STINT_API_KEYS: "the-real-key-0123456789:rwd" },
    });
    try {
      const [url] = await cli.waitForOutput(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
      const tried = "wrong-key-abcdefghijkl";
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tried}` },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      await response.arrayBuffer(); // a wrong key is answered like no key: inside the envelope
      const [line] = await cli.waitForOutput(/^.*authentication failed.*$/m);
      const record = JSON.parse(line) as Record<string, unknown>;
      assert.equal(record.level, 40, "logged at warn");
      assert.equal(record.failures, 1);
      assert.equal(typeof record.address, "string");
      assert.equal(typeof record.reason, "string");
      assert.ok(!cli.stdout.includes(tried.slice(0, 8)) && !cli.stderr.includes(tried.slice(0, 8)), "the tried key is never printed");
      assert.ok(!cli.stderr.includes("authentication failed"), "not on console.warn");
    } finally {
      cli.kill("SIGTERM");
      await cli.exited(20_000);
    }
  });
});

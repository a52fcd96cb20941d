/**
 * An IPv6 loopback host, bracketed (`[::1]`, as in a URL) or not, works for `serve` and
 * `dev`: they listen on ::1 and print a URL that answers.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { startCli, writeHelloConfig, type CliProcess } from "./helpers.js";

/** A machine (a container) may have no IPv6 loopback at all: then there is nothing to test. */
async function hasIpv6Loopback(): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once("error", () => resolve(false));
    probe.listen(0, "::1", () => probe.close(() => resolve(true)));
  });
}
const ipv6 = await hasIpv6Loopback();

describe("an IPv6 loopback host works for serve and dev, with or without brackets", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-ipv6-"));
  const config = writeHelloConfig(dir);
  const running: CliProcess[] = [];
  after(async () => {
    for (const cli of running) {
      cli.kill("SIGTERM");
      await cli.exited(20_000).catch(() => cli.kill("SIGKILL"));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [command, host] of [["serve", "[::1]"], ["serve", "::1"], ["dev", "[::1]"]] as const) {
    it(`${command} --host ${host}: listens on ::1 and prints a URL that answers`, { skip: ipv6 ? false : "no IPv6 loopback on this machine" }, async () => {
      const cli = startCli([command, "--config", config, "--host", host, "--port", "0", "--database", `sqlite:${join(dir, `${command}.db`)}`], { cwd: dir });
      running.push(cli);
      const [url] = await cli.waitForOutput(/http:\/\/\[::1\]:\d+\/graphql/);
      const health = await fetch(url.replace("/graphql", "/healthz"));
      assert.equal(health.status, 200);
      cli.kill("SIGTERM");
      const result = await cli.exited(20_000);
      assert.equal(result.code, 0, result.stderr);
    });
  }
});

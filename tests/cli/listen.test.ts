/**
 * `serve` and `dev` that cannot listen where they were told (a port in use, an unknown
 * host, an address not of this machine) fail with one line and exit 2 before touching the store.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertUsageError, runCli, writeHelloConfig } from "./helpers.js";

describe("serve and dev fail before touching the store when they cannot listen", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-listen-"));
  const config = writeHelloConfig(dir);
  let taken: Server;
  after(async () => {
    await new Promise((resolve) => taken?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("a port in use: names it and where it was set; no store", async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    for (const command of ["serve", "dev"]) {
      const result = await runCli([command, "--config", config, "--port", String(port)], { cwd: dir });
      assertUsageError(result, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: port ${port} \\(from --port\\) is already in use`));
    }
    assert.deepEqual(readdirSync(dir), ["stint.config.ts"]);
  });

  it("an unknown host, or an address not of this machine: no store", async () => {
    const env = { STINT_API_KEYS: "0123456789abcdef0123456789abcdef:rwd" }; // without keys a non-loopback host is refused earlier, for another reason
    const unknown = await runCli(["serve", "--config", config, "--host", "no-such-host.invalid", "--port", "0"], { cwd: dir, env });
    assertUsageError(unknown, /cannot listen on no-such-host\.invalid:0: unknown host "no-such-host\.invalid" \(from --host\)/);
    const foreign = await runCli(["serve", "--config", config, "--port", "0"], { cwd: dir, env: { ...env, STINT_HOST: "192.0.2.1" } });
    assertUsageError(foreign, /cannot listen on 192\.0\.2\.1:0: "192\.0\.2\.1" \(from STINT_HOST\) is not an address of this machine/);
    assert.deepEqual(readdirSync(dir), ["stint.config.ts"]);
  });
});

/**
 * A refused setting is named where the user set it (flag, environment variable or config
 * file), and is refused before the store is opened: nothing is created.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertUsageError, runCli } from "./helpers.js";

describe("settings from the environment, flags and the config file", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-sources-"));
  const config = join(dir, "stint.config.mjs");
  const badPortConfig = join(dir, "bad-port.config.mjs");
  writeFileSync(config, "export default { definitions: [] };\n");
  writeFileSync(badPortConfig, 'export default { definitions: [], server: { port: "http" } };\n');
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: { name: string; args: string[]; env?: Record<string, string>; error: RegExp }[] = [
    {
      name: "STINT_PORT",
      args: ["serve"],
      env: { STINT_PORT: "abc" },
      error: /^stint: STINT_PORT must be a whole number from 0 to 65535, got "abc"$/,
    },
    { name: "--port", args: ["serve", "--port", "99999"], error: /^stint: --port must be a whole number from 0 to 65535, got "99999"$/ },
    {
      name: "server.port in the config file",
      args: ["serve", "--config", badPortConfig],
      error: /^stint: `server\.port` in bad-port\.config\.mjs must be a whole number from 0 to 65535, got "http"$/,
    },
    {
      name: "STINT_HOST",
      args: ["serve", "--port", "0"],
      env: { STINT_HOST: "0.0.0.0" },
      error: /^stint: Invalid STINT_HOST: refusing to listen on "0\.0\.0\.0" without an API key: .* \[INVALID_ARGUMENT\]$/,
    },
    {
      name: "--host (dev)",
      args: ["dev", "--port", "0", "--host", "0.0.0.0"],
      error: /^stint: Invalid --host: refusing to listen on "0\.0\.0\.0" without an API key/,
    },
    {
      name: "STINT_API_KEYS",
      args: ["serve", "--port", "0"],
      env: { STINT_API_KEYS: "no-permissions" },
      error: /^stint: Invalid STINT_API_KEYS: entry 1 must look like "key:rwd" \[INVALID_ARGUMENT\]$/,
    },
    {
      name: "STINT_DATABASE_URL",
      args: ["tasks"],
      env: { STINT_DATABASE_URL: "mysql://root:secret@localhost/db" },
      error: /^stint: STINT_DATABASE_URL: Unsupported database URL "mysql:\/\/root:\*\*\*@localhost\/db": .*\[INVALID_DATABASE_URL\]$/,
    },
    {
      name: "STINT_LOG_LEVEL",
      args: ["worker"],
      env: { STINT_LOG_LEVEL: "loud" },
      error: /^stint: STINT_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "loud"$/,
    },
  ];

  it("each refusal names its source, exits 2 and creates no store", async () => {
    const results = await Promise.all(
      cases.map(({ args, env }, index) =>
        runCli([...args, ...(args.includes("--config") ? [] : ["--config", config]), ...(env?.STINT_DATABASE_URL ? [] : ["--database", `sqlite:${join(dir, `store-${index}.db`)}`])], {
          cwd: dir,
          env,
          timeoutMs: 30_000,
        }),
      ),
    );
    results.forEach((result, index) => assert.doesNotThrow(() => assertUsageError(result, cases[index].error), cases[index].name));
    assert.deepEqual(readdirSync(dir).sort(), ["bad-port.config.mjs", "stint.config.mjs"]);
  });
});

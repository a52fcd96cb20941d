/**
 * The CLI creates nothing it refuses: a trigger refused for its input, name or delay, a
 * server that cannot listen where it was told, and a path that holds something other
 * than a Stint store all fail with one line and exit 2, before any store is created or
 * changed. Also: an IPv6 loopback host, bracketed or not, and a config that never
 * finishes loading.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { assertUsageError, EXAMPLES_CONFIG, runCli, startCli, writeHelloConfig, type CliProcess } from "./helpers.js";

const TASK_ID = "0123456789abcdef01234567";

describe("a refused trigger creates no store", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-refused-"));
  const config = writeHelloConfig(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));

  // The default store is ./.stint/stint.db in the working directory: neither may appear.
  const cases: [string, string[], RegExp][] = [
    ["an input the zod schema refuses", ["--input", '{"name":42}'], /Validation failed\. \(name: .*\) \[VALIDATION_FAILED_INVALID_FIELDS\]/],
    ["a NUL in the input", ["--input", '{"name":"a\\u0000b"}'], /input.*NUL character.*\[INVALID_ARGUMENT\]/],
    ["a negative delay", ["--input", '{"name":"Ada"}', "--delay", "-1"], /\[INVALID_DELAY\]|delay/i],
    ["a delay that is not a number", ["--input", '{"name":"Ada"}', "--delay", "soon"], /delay/i],
    ["a delay past the maximum", ["--input", '{"name":"Ada"}', "--delay", String(400 * 86_400)], /355 days|MAX_DELAY|delay/i],
  ];
  for (const [name, args, pattern] of cases) {
    it(`${name}: exit 2, one line, and no .stint folder or file`, async () => {
      const result = await runCli(["trigger", "helloWorld", ...args, "--config", config], { cwd: dir });
      assertUsageError(result, pattern);
      assert.deepEqual(readdirSync(dir), ["stint.config.ts"]);
    });
  }

  it("an accepted trigger then creates the store", async () => {
    const result = await runCli(["trigger", "helloWorld", "--input", '{"name":"Ada"}', "--config", config], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(join(dir, ".stint", "stint.db")));
  });
});

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
    const env = { STINT_API_KEYS: "k1:rwd" }; // without keys a non-loopback host is refused earlier, for another reason
    const unknown = await runCli(["serve", "--config", config, "--host", "no-such-host.invalid", "--port", "0"], { cwd: dir, env });
    assertUsageError(unknown, /cannot listen on no-such-host\.invalid:0: unknown host "no-such-host\.invalid" \(from --host\)/);
    const foreign = await runCli(["serve", "--config", config, "--port", "0"], { cwd: dir, env: { ...env, STINT_HOST: "192.0.2.1" } });
    assertUsageError(foreign, /cannot listen on 192\.0\.2\.1:0: "192\.0\.2\.1" \(from STINT_HOST\) is not an address of this machine/);
    assert.deepEqual(readdirSync(dir), ["stint.config.ts"]);
  });
});

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
    it(`${command} --host ${host}: listens on ::1 and prints a URL that answers`, async () => {
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

describe("every command that opens a store refuses a path that holds no Stint store, and leaves it as it was", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-foreign-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const appDb = join(dir, "app.db");
  const db = new Database(appDb);
  db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY)");
  db.close();
  const appBytes = readFileSync(appDb);
  const folder = join(dir, "folder");
  mkdirSync(folder);
  const text = join(dir, "notes.txt");
  writeFileSync(text, "not a database\n".repeat(100));

  const targets: [string, string, RegExp][] = [
    ["another application's SQLite database", appDb, /a SQLite database without Stint's tables/],
    ["/etc/passwd", "/etc/passwd", /not a SQLite database/],
    ["a text file", text, /not a SQLite database/],
    ["a directory", folder, /a directory/],
  ];
  const commands: [string, string[]][] = [
    ["migrate", ["migrate"]],
    ["trigger", ["trigger", "importCsv", "--input", '{"file":"x.csv"}', "--config", EXAMPLES_CONFIG]],
    ["worker", ["worker", "--config", EXAMPLES_CONFIG]],
    ["serve", ["serve", "--config", EXAMPLES_CONFIG, "--port", "0"]],
    ["dev", ["dev", "--config", EXAMPLES_CONFIG, "--port", "0"]],
    ["tasks", ["tasks"]],
    ["logs", ["logs", TASK_ID]],
    ["abort", ["abort", TASK_ID]],
  ];
  // Every command against one kind of path (rotating), and migrate against all of them.
  const runs = [
    ...commands.map(([name, args], i) => [name, args, targets[i % targets.length]] as const),
    ...targets.slice(1).map((target) => ["migrate", ["migrate"], target] as const),
  ];
  for (const [name, args, [what, path, reason]] of runs) {
    it(`${name}: ${what}`, async () => {
      const result = await runCli([...args, "--database", `sqlite:${path}`], { cwd: dir });
      assertUsageError(result, new RegExp(`No Stint database at ${escape(path)} \\(${reason.source}; sqlite:${escape(path)}, from --database\\); check --database \\[STORE_NOT_FOUND\\]`));
      assert.deepEqual(readFileSync(appDb), appBytes, "the other application's database is unchanged");
      assert.deepEqual(readdirSync(dir).sort(), ["app.db", "folder", "notes.txt"], "no -wal, -shm or new file");
      assert.deepEqual(readdirSync(folder), []);
    });
  }
});

describe("a config that never finishes loading", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-config-hang-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, body] of [
    ["a top-level await on a promise that never settles", "await new Promise(() => {});"],
    ["one that also keeps a timer running", "await new Promise(() => setInterval(() => {}, 1000));"],
  ]) {
    it(`${name}: times out with one line naming the file and the setting, exit 2`, async () => {
      const config = join(dir, "stint.config.mjs");
      writeFileSync(config, `${body}\nexport default { definitions: [] };\n`);
      const result = await runCli(["definitions"], { cwd: dir, env: { STINT_CONFIG_TIMEOUT_MS: "300" } });
      assertUsageError(result, /Config file ".*stint\.config\.mjs" is invalid: it did not finish loading within 300 ms .*STINT_CONFIG_TIMEOUT_MS sets the limit \[CONFIG_INVALID\]/);
    });
  }

  it("refuses a timeout that is not a whole number above 0", async () => {
    writeFileSync(join(dir, "stint.config.mjs"), "export default { definitions: [] };\n");
    const result = await runCli(["definitions"], { cwd: dir, env: { STINT_CONFIG_TIMEOUT_MS: "soon" } });
    assertUsageError(result, /STINT_CONFIG_TIMEOUT_MS must be a whole number of milliseconds above 0, got "soon"/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommanderError } from "commander";
import { resolveCliOptions } from "../../src/cli/options.js";
import { findConfigFile, loadConfig } from "../../src/cli/load-config.js";
import { describeError, exitCodeFor, UsageError } from "../../src/cli/errors.js";
import { formatAge, formatTable } from "../../src/cli/output.js";
import { renderProgressBar } from "../../src/cli/progress-bar.js";
import { formatPretty } from "../../src/cli/logger.js";
import { graphqlLiteral, shellQuote } from "../../src/cli/dev-banner.js";
import { Errors } from "../../src/domain/errors.js";
import { markUserError } from "../../src/service/user-error.js";
import { EXAMPLES_CONFIG } from "./helpers.js";

describe("CLI settings merge defaults, then the config file, then the environment, then flags", () => {
  it("uses the defaults when nothing is given", () => {
    const options = resolveCliOptions({}, {}, {});
    assert.equal(options.database, "sqlite:./.stint/stint.db");
    assert.deepEqual([options.server.port, options.server.host], [4000, "127.0.0.1"]);
  });

  it("lets the file override defaults, the environment the file, and flags everything", () => {
    const config = { database: "sqlite:file.db", server: { port: 5000 }, worker: { concurrency: 3 } };
    assert.equal(resolveCliOptions(config, {}, {}).database, "sqlite:file.db");
    const env = { STINT_DATABASE_URL: "sqlite:env.db", STINT_PORT: "6000" };
    assert.deepEqual(pick(resolveCliOptions(config, {}, env)), ["sqlite:env.db", 6000, 3]);
    assert.deepEqual(pick(resolveCliOptions(config, { database: "sqlite::memory:", port: "0", concurrency: "7" }, env)), ["sqlite::memory:", 0, 7]);
  });

  it("refuses a bad database URL or port before anything is opened", () => {
    assert.throws(() => resolveCliOptions({}, { database: "redis://x" }, {}), { code: "INVALID_DATABASE_URL" });
    assert.throws(() => resolveCliOptions({}, { port: "http" }, {}), UsageError);
  });

  it("remembers where each value came from and names that place when it refuses one", () => {
    const config = { database: "sqlite:file.db", server: { port: 5000 } };
    const configPath = join(process.cwd(), "stint.config.ts");
    assert.deepEqual(resolveCliOptions({}, {}, {}).sources, { database: "the default", port: "the default", host: "the default" });
    assert.deepEqual(resolveCliOptions(config, { host: "localhost" }, { STINT_DATABASE_URL: "sqlite:env.db" }, configPath).sources, {
      database: "STINT_DATABASE_URL",
      port: "`server.port` in stint.config.ts",
      host: "--host",
    });
    assert.throws(() => resolveCliOptions({}, {}, { STINT_PORT: "abc" }), { message: 'STINT_PORT must be a whole number from 0 to 65535, got "abc"' });
    assert.throws(() => resolveCliOptions({}, { port: "" }, {}), { message: '--port must be a whole number from 0 to 65535, got ""' });
    assert.throws(() => resolveCliOptions({ server: { port: -1 } }, {}, {}, configPath), /^UsageError: `server\.port` in stint\.config\.ts must be/);
    assert.throws(() => resolveCliOptions({ database: "redis://x" }, {}, {}, configPath), {
      code: "INVALID_DATABASE_URL",
      message: /^`database` in stint\.config\.ts: Unsupported database URL "redis:\/\/x"/,
    });
  });

  function pick(options: ReturnType<typeof resolveCliOptions>) {
    return [options.database, options.server.port, options.worker.concurrency];
  }
});

describe("config loading", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("loads a TypeScript config without a build step", async () => {
    const { path, config } = await loadConfig(EXAMPLES_CONFIG);
    assert.equal(path, EXAMPLES_CONFIG);
    assert.deepEqual(config.definitions?.map((d) => d.id), ["importCsv", "checksumTree", "checksumDirectory"]);
  });

  it("finds stint.config.ts, .js or .mjs in the working directory, or nothing", () => {
    assert.equal(findConfigFile(undefined, dir), null);
    writeFileSync(join(dir, "stint.config.mjs"), "export default { database: 'sqlite::memory:' };\n");
    assert.equal(findConfigFile(undefined, dir), join(dir, "stint.config.mjs"));
  });

  it("refuses a config whose definitions are not definitions", async () => {
    writeFileSync(join(dir, "bad-defs.config.mjs"), "export default { definitions: [{ run() {} }] };\n");
    await assert.rejects(loadConfig(join(dir, "bad-defs.config.mjs")), /definitions\[0\] is not a task definition/);
  });
});

describe("CLI errors", () => {
  it("maps bad input to exit code 2 and failures to 1", () => {
    assert.equal(exitCodeFor(new UsageError("x")), 2);
    assert.equal(exitCodeFor(Errors.definitionNotFound("x")), 2);
    assert.equal(exitCodeFor(new CommanderError(1, "commander.unknownCommand", "error: unknown command 'x'")), 2);
    assert.equal(exitCodeFor(Errors.storageUnavailable("down")), 1);
    assert.equal(exitCodeFor(new Error("boom")), 1);
  });

  it("treats an error thrown by the definition's onBeforeTrigger as refused input (exit 2), showing its code", () => {
    const veto = Object.assign(new Error("Quota reached."), { code: "QUOTA_EXCEEDED" });
    assert.equal(exitCodeFor(veto), 1, "not marked: any error");
    markUserError(veto);
    assert.equal(exitCodeFor(veto), 2);
    assert.equal(describeError(veto), "Quota reached. [QUOTA_EXCEEDED]");
    const plain = new Error("Not today.");
    markUserError(plain);
    assert.equal(describeError(plain), "Not today.");
  });

  it("words every error as one line", () => {
    assert.equal(describeError(new CommanderError(1, "c", "error: unknown command 'x'\n(Did you mean y?)")), "unknown command 'x' (Did you mean y?)");
    assert.equal(describeError(Errors.taskNotFound("abc")), 'Task "abc" was not found! [NOT_FOUND]');
  });
});

describe("output", () => {
  it("renders a progress bar with percent, counts and the iteration", () => {
    assert.equal(renderProgressBar({ done: 50, total: 200, message: "50 rows" }, 3, 10), "[###-------]  25% 50/200, iteration 3 50 rows");
    assert.equal(renderProgressBar(null, 0, 4), "[    ] iteration 0");
    assert.equal(renderProgressBar({ done: 7 }, 1, 4), "[~~~~] 7 done, iteration 1");
  });

  it("aligns table columns and shows ages briefly", () => {
    assert.equal(formatTable(["ID", "STATUS"], [["a", "success"], ["bbb", "failed"]]), "ID   STATUS\na    success\nbbb  failed");
    assert.equal(formatAge(new Date(0), 90_000), "1m");
    assert.equal(formatAge(new Date(0), 3 * 86_400_000), "3d");
  });

  it("quotes printed commands for a shell and writes example inputs as GraphQL literals", () => {
    assert.equal(shellQuote("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    assert.equal(shellQuote("postgres://u@h/db?schema=a&x=1"), "'postgres://u@h/db?schema=a&x=1'");
    assert.equal(shellQuote(`{"name":"O'Hara"}`), `'{"name":"O'\\''Hara"}'`);
    assert.equal(graphqlLiteral({ directories: ["src", "examples"], n: 2, ok: true }), '{ directories: ["src", "examples"], n: 2, ok: true }');
    assert.equal(graphqlLiteral({ "not-a-name": 1 }), null);
  });

  it("turns a pino JSON record into one readable line", () => {
    const line = formatPretty(JSON.stringify({ level: 30, time: 0, name: "stint", pid: 1, msg: "task succeeded", id: "t1", iterations: 2 }));
    assert.match(line, /^\d\d:\d\d:\d\d INFO {2}task succeeded id=t1 iterations=2\n$/);
  });
});

/**
 * The published package, installed into a new app the way a user installs it (see app.ts):
 * what the tarball carries and exports, ESM and CommonJS scripts that run a task, the
 * `stint` bin (help, init, dev serving the dashboard), the types of both definition
 * styles, and the signal path of the bin under npx and run directly.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gone, packAndInstall, ROOT, runIn, startIn, type InstalledApp } from "./app.js";

const ESM_SCRIPT = `import { createStint, createTaskDefinition } from "stint";
import { createTestStint } from "stint/testing";

const hello = createTaskDefinition({
  id: "hello",
  title: "Hello",
  run: async ({ input, response }) => response.done({ greeting: "hello " + input.name }),
});
const stint = await createStint({ database: "sqlite::memory:", definitions: [hello], useEnv: false });
const worker = await stint.startWorker();
const finished = new Promise((resolve) => worker.events.once("task:done", resolve));
const task = await stint.tasks.trigger({ definition: hello, input: { name: "esm" } });
await finished;
const stored = await stint.tasks.getTask(task.id);
await stint.close();
const test = await createTestStint({ definitions: [hello] });
const tested = await test.runTask({ definition: hello, input: { name: "testing" } });
await test.close();
console.log(JSON.stringify({ status: stored.taskStatus, output: stored.output, tested: tested.output }));
`;

const CJS_SCRIPT = `const { createStint, createTaskDefinition, StintError, isStintError } = require("stint");
const { createSqliteStorage } = require("stint/sqlite");
const { createPostgresStorage } = require("stint/postgres");
const { createTestStint, runStorageContract } = require("stint/testing");

const hello = createTaskDefinition({
  id: "hello",
  title: "Hello",
  run: async ({ input, response }) => response.done({ greeting: "hello " + input.name }),
});
(async () => {
  const stint = await createStint({ database: "sqlite::memory:", definitions: [hello], useEnv: false });
  const worker = await stint.startWorker();
  const finished = new Promise((resolve) => worker.events.once("task:done", resolve));
  const task = await stint.tasks.trigger({ definition: hello, input: { name: "cjs" } });
  await finished;
  const stored = await stint.tasks.getTask(task.id);
  // An error thrown by the library is the class this script required: one module instance
  // whether loaded by require() or import(), so no dual-package hazard.
  let caught;
  try {
    await stint.tasks.trigger({ definition: "nope" });
  } catch (error) {
    caught = error;
  }
  await stint.close();
  const imported = await import("stint");
  console.log(JSON.stringify({
    status: stored.taskStatus,
    output: stored.output,
    instanceOfRequired: caught instanceof StintError,
    isStintError: isStintError(caught),
    sameClass: imported.StintError === StintError,
    entryPoints: [typeof createSqliteStorage, typeof createPostgresStorage, typeof createTestStint, typeof runStorageContract],
  }));
})();
`;

/** Both definition styles, type-checked against the installed package's declarations. */
const TYPES_CHECK = `import { createStint, createTaskDefinition, defineConfig, isStintError, TaskDefinition, type Task } from "stint";
import { createPostgresStorage } from "stint/postgres";
import { createSqliteStorage } from "stint/sqlite";
import { createTestStint, runStorageContract, type ContractTestApi } from "stint/testing";

const resize = createTaskDefinition<{ images: string[]; done?: number }, { resized: number }>({
  id: "resizeImages",
  title: "Resize images",
  createInputValidation: ({ validator }) => ({ images: validator.array(validator.string()) }),
  run: async ({ input, response, isCloseToTimeout }) => {
    let done = input.done ?? 0;
    for (; done < input.images.length; done++) if (isCloseToTimeout()) return response.continue({ done });
    return response.done({ resized: done });
  },
});

class ImportCsv implements TaskDefinition.Interface<{ file: string; offset?: number }, { rows: number }> {
  id = "importCsv";
  title = "Import a CSV file";
  async run({ input, controller }: TaskDefinition.RunParams<{ file: string; offset?: number }, { rows: number }>) {
    return controller.response.done({ rows: input.offset ?? 0 });
  }
}
const importCsv = TaskDefinition.createImplementation({ implementation: ImportCsv, dependencies: [] });

export default defineConfig({ definitions: [resize, importCsv] });

export async function main(): Promise<string> {
  const stint = await createStint({ definitions: [resize, importCsv] });
  const task: Task = await stint.tasks.trigger({ definition: resize, input: { images: ["a.png"] } });
  // @ts-expect-error: the input type of the definition is checked
  await stint.tasks.trigger({ definition: resize, input: { images: [1] } });
  const test = await createTestStint({ definitions: [importCsv] });
  await test.close();
  void createSqliteStorage;
  void createPostgresStorage;
  void isStintError;
  return task.id;
}

/** A user's own adapter under vitest or jest: their test functions, one store per case. */
export function contractUnder(api: ContractTestApi): void {
  runStorageContract({
    name: "sqlite",
    ...api,
    async createStore() {
      const adapter = createSqliteStorage({ filename: ":memory:" });
      await adapter.migrate();
      return { adapter, cleanup: () => adapter.close() };
    },
  });
}
`;

/** The storage contract from the installed stint/testing, on its own SQLite adapter, under node --test. */
const CONTRACT_TEST = `import { runStorageContract } from "stint/testing";
import { createSqliteStorage } from "stint/sqlite";

runStorageContract({
  name: "sqlite",
  // The 100,000-task cases run in the repository's own contract files; here the installed
  // copy is checked to run, at a size that keeps this test short.
  largeCount: 2000,
  async createStore() {
    const adapter = createSqliteStorage({ filename: ":memory:" });
    await adapter.migrate();
    return { adapter };
  },
});
`;

/**
 * A config with one task that runs until it is stopped: `run()` returns only when its
 * AbortSignal fires, or never (`ignoreAbort`), so a shutdown has an iteration in flight.
 */
const SIGNALS_CONFIG = `import { createTaskDefinition, defineConfig } from "stint";

const slow = createTaskDefinition<{ ignoreAbort?: boolean }>({
  id: "slow",
  title: "Runs until stopped",
  run: ({ input, response, signal }) =>
    new Promise((resolve) => {
      if (!input.ignoreAbort) signal.addEventListener("abort", () => resolve(response.continue({})));
    }),
});

export default defineConfig({
  definitions: [slow],
  // A lease far longer than the tests: a task another worker runs was handed back, not lapsed.
  worker: { pollIntervalMs: 100, leaseMs: 600_000, shutdownTimeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 30000), graceMs: 200 },
});
`;

// One pack and one install for the whole file (they are most of its cost); the suite's own
// timeout, since the runner's default per test (120 s) would also bound this whole file.
let app: InstalledApp;

describe("stint, packed and installed", { timeout: 900_000 }, () => {
  before(async () => {
    app = await packAndInstall();
  }, { timeout: 600_000 });
  after(() => app?.remove());

  describe("the package, installed into an app", () => {

    it("carries dist/ with types, the bin, the dashboard build and the SQL; no tests, sources, source maps or bench", () => {
      const files = execFileSync("tar", ["-tzf", app.tarball], { encoding: "utf8" }).trim().split("\n").map((f) => f.replace(/^package\//, ""));
      for (const file of [
        "package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/cli/bin.js", "dist/testing/index.d.ts",
        "dist/storage/sqlite/index.js", "dist/storage/postgres/index.d.ts", "dist/dashboard/index.html", "dist/graphiql/index.html", "dist/sql/postgres/0001_init.sql",
        "dist/sql/sqlite/0001_init.sql", "docs/config.md", "docs/deployment.md", "docs/metrics.md", "docs/grafana-dashboard.json",
      ]) {
        assert.ok(files.includes(file), `${file} is missing from the tarball`);
      }
      const unwanted = files.filter((f) => /\.map$|\.tsbuildinfo$|^src\/|^tests?\/|^bench\/|\.test\.|^examples\//.test(f));
      assert.deepEqual(unwanted, []);
      const pkg = JSON.parse(readFileSync(join(app.dir, "node_modules", "stint", "package.json"), "utf8"));
      assert.equal(pkg.private, undefined);
      assert.equal(pkg.bin.stint, "./dist/cli/bin.js");
    });

    it("passes publint (strict) and arethetypeswrong on the tarball", async () => {
      const result = await runIn(ROOT, process.execPath, [join(ROOT, "scripts", "check-package.mjs"), app.tarball]);
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /publint: all good/);
    });

    it("runs a task from an ESM script (and stint/testing)", async () => {
      writeFileSync(join(app.dir, "run-esm.mjs"), ESM_SCRIPT);
      const result = await runIn(app.dir, process.execPath, ["run-esm.mjs"]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { status: "success", output: { greeting: "hello esm" }, tested: { greeting: "hello testing" } });
    });

    it("runs a task from a CommonJS script with require(), one module instance shared with import()", async () => {
      writeFileSync(join(app.dir, "run-cjs.cjs"), CJS_SCRIPT);
      const result = await runIn(app.dir, process.execPath, ["run-cjs.cjs"]);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /ExperimentalWarning/);
      assert.deepEqual(JSON.parse(result.stdout), {
        status: "success",
        output: { greeting: "hello cjs" },
        instanceOfRequired: true,
        isStintError: true,
        sameClass: true,
        entryPoints: ["function", "function", "function", "function"],
      });
    });

    it("stint/testing's runStorageContract runs the storage contract under node --test, with no dev dependency", async () => {
      writeFileSync(join(app.dir, "contract.test.mjs"), CONTRACT_TEST);
      const result = await runIn(app.dir, process.execPath, ["--test", "--test-reporter=tap", "contract.test.mjs"]);
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      const passed = Number(/^# pass (\d+)$/m.exec(result.stdout)?.[1]);
      assert.ok(passed > 50, `${passed} contract cases passed`);
      assert.match(result.stdout, /^# fail 0$/m);
      assert.match(result.stdout, /storage contract: sqlite/);
    });

    it("npx stint init sets up the fresh (CommonJS) app", async () => {
      const result = await runIn(app.dir, "npx", ["stint", "init"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Next: npm run stint:dev/);
      const pkg = JSON.parse(readFileSync(join(app.dir, "package.json"), "utf8"));
      assert.equal(pkg.type, undefined, "the app stays CommonJS");
      assert.deepEqual(pkg.scripts, { "stint:dev": "stint dev", "stint:worker": "stint worker" });
    });

    it("type-checks a TypeScript file that uses both definition styles, and the config init wrote", async () => {
      writeFileSync(join(app.dir, "types-check.ts"), TYPES_CHECK);
      writeFileSync(
        join(app.dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] },
          files: ["types-check.ts", "stint.config.ts"],
        }),
      );
      const result = await runIn(app.dir, process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    });

    it("npx stint --help lists the commands", async () => {
      const result = await runIn(app.dir, "npx", ["stint", "--help"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Usage: stint/m);
      for (const command of ["init", "dev", "worker", "serve", "migrate", "trigger"]) assert.match(result.stdout, new RegExp(`^  ${command}\\b`, "m"));
    });

    it("npx stint dev loads the stint.config.ts that init wrote and serves the dashboard at /; SIGTERM to npx stops it gracefully", async () => {
      assert.match(readFileSync(join(app.dir, "package.json"), "utf8"), /"stint:dev": "stint dev"/);
      const dev = startIn(app.dir, "npx", ["stint", "dev", "--port", "0", "--database", "sqlite::memory:"]);
      try {
        const api = (await dev.waitForOutput(/API\s+(http:\/\/\S+\/graphql)/, 90_000))[1];
        assert.match(dev.stdout, /\bhello\b/, "the example definition of stint.config.ts is registered");
        const page = await fetch(new URL("/", api));
        assert.equal(page.status, 200);
        assert.match(await page.text(), /<title>Stint · Background tasks<\/title>/);
        // GraphiQL from the package's own build, its script served beside it.
        const graphiql = await fetch(api, { headers: { accept: "text/html" } });
        const html = await graphiql.text();
        assert.match(html, /<div id="graphiql">/);
        const script = /src="\.\/(graphiql\/[^"]+\.js)"/.exec(html)?.[1];
        assert.ok(script, html);
        assert.equal((await fetch(new URL(`/${script}`, api))).status, 200);
        const pid = Number((await dev.waitForOutput(/"workerId":"[^"]*?:(\d+):/))[1]);
        assert.notEqual(pid, dev.child.pid, "the worker runs in a child of npx");

        // npm forwards SIGTERM to the `sh -c` it started, and the shell does not pass it on:
        // the command notices its parent is gone and shuts down as on SIGTERM.
        dev.kill("SIGTERM");
        await dev.exited(30_000);
        assert.ok(await gone(pid, 30_000), `stint dev (pid ${pid}) still runs after npx exited:\n${dev.stdout}`);
        assert.match(dev.stdout, /"msg":"shutting down \(send the signal again to force\)"/);
        assert.match(dev.stdout, /"msg":"stopped"/);
      } finally {
        dev.kill("SIGKILL");
      }
    });
  });

  describe("the installed bin's signal path (what systemd, a container or npm run sends)", () => {
    let count = 0;

    before(() => writeFileSync(join(app.dir, "signals.config.ts"), SIGNALS_CONFIG));

    /** Stores a slow task, starts the worker on it and waits until the iteration runs. */
    async function workerWithTaskInFlight(command: string, args: string[], input: object, env: Record<string, string> = {}) {
      const database = `sqlite:./signals-${++count}.db`;
      const trigger = await runIn(app.dir, "npx", ["stint", "trigger", "slow", "--input", JSON.stringify(input), "--config", "signals.config.ts", "--database", database]);
      assert.equal(trigger.code, 0, trigger.stderr);
      const worker = startIn(app.dir, command, [...args, "--config", "signals.config.ts", "--database", database], env);
      await worker.waitForOutput(/"msg":"iteration started"/, 60_000);
      return { worker, database };
    }

    it("SIGTERM to node_modules/.bin/stint worker: the in-flight iteration stops at its signal, exit 0", async () => {
      const { worker } = await workerWithTaskInFlight("node_modules/.bin/stint", ["worker"], {});
      worker.kill("SIGTERM");
      const result = await worker.exited(60_000);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /"msg":"stopped"/);
    });

    it("a second signal during the shutdown exits at once with 130", async () => {
      const { worker } = await workerWithTaskInFlight("node_modules/.bin/stint", ["worker"], { ignoreAbort: true });
      worker.kill("SIGTERM");
      await worker.waitForOutput(/"msg":"shutting down/);
      worker.kill("SIGTERM");
      const result = await worker.exited(30_000);
      assert.equal(result.code, 130, result.stderr);
      assert.match(result.stdout, /"msg":"second signal: exiting now"/);
    });

    it("past the shutdown deadline the iteration is handed back to the store (the next worker runs it at once) and the worker exits 0", async () => {
      const env = { SHUTDOWN_TIMEOUT_MS: "300" };
      const { worker, database } = await workerWithTaskInFlight("node_modules/.bin/stint", ["worker"], { ignoreAbort: true }, env);
      worker.kill("SIGTERM");
      const result = await worker.exited(60_000);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /"msg":"stopped"/);
      const next = startIn(app.dir, "node_modules/.bin/stint", ["worker", "--config", "signals.config.ts", "--database", database], env);
      try {
        await next.waitForOutput(/"attempt":2,"msg":"iteration started"/, 60_000);
      } finally {
        next.kill("SIGKILL");
      }
    });

    it("npm run with `exec stint worker`: npm's forwarded SIGTERM reaches the worker and npm exits 0 after it", async () => {
      const pkgPath = join(app.dir, "package.json");
      const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
      writeFileSync(pkgPath, JSON.stringify({ ...pkg, scripts: { ...pkg.scripts, "worker:exec": "exec stint worker" } }, null, 2));
      const { worker } = await workerWithTaskInFlight("npm", ["run", "worker:exec", "--"], {});
      worker.kill("SIGTERM");
      const result = await worker.exited(60_000);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /"msg":"stopped"/);
    });
  });
});

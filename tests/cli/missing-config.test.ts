/**
 * No config file given and none found: commands that run or name definitions refuse
 * (a worker with none would idle silently); tasks, logs, migrate and abort need only the
 * store (an abort without the definition leaves its onAbort due for a worker that has it).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertUsageError, runCli, startCli } from "./helpers.js";

describe("a missing default config file", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-noconfig-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const needDefinitions: [string, string[]][] = [
    ["worker", ["worker"]],
    ["dev", ["dev", "--port", "0"]],
    ["serve", ["serve", "--port", "0"]],
    ["trigger", ["trigger", "importCsv", "--input", '{"file":"x.csv"}']],
    ["definitions", ["definitions"]],
  ];

  it("worker, dev, serve, trigger and definitions say so on stderr, exit 2 and open nothing", async () => {
    const results = await Promise.all(needDefinitions.map(([, args]) => runCli(args, { cwd: dir, timeoutMs: 30_000 })));
    results.forEach((result, index) => {
      const name = needDefinitions[index][0];
      assertUsageError(
        result,
        new RegExp(`^stint: No config file found in .*stint-cli-noconfig-\\w+ \\(looked for stint\\.config\\.ts, stint\\.config\\.js, stint\\.config\\.mjs\\); \`stint ${name}\` needs the task definitions: pass --config <file> \\[CONFIG_NOT_FOUND\\]$`),
      );
    });
    // Not even the default store (./.stint/stint.db) was created.
    assert.deepEqual(readdirSync(dir), []);
  });

  it("migrate, tasks, logs and abort run on the store alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stint-cli-noconfig-store-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const database = `sqlite:${join(dir, "store.db")}`;
    const migrate = await runCli(["migrate", "--database", database], { cwd: dir });
    assert.equal(migrate.code, 0, migrate.stderr);
    const tasks = await runCli(["tasks", "--database", database], { cwd: dir });
    assert.deepEqual([tasks.code, tasks.stdout, tasks.stderr], [0, "No tasks.\n", ""]);
    const logs = await runCli(["logs", "0123456789abcdef01234567", "--database", database], { cwd: dir });
    assertUsageError(logs, /was not found! \[NOT_FOUND\]$/);
    const abort = await runCli(["abort", "0123456789abcdef01234567", "--database", database], { cwd: dir });
    assertUsageError(abort, /\[NOT_FOUND\]$/);
    assert.equal(existsSync(join(dir, ".stint")), false);
  });

  it("a worker over a config that registers no definitions runs, but warns that it will claim nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stint-cli-nodefs-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "stint.config.mjs"), "export default { definitions: [] };\n");
    const worker = startCli(["worker", "--database", `sqlite:${join(dir, "store.db")}`], { cwd: dir });
    try {
      await worker.waitForOutput(/"msg":"no task definitions: this worker will claim nothing"/);
      const warning = worker.stdout.split("\n").map((line) => JSON.parse(line || "{}") as Record<string, unknown>).find((r) => r.level === 40);
      assert.equal(warning?.config, join(dir, "stint.config.mjs"));
    } finally {
      worker.kill("SIGTERM");
      await worker.exited(20_000);
    }
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStint } from "../../src/stint.js";
import { assertUsageError, EXAMPLES_CONFIG, runCli } from "./helpers.js";

describe("bad input prints one line, exits 2 and stores nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-bad-"));
  const dbFile = join(dir, "stint.db");
  const database = `sqlite:${dbFile}`;

  before(() => {
    writeFileSync(join(dir, "broken.config.ts"), "export default defineConfig({ definitions: [\n");
    writeFileSync(join(dir, "not-object.config.mjs"), "export default 42;\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("an unknown command", async () => {
    assertUsageError(await runCli(["frobnicate"]), /unknown command 'frobnicate'/);
  });

  it("an unknown definition", async () => {
    const result = await runCli(["trigger", "noSuchTask", "--config", EXAMPLES_CONFIG, "--database", database]);
    assertUsageError(result, /unknown task definition "noSuchTask" .*known: importCsv, checksumTree, checksumDirectory/);
    assert.equal(existsSync(dbFile), false);
  });

  it("invalid JSON for --input", async () => {
    const result = await runCli(["trigger", "importCsv", "--input", "{file:", "--config", EXAMPLES_CONFIG, "--database", database]);
    assertUsageError(result, /--input is not valid JSON/);
    assert.equal(existsSync(dbFile), false);
  });

  it("a missing config file", async () => {
    const result = await runCli(["trigger", "importCsv", "--config", join(dir, "nope.config.ts"), "--database", database]);
    assertUsageError(result, /Config file ".*nope\.config\.ts" was not found\. \[CONFIG_NOT_FOUND\]/);
    assert.equal(existsSync(dbFile), false);
  });

  it("a config file that does not compile, or exports no config object", async () => {
    const broken = await runCli(["tasks", "--config", join(dir, "broken.config.ts"), "--database", database]);
    assertUsageError(broken, /Config file ".*broken\.config\.ts" is invalid: .*\[CONFIG_INVALID\]/);
    const notObject = await runCli(["dev", "--config", join(dir, "not-object.config.mjs"), "--database", database]);
    assertUsageError(notObject, /must export a config object as default/);
    assert.equal(existsSync(dbFile), false);
  });

  it("an unknown database URL scheme", async () => {
    const result = await runCli(["trigger", "importCsv", "--input", '{"file":"x.csv"}', "--config", EXAMPLES_CONFIG, "--database", "mysql://root:secret@localhost/db"]);
    assertUsageError(result, /Unsupported database URL "mysql:\/\/root:\*\*\*@localhost\/db"/);
  });

  it("an input the definition's zod schema refuses (refused before the store is opened; no task is stored)", async () => {
    const result = await runCli(["trigger", "importCsv", "--input", '{"chunkBytes":1}', "--config", EXAMPLES_CONFIG, "--database", database]);
    assertUsageError(result, /Validation failed\. \(file: .*chunkBytes: .*\) \[VALIDATION_FAILED_INVALID_FIELDS\]/);
    const stint = await createStint({ database, useEnv: false });
    try {
      assert.equal((await stint.tasks.listTasks()).meta.totalCount, 0);
    } finally {
      await stint.close();
    }
  });
});

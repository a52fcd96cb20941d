/**
 * `stint rerun` as a process, on a SQLite file: one task by id, from its start or its
 * checkpoint; the bulk form with where-flags, a dry run, and its refusal without a
 * terminal and without --yes (exit 2, nothing stored); bad input exits 2.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStint, type Stint } from "../../src/stint.js";
import { newId } from "../../src/domain/ids.js";
import { assertUsageError, runCli, writeHelloConfig } from "./helpers.js";

describe("stint rerun", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-rerun-"));
  const database = `sqlite:${join(dir, "stint.db")}`;
  const config = writeHelloConfig(dir, { database });
  let stint: Stint;
  const ids: string[] = [];

  before(async () => {
    const { default: loaded } = await import(config);
    stint = await createStint({ database, definitions: loaded.definitions, useEnv: false });
    for (const name of ["Ada", "Grace"]) ids.push((await stint.tasks.trigger({ definition: "helloWorld", input: { name } })).id);
    await stint.createWorker().drain();
  });
  after(async () => {
    await stint?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function count(): Promise<number> {
    return (await stint.tasks.listTasks({ limit: 1 })).meta.totalCount;
  }

  it("re-runs one finished task by id and prints the new task as JSON", async () => {
    const result = await runCli(["rerun", ids[0], "--json", "--config", config], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const task = JSON.parse(result.stdout);
    assert.equal(task.rerunOf, ids[0]);
    assert.deepEqual(task.input, { name: "Ada" });
    assert.equal(task.taskStatus, "pending");
    const fromCheckpoint = await runCli(["rerun", ids[0], "--from", "checkpoint", "--config", config], { cwd: dir });
    assert.equal(fromCheckpoint.code, 0, fromCheckpoint.stderr);
    assert.match(fromCheckpoint.stdout, new RegExp(`re-runs ${ids[0]}`));
  });

  it("counts the matching finished tasks with --dry-run, and re-runs them with --yes", async () => {
    const before = await count();
    const dry = await runCli(["rerun", "--definition", "helloWorld", "--status", "success", "--dry-run", "--config", config], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^2 tasks match \(dry run: nothing changed\)\./);
    assert.equal(await count(), before);
    const run = await runCli(["rerun", "--name-contains", "hello", "--status", "success", "--limit", "1", "--yes", "--json", "--config", config], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { count: 1, dryRun: false });
    assert.equal(await count(), before + 1);
  });

  it("refuses a bulk re-run without a terminal and without --yes, and every bad input, storing nothing", async () => {
    const before = await count();
    const cases: [string[], RegExp][] = [
      [["--definition", "helloWorld", "--status", "success"], /--yes.*\[INVALID_ARGUMENT\]/],
      [[], /task id, or where-flags.*\[INVALID_ARGUMENT\]/],
      [[ids[0], "--definition", "helloWorld"], /not both.*\[INVALID_ARGUMENT\]/],
      [[ids[0], "--from", "middle"], /from.*\[INVALID_ARGUMENT\]/],
      [["--definition", "helloWorld", "--limit", "-3", "--yes"], /--limit must be a whole number from 1/],
      [["--status", "sleeping", "--yes"], /\[INVALID_ARGUMENT\]/],
      [["not an id!"], /\[INVALID_TASK_ID\]/],
      [[newId()], /was not found.*\[NOT_FOUND\]/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli(["rerun", ...args, "--config", config], { cwd: dir });
      assertUsageError(result, pattern);
    }
    const pending = await stint.tasks.trigger({ definition: "helloWorld", input: { name: "Later" }, delay: 3600 });
    assertUsageError(await runCli(["rerun", pending.id, "--config", config], { cwd: dir }), /pending or running.*\[TASK_RERUN_ERROR\]/);
    assert.equal(await count(), before + 1);
  });
});

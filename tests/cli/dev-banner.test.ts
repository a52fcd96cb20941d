/**
 * `stint dev`'s banner: every definition the worker runs (private ones marked), its rows
 * aligned, and a hint that works as printed: on an in-memory store, a GraphQL request to
 * this same process; otherwise a command for another terminal on the same database.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStint } from "../../src/stint.js";
import { runCli, shellWords, startCli, writeHelloConfig, type CliProcess } from "./helpers.js";

async function stopDev(dev: CliProcess | undefined): Promise<void> {
  dev?.kill("SIGTERM");
  await dev?.exited(20_000).catch(() => dev.kill("SIGKILL"));
}

/** The banner's `  label  value` rows, from "Stint dev is running" to the blank line. */
function bannerRows(stdout: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.indexOf("Stint dev is running") + 1;
  return lines.slice(start, lines.indexOf("", start));
}

describe("stint dev on an in-memory store", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-dev-memory-"));
  let dev: CliProcess;

  before(async () => {
    const config = writeHelloConfig(dir, { database: "sqlite::memory:" });
    dev = startCli(["dev", "--config", config, "--port", "0"], { cwd: dir });
    await dev.waitForOutput(/Ctrl-C stops/);
  });

  after(async () => {
    await stopDev(dev);
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists and counts the private definition too, and aligns every row", () => {
    const rows = bannerRows(dev.stdout);
    assert.deepEqual(rows.map((row) => row.trim().split(/\s+/)[0]), ["store", "worker", "API", "dashboard", "config"]);
    const valueColumns = rows.map((row) => /^ {2}\S+\s+/.exec(row)![0].length);
    assert.equal(new Set(valueColumns).size, 1, `values start at one column:\n${rows.join("\n")}`);
    assert.match(dev.stdout, /worker\s+concurrency \d+; 2 definitions: helloWorld, secretTask \(private\)/);
    assert.match(dev.stdout, /store\s+sqlite::memory: {2}\(in memory: gone when this process stops\)/);
  });

  it("suggests no second process, but a GraphQL request that works on this one", async () => {
    assert.doesNotMatch(dev.stdout, /another terminal|npm run stint|stint trigger/);
    assert.match(dev.stdout, /The store is in memory, inside this process: other stint commands cannot reach it/);
    const url = /GraphiQL\s+(http:\S+\/graphql)\s+with:/.exec(dev.stdout)?.[1];
    const mutation = /^\s+(mutation \{.*)$/m.exec(dev.stdout)?.[1];
    assert.ok(url && mutation, dev.stdout);
    assert.match(mutation, /triggerTask\(definition: helloWorld, input: \{ name: "Ada" \}\)/);

    const post = async (query: string) => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      return (await response.json()) as { data: { backgroundTasks: Record<string, { data: { id: string; taskStatus: string; output?: unknown } | null; error: unknown }> } };
    };
    const triggered = (await post(mutation)).data.backgroundTasks.triggerTask;
    assert.equal(triggered.error, null);
    const id = triggered.data!.id;
    let task: { taskStatus: string; output?: unknown } | null = null;
    for (let i = 0; i < 200 && task?.taskStatus !== "success"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      task = (await post(`{ backgroundTasks { getTask(id: "${id}") { data { id taskStatus output } error { message } } } }`)).data.backgroundTasks.getTask.data;
    }
    assert.deepEqual(task, { id, taskStatus: "success", output: { greeting: "Hello, Ada" } });
  });
});

describe("stint dev on a database from STINT_DATABASE_URL", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-dev-env-"));
  const database = `sqlite:${join(dir, "env store.db")}`;
  let dev: CliProcess;

  before(async () => {
    const config = writeHelloConfig(dir);
    dev = startCli(["dev", "--config", config, "--port", "0"], { cwd: dir, env: { STINT_DATABASE_URL: database } });
    await dev.waitForOutput(/Ctrl-C stops/);
  });

  after(async () => {
    await stopDev(dev);
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints a command that carries the database and works as printed from another process", async () => {
    const command = /Try, in another terminal:\n {2}(.*)\n/.exec(dev.stdout)?.[1];
    assert.ok(command, dev.stdout);
    assert.match(command, /--database 'sqlite:.*env store\.db'$/);
    const words = shellWords(command);
    assert.deepEqual(words.slice(0, 3), ["npm", "run", "stint"]);
    // `npm run stint --` is this CLI; run the rest in a clean environment (no STINT_DATABASE_URL).
    const result = await runCli(words.slice(4), { cwd: dir });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Succeeded after 1 iteration/);
    const stint = await createStint({ database, useEnv: false });
    try {
      assert.equal((await stint.tasks.listTasks()).items[0]?.output?.greeting, "Hello, Ada");
    } finally {
      await stint.close();
    }
  });
});

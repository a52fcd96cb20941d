import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStint } from "../../src/stint.js";
import { importCsv } from "../../examples/csv-import/import-csv.js";
import { generateOrdersCsv } from "../../examples/csv-import/generate-csv.js";
import type { OrderTotals } from "../../examples/csv-import/orders.js";
import { EXAMPLES_CONFIG, runCli, startCli, type CliProcess } from "./helpers.js";

describe("stint dev + stint trigger --watch (two processes, one SQLite file)", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-cli-e2e-"));
  const database = `sqlite:${join(dir, "stint.db")}`;
  const csv = join(dir, "orders.csv");
  let dev: CliProcess;
  let apiUrl: string;
  let expected: OrderTotals;

  before(async () => {
    expected = await generateOrdersCsv(csv, 20_000, 7);
    dev = startCli(["dev", "--config", EXAMPLES_CONFIG, "--database", database, "--port", "0"]);
    apiUrl = (await dev.waitForOutput(/API\s+(http:\S+\/graphql)/))[1];
  });

  after(async () => {
    dev?.kill("SIGTERM");
    await dev?.exited(20_000).catch(() => dev.kill("SIGKILL"));
    rmSync(dir, { recursive: true, force: true });
  });

  it("dev prints what runs where and a command to try", () => {
    assert.match(dev.stdout, /store\s+sqlite:/);
    assert.match(dev.stdout, /worker\s+concurrency 4; 3 definitions: importCsv, checksumTree, checksumDirectory/);
    assert.match(dev.stdout, /trigger importCsv --input '\{"file":".stint\/orders.csv"\}' --watch/);
    assert.match(apiUrl, /^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });

  it("watches the CSV import to its end, exits 0 and leaves the result in the store", async () => {
    const input = JSON.stringify({ file: csv, rowsPerIteration: 6000, chunkBytes: 16 * 1024 });
    const result = await runCli(["trigger", "importCsv", "--input", input, "--watch", "--config", EXAMPLES_CONFIG, "--database", database]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    const id = /Task (\w+) \(importCsv\) triggered/.exec(result.stdout)?.[1];
    assert.ok(id, result.stdout);
    // The progress bar (one line per change when not a terminal), the log lines, the outcome.
    assert.match(result.stdout, /\[#{30}\] 100% \d+\/\d+, iteration 4 20000 rows/);
    assert.match(result.stdout, /#1 info {2}Checkpoint at byte \d+/);
    assert.match(result.stdout, /Succeeded after 4 iterations: task \w+ is success/);
    assert.match(result.stdout, /"revenueCents": \d+/);

    const stint = await createStint({ database, definitions: [importCsv], useEnv: false });
    try {
      const task = await stint.tasks.getTask(id);
      assert.equal(task?.taskStatus, "success");
      assert.equal(task?.iterations, 4);
      assert.equal(task?.output?.rows, expected.rows);
      assert.equal(task?.output?.revenueCents, expected.revenueCents);
      assert.deepEqual(task?.output?.byCountry, expected.byCountry);
    } finally {
      await stint.close();
    }

    const response = await fetch(apiUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ backgroundTasks { getTask(id: "${id}") { data { taskStatus iterations } } } }` }),
    });
    const body = (await response.json()) as { data?: { backgroundTasks: { getTask: { data: unknown } } } };
    assert.deepEqual(body.data?.backgroundTasks.getTask.data, { taskStatus: "success", iterations: 4 });
  });

  it("exits 1 when the watched task fails", async () => {
    const result = await runCli([
      "trigger", "importCsv", "--input", JSON.stringify({ file: join(dir, "missing.csv") }), "--watch",
      "--config", EXAMPLES_CONFIG, "--database", database,
    ]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /Failed after 1 iteration: task \w+ is failed/);
    assert.match(result.stdout, /Cannot open .*missing\.csv: ENOENT/);
  });
});

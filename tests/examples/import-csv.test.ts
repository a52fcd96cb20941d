import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestStint, type TestStint } from "../../src/testing/index.js";
import { importCsv } from "../../examples/csv-import/import-csv.js";
import { generateOrdersCsv } from "../../examples/csv-import/generate-csv.js";
import { parseCents, type OrderTotals } from "../../examples/csv-import/orders.js";

describe("example: importCsv", () => {
  const dir = mkdtempSync(join(tmpdir(), "stint-example-csv-"));
  const file = join(dir, "orders.csv");
  let expected: OrderTotals;
  let stint: TestStint;

  before(async () => {
    expected = await generateOrdersCsv(file, 5000, 3);
    stint = await createTestStint({ definitions: [importCsv] });
  });
  after(async () => {
    await stint.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sums the whole file, checkpointing its byte offset every N rows", async () => {
    const task = await stint.runTask({ definition: importCsv, input: { file, rowsPerIteration: 1000, chunkBytes: 4096 } });
    assert.equal(task.taskStatus, "success");
    assert.ok(task.iterations >= 5, `iterations: ${task.iterations}`);
    assert.equal(task.output?.rows, 5000);
    assert.equal(task.output?.badRows, 0);
    assert.equal(task.output?.revenueCents, expected.revenueCents);
    assert.deepEqual(task.output?.byCountry, expected.byCountry);
    assert.equal(task.output?.revenue, (expected.revenueCents / 100).toFixed(2));
    assert.equal(task.progress?.done, task.progress?.total);
    const logs = await stint.tasks.listLogs({ where: { task: task.id }, sort: ["iteration_ASC"] });
    assert.match(logs.items[0].items[0].message, /^Checkpoint at byte \d+$/);
  });

  it("checkpoints when the iteration is close to its time budget", async () => {
    // A 1-second budget with the default 180-second threshold: always close to timeout,
    // so each iteration reads exactly one chunk and continues.
    const tight = await createTestStint({ definitions: [importCsv], worker: { timeoutSeconds: 1 } });
    try {
      const small = join(dir, "small.csv");
      await generateOrdersCsv(small, 300, 5);
      const task = await tight.runTask({ definition: importCsv, input: { file: small, chunkBytes: 2048 } });
      assert.equal(task.taskStatus, "success");
      assert.equal(task.output?.rows, 300);
      assert.equal(task.iterations, Math.ceil((task.output?.bytes as number) / 2048));
    } finally {
      await tight.close();
    }
  });

  it("counts bad rows without failing, and handles a last line without a newline", async () => {
    const odd = join(dir, "odd.csv");
    writeFileSync(odd, "order_id,country,quantity,unit_price\n1,DE,2,1.50\n2,FR,x,3\n3,DE,1,0.5");
    const task = await stint.runTask({ definition: importCsv, input: { file: odd } });
    assert.deepEqual([task.output?.rows, task.output?.badRows, task.output?.revenueCents], [3, 1, 350]);
    assert.deepEqual(task.output?.byCountry, { DE: { orders: 2, revenueCents: 350 } });
  });

  it("fails with a clear message when the file is missing, and refuses input without a file", async () => {
    const task = await stint.runTask({ definition: importCsv, input: { file: join(dir, "nope.csv") } });
    assert.equal(task.taskStatus, "failed");
    assert.match(JSON.stringify(task.output), /Cannot open .*nope\.csv: ENOENT/);
    await assert.rejects(stint.tasks.trigger({ definition: "importCsv", input: {} }), { code: "VALIDATION_FAILED_INVALID_FIELDS" });
  });

  it("parses money into integer cents", () => {
    assert.deepEqual(["12.34", "7", "0.5", "1.234", "-1", ""].map(parseCents), [1234, 700, 50, null, null, null]);
  });
});

/**
 * Error stacks kept in log items reach whoever reads them: `stint logs` prints them under
 * the item, the worker's `task failed` line carries message and stack.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { formatWithStack } from "../../src/cli/logs.js";
import { createLogger, formatPretty } from "../../src/cli/logger.js";
import { logWorkerEvents } from "../../src/cli/worker-logs.js";
import { sqliteStore } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";

const STACK = "TypeError: cannot read row\n    at run (/app/tasks/import.ts:12:5)\n    at process (node:internal/x:1:1)";

describe("error stacks in the CLI", () => {
  const fixtures: StintFixture[] = [];
  after(() => Promise.all(fixtures.map((f) => f.close())));

  it("stint logs prints an item's stack on indented lines under it, not in the line's JSON", () => {
    const item = { type: "error" as const, message: "cannot read row", createdOn: new Date(0), error: { message: "cannot read row", code: "ROW", stack: STACK } };
    const text = formatWithStack({ iteration: 2 }, item);
    const [line, ...rest] = text.split("\n");
    assert.equal(line, '00:00:00 #2 ERROR cannot read row {"message":"cannot read row","code":"ROW"}');
    assert.deepEqual(rest, ["    TypeError: cannot read row", "    at run (/app/tasks/import.ts:12:5)", "    at process (node:internal/x:1:1)"]);
    const plain = { type: "info" as const, message: "hello", createdOn: new Date(0) };
    assert.equal(formatWithStack({ iteration: 1 }, plain), "00:00:00 #1 info  hello");
  });

  it("the pretty worker log prints err.stack as lines under the record", () => {
    const line = formatPretty(JSON.stringify({ level: 40, time: 0, msg: "task failed", id: "t1", err: { message: "cannot read row", stack: STACK } }));
    const lines = line.trimEnd().split("\n");
    assert.match(lines[0], /WARN  task failed id=t1 err=\{"message":"cannot read row"\}$/);
    assert.deepEqual(lines.slice(1), ["    TypeError: cannot read row", "    at run (/app/tasks/import.ts:12:5)", "    at process (node:internal/x:1:1)"]);
  });

  it("the worker's task failed record carries the error's message, code and stack", async () => {
    const failing = createTaskDefinition({
      id: "failsWithStack",
      title: "Fails with stack",
      run: () => {
        throw Object.assign(new TypeError("cannot read row"), { code: "ROW" });
      },
    });
    const f = await stintFixture(sqliteStore, [failing]);
    fixtures.push(f);
    const records: Record<string, any>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) records.push(JSON.parse(line));
        done();
      },
    });
    logWorkerEvents(f.worker, createLogger({ stream, pretty: false, level: "info" }));
    await f.stint.tasks.trigger({ definition: failing });
    await f.worker.drain();
    const failed = records.find((record) => record.msg === "task failed");
    assert.ok(failed, "a task failed record");
    assert.equal(failed.err.message, "cannot read row");
    assert.equal(failed.err.code, "ROW");
    assert.match(failed.err.stack, /^TypeError: cannot read row\n\s+at .*error-stacks\.test\.ts/);
  });
});

/** The worker's pino lines carry the trace id of the iteration they are about (an SDK registered). */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { registerTestTracing } from "../helpers/otel.js";
import { sqliteStore } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { createLogger, formatPretty } from "../../src/cli/logger.js";
import { logWorkerEvents } from "../../src/cli/worker-logs.js";

const tracing = registerTestTracing();

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ stream, pretty: false, level: "info" }), lines };
}

describe("trace ids in log lines", () => {
  const fixtures: StintFixture[] = [];
  after(() => Promise.all(fixtures.map((f) => f.close())));

  it("puts the iteration span's trace and span id on the worker's lines about it, and none on the others", async () => {
    const fails = createTaskDefinition({ id: "fails", title: "Fails", run: () => Promise.reject(new Error("nope")) });
    const f = await stintFixture(sqliteStore, [fails]);
    fixtures.push(f);
    const { logger, lines } = capture();
    logWorkerEvents(f.worker, logger);
    const { id } = await f.stint.tasks.trigger({ definition: fails });
    await f.worker.drain();
    logger.info("outside any span");
    await new Promise((resolve) => setImmediate(resolve));

    const iteration = tracing.spans().find((s) => s.name === "stint.iteration")!;
    const about = lines.filter((line) => line.taskId === id);
    assert.deepEqual(about.map((line) => line.msg), ["iteration started", "iteration ended", "task failed"]);
    for (const line of about) {
      assert.equal(line.traceId, iteration.traceId, `${line.msg as string}: the iteration's trace`);
      assert.equal(line.spanId, iteration.spanId);
    }
    const outside = lines.find((line) => line.msg === "outside any span")!;
    assert.equal("traceId" in outside, false);
  });

  it("shows the trace id, not the span id, in a terminal line", () => {
    const line = JSON.stringify({ level: 30, time: 0, msg: "iteration started", traceId: "abc", spanId: "def" });
    const pretty = formatPretty(line);
    assert.match(pretty, /traceId=abc/);
    assert.doesNotMatch(pretty, /def/);
  });
});

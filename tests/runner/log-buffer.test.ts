import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LogBuffer } from "../../src/runner/log-buffer.js";
import type { StorageAdapter } from "../../src/storage/port/index.js";
import type { LogAppendParams } from "../../src/storage/port/types.js";
import { deferred } from "../helpers/stint.js";
import type { Clock } from "../../src/domain/clock.js";

describe("LogBuffer", () => {
  it("hands the outcome's items back last, after what run() logged while a flush was in flight", async () => {
    const written: LogAppendParams[] = [];
    const release = deferred();
    const storage = {
      async logAppend(params: LogAppendParams) {
        await release.promise; // a slow store: the flush is still in flight when the iteration ends
        written.push(params);
      },
    } as unknown as StorageAdapter;
    const buffer = new LogBuffer({ storage, taskId: "t", iteration: 1, attempt: 1, executionName: "w", enabled: true, clock: { now: () => 0 } as unknown as Clock, flushIntervalMs: 60_000 });
    buffer.add({ type: "info", message: "working" });
    void buffer.flush();
    const drained = buffer.drain([{ type: "info", message: "Task done." }]);
    buffer.add({ type: "info", message: "late: email sent" }); // run() goes on logging during the flush
    release.resolve();
    const items = await drained;
    assert.deepEqual(written.flatMap((w) => w.items.map((i) => i.message)), ["working"]);
    assert.deepEqual(items.map((i) => i.message), ["late: email sent", "Task done."]);
  });
});

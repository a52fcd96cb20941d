import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { workerState } from "../../src/domain/worker.js";

describe("workerState", () => {
  const worker = { lastBeatAt: 1_000_000, heartbeatMs: 10_000, leaseMs: 30_000 };

  it("is alive up to two heartbeat intervals after the last beat", () => {
    assert.equal(workerState(worker, 1_000_000), "alive");
    assert.equal(workerState(worker, 1_020_000), "alive");
  });

  it("is lagging once a beat is missed, while its leases still hold", () => {
    assert.equal(workerState(worker, 1_020_001), "lagging");
    assert.equal(workerState(worker, 1_030_000), "lagging");
  });

  it("is gone once silent for longer than its lease", () => {
    assert.equal(workerState(worker, 1_030_001), "gone");
  });

  it("goes from alive to gone when its heartbeat is as long as half its lease or more", () => {
    const slow = { lastBeatAt: 0, heartbeatMs: 20_000, leaseMs: 30_000 };
    assert.equal(workerState(slow, 30_000), "alive");
    assert.equal(workerState(slow, 30_001), "gone");
  });
});

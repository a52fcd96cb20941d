/**
 * The worker's modes (worker.ts header): idle → running → draining → stopped, or idle →
 * draining → stopped. What each transition promises, seen from outside: events, what
 * start() and drain() do in each mode, and that stop() is one sequence however often called.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { ErrorCode } from "../../src/domain/errors.js";

const noop = createTaskDefinition({ id: "noop", title: "No-op", run: ({ response }) => response.done() });

for (const kind of await storeKinds()) {
  describe(`worker modes (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));
    const fixture = async () => {
      const f = await stintFixture(kind, [noop]);
      fixtures.push(f);
      return f;
    };
    const lifecycle = (f: StintFixture) => {
      const seen: string[] = [];
      f.worker.events.on("worker:start", () => seen.push("start"));
      f.worker.events.on("worker:stop", () => seen.push("stop"));
      return seen;
    };

    it("runs one loop however often start() is called, and stops it once however often stop() is", async () => {
      const f = await fixture();
      const seen = lifecycle(f);
      f.worker.start();
      f.worker.start();
      const stopping = f.worker.stop();
      assert.equal(f.worker.stop(), stopping, "a second stop() joins the first");
      await stopping;
      await f.worker.stop();
      assert.deepEqual(seen, ["start", "stop"]);
    });

    it("refuses start() once stopped, and start() while stopping", async () => {
      const f = await fixture();
      f.worker.start();
      const stopping = f.worker.stop();
      assert.throws(() => f.worker.start(), (error: { code?: unknown }) => error.code === ErrorCode.Closed);
      await stopping;
      assert.throws(() => f.worker.start(), (error: { code?: unknown }) => error.code === ErrorCode.Closed);
    });

    it("drains while idle, reports no stop for a loop that never ran, and claims nothing once stopped", async () => {
      const f = await fixture();
      const seen = lifecycle(f);
      const first = await f.stint.tasks.trigger({ definition: noop });
      await f.worker.drain();
      assert.equal((await f.stint.tasks.getTask(first.id))?.taskStatus, "success", "idle: drain() runs what is due");
      await f.worker.stop();
      const second = await f.stint.tasks.trigger({ definition: noop });
      await f.worker.drain();
      assert.equal((await f.stint.tasks.getTask(second.id))?.taskStatus, "pending", "stopped: drain() claims nothing");
      assert.deepEqual(seen, [], "worker:start and worker:stop belong to the loop");
    });
  });
}

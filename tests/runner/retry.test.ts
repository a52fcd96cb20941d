import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { withRetry, outcomeFromThrown } from "../../src/runner/outcome.js";
import { MAX_DELAY_SECONDS } from "../../src/domain/errors.js";

for (const kind of await storeKinds()) {
  describe(`retry policy (${kind.name})`, () => {
    const fixtures: StintFixture[] = [];
    after(() => Promise.all(fixtures.map((f) => f.close())));

    it("re-runs a throwing iteration from the last checkpoint, without using up iterations, until it succeeds", async () => {
      const runs: { step: number; attempt: number }[] = [];
      let failuresLeft = 2;
      const flaky = createTaskDefinition<{ step: number }>({
        id: "flaky",
        title: "Flaky",
        retry: { attempts: 3, initialDelaySeconds: 10, jitter: false },
        run: ({ input, response, store }) => {
          runs.push({ step: input.step, attempt: store.getTask().attempt });
          if (input.step === 0) return response.continue({ step: 1 });
          if (failuresLeft-- > 0) throw new Error("network blip");
          return response.done({ ok: true });
        },
      });
      const f = await stintFixture(kind, [flaky]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: flaky, input: { step: 0 } });
      await f.worker.drain();
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "running", "waiting for the first retry");
      f.clock.advance(10_000);
      await f.worker.drain();
      f.clock.advance(19_999);
      await f.worker.drain();
      assert.equal(runs.length, 3, "the second retry waits 20 s (exponential backoff)");
      f.clock.advance(1);
      await f.worker.drain();
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "success");
      assert.equal(task.iterations, 2);
      assert.deepEqual(runs, [
        { step: 0, attempt: 1 },
        { step: 1, attempt: 1 },
        { step: 1, attempt: 2 },
        { step: 1, attempt: 3 },
      ]);
      const logs = await f.stint.tasks.listLogs({ where: { task: id, iteration: 2 } });
      assert.deepEqual(
        logs.items[0].items.filter((i) => i.type === "error").map((i) => [i.attempt, i.message]),
        [
          [1, "network blip"],
          [2, "network blip"],
        ],
      );
    });

    it("fails once the attempts are used up and calls onError once", async () => {
      let onError = 0;
      const broken = createTaskDefinition({
        id: "broken",
        title: "Broken",
        retry: { attempts: 2, initialDelaySeconds: 1, jitter: false },
        run: () => {
          throw new Error("always");
        },
        onError: () => void onError++,
      });
      const f = await stintFixture(kind, [broken]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: broken });
      await f.worker.drain();
      f.clock.advance(1_000);
      await f.worker.drain();
      const task = (await f.stint.tasks.getTask(id))!;
      assert.equal(task.taskStatus, "failed");
      assert.equal(task.attempt, 2);
      assert.equal(onError, 1);
    });

    it("never retries an error() response", async () => {
      const deliberate = createTaskDefinition({
        id: "deliberate",
        title: "Deliberate",
        retry: { attempts: 5 },
        run: ({ response }) => response.error("bad input file"),
      });
      const f = await stintFixture(kind, [deliberate]);
      fixtures.push(f);
      const { id } = await f.stint.tasks.trigger({ definition: deliberate });
      await f.worker.drain();
      assert.equal((await f.stint.tasks.getTask(id))!.taskStatus, "failed");
    });
  });
}

describe("retry backoff", () => {
  it("grows exponentially, caps at maxDelaySeconds and jitters between half and all of the delay", () => {
    const policy = { attempts: 10, initialDelaySeconds: 2, factor: 3, maxDelaySeconds: 30, jitter: false };
    const failure = outcomeFromThrown(new Error("x"));
    assert.equal(withRetry(failure, policy, 1, 0).retryAt, 2_000);
    assert.equal(withRetry(failure, policy, 2, 0).retryAt, 6_000);
    assert.equal(withRetry(failure, policy, 4, 0).retryAt, 30_000);
    assert.equal(withRetry(failure, { ...policy, jitter: true }, 1, 0, () => 0).retryAt, 1_000);
    assert.equal(withRetry(failure, { ...policy, jitter: true }, 1, 0, () => 1).retryAt, 2_000);
    assert.equal(withRetry(failure, policy, 10, 0), failure, "no attempts left");
    assert.equal(withRetry(failure, null, 1, 0), failure, "no policy");
  });

  it("never waits longer than the longest delay Stint stores (355 days), whatever the policy says", () => {
    const failure = outcomeFromThrown(new Error("x"));
    const huge = { attempts: 3, initialDelaySeconds: 1e12, factor: 2, maxDelaySeconds: Infinity, jitter: false };
    assert.equal(withRetry(failure, huge, 1, 0).retryAt, MAX_DELAY_SECONDS * 1000);
    assert.equal(withRetry(failure, { ...huge, initialDelaySeconds: 1, factor: 1e6 }, 2, 0).retryAt, 1e6 * 1000);
  });
});

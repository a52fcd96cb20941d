// The short chaos run inside `npm test`: 150 tasks, 5 SIGKILLs, per store. The full run
// (2,000 tasks, 50 kills) is `npm run test:chaos`; see docs/reliability.md.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { runChaos } from "./run.js";

const tasks = Number(process.env.CHAOS_TASKS ?? 150);
const kills = Number(process.env.CHAOS_KILLS ?? 5);

for (const kind of await storeKinds()) {
  describe(`chaos, short (${kind.name})`, () => {
    it(`keeps every task through ${kills} SIGKILLed workers: terminal once, no iteration lost, hooks run`, { timeout: 90_000 }, async () => {
      const result = await runChaos({ store: kind.name, tasks, kills, workers: 3, iterations: 4, leaseMs: 1000, settleTimeoutMs: 60_000 });
      console.log(result.summary);
      assert.deepEqual(result.problems, [], result.summary);
      assert.equal(result.tasks, tasks);
      assert.equal(result.kills, kills);
      assert.equal(result.lost, 0);
      assert.equal(result.doubleTerminal, 0);
    });
  });
}

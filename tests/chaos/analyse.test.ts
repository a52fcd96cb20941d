// The chaos checker itself: it must flag each kind of failure it exists to catch, or a
// clean chaos run would prove nothing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyse } from "./run.js";
import type { ChaosInput, JournalEntry } from "../fixtures/chaos-definitions.js";
import type { TaskRecord as Task } from "../../src/domain/task-record.js";

const ID = "t1";
const input: ChaosInput = { k: 3 };

function task(patch: Partial<Task> = {}): Task {
  return {
    id: ID, taskStatus: "success", iterations: 3, input: { k: 3, checkpoint: [1, 2] }, output: { checkpoint: [1, 2, 3] }, ...patch,
  } as Task;
}
const start = (t: number, cp: number[], pid = 1, att = 1): JournalEntry => ({ e: "start", t, pid, id: ID, it: cp.length + 1, att, cp });
const hook = (t: number, phase: "start" | "end", pid = 1): JournalEntry => ({ e: "hook", t, pid, id: ID, hook: "onDone", phase });
const terminal = (t: number, pid = 1): JournalEntry => ({ e: "terminal", t, pid, id: ID, status: "success" });
const clean = [start(1, []), start(2, [1]), start(3, [1, 2]), terminal(4), hook(5, "start"), hook(6, "end")];

function run(entries: JournalEntry[], stored = task(), kills = new Map<number, number>()) {
  return analyse(new Map([[ID, input]]), new Map([[ID, stored]]), entries, kills);
}

describe("chaos checker", () => {
  it("passes a clean history and counts a re-run after a kill", () => {
    assert.deepEqual(run(clean).problems, []);
    const rerun = [start(1, []), start(2, [1], 1), start(3, [1], 2, 2), start(4, [1, 2], 2), terminal(5, 2), hook(6, "start", 2), hook(7, "end", 2)];
    const result = run(rerun, task(), new Map([[1, 2.5]]));
    assert.deepEqual(result.problems, []);
    assert.equal(result.iterationsRerun, 1);
  });

  it("flags a checkpoint going backwards", () => {
    const entries = [start(1, []), start(2, [1]), start(3, [1, 2]), start(3.5, [1]), terminal(4), hook(5, "start"), hook(6, "end")];
    assert.match(run(entries).problems.join("\n"), /went backwards/);
  });

  it("flags a lost iteration and a wrong final checkpoint", () => {
    const entries = [start(1, []), start(3, [1, 2]), terminal(4), hook(5, "start"), hook(6, "end")];
    const result = run(entries, task({ output: { checkpoint: [1, 3] } }));
    assert.equal(result.lost, 1);
    assert.match(result.problems.join("\n"), /no start of iteration 2/);
    assert.match(result.problems.join("\n"), /final checkpoint/);
  });

  it("flags a second terminal transition", () => {
    const result = run([...clean, terminal(7, 2)]);
    assert.equal(result.doubleTerminal, 1);
  });

  it("flags a hook run twice when no worker died during the first run, and allows it when one did", () => {
    const twice = [...clean, hook(8, "start", 2), hook(9, "end", 2)];
    assert.match(run(twice).problems.join("\n"), /onDone ran 2 times/);
    assert.deepEqual(run(twice, task(), new Map([[1, 5.5]])).problems, []);
    // A kill long after the hook was confirmed does not excuse a second run.
    assert.match(run(twice, task(), new Map([[1, 5000]])).problems.join("\n"), /onDone ran 2 times/);
    // The victim's first run journaled just after its recorded death (the signal lands a
    // moment after the kill is recorded, and each process has its own time origin), never
    // ended: cut short by that kill. A death recorded well before the run excuses nothing.
    const cut = [...clean.slice(0, 5), hook(8, "start", 2), hook(9, "end", 2)];
    assert.deepEqual(run(cut, task(), new Map([[1, 4.99]])).problems, []);
    assert.match(run(cut, task(), new Map([[1, -100]])).problems.join("\n"), /onDone ran 2 times/);
  });

  it("flags a task left running and a hook that never completed", () => {
    const result = run([start(1, []), start(2, [1])], task({ taskStatus: "running", output: undefined }));
    assert.match(result.problems.join("\n"), /status running/);
    assert.match(result.problems.join("\n"), /never completed/);
  });
});

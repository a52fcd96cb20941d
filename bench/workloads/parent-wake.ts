/**
 * Parent wake-up: a parent waits for its one child (`continue(..., { waitForChildren:
 * true })`); two figures per parent, both ending at the start of the parent's next
 * iteration (its run(), bench/definitions.ts WAKE_PARENT):
 * - `fromCommit`: from the child's finish commit, as the children's worker sees it (its
 *   `task:iteration` event, emitted once the finish's write has returned: a little after
 *   the commit, so this slightly under-counts);
 * - `fromFinish`: from the child's `finishedOn`, the time its worker took just before
 *   writing the finish (so it also counts that write, with its wake).
 * Pairs are started `parentWakeGapMs` apart, each child held `parentWakeHoldMs` so that
 * its parent is waiting when it finishes.
 *
 * SQLite: one worker in this process runs both (the wake is the in-process signal).
 * PostgreSQL: the children run on a worker in this process that knows only their
 * definition, the parents on a worker process that does not know it: the child's finish
 * reaches the parent's worker by NOTIFY only, as across machines.
 */
import { createStint } from "../../src/stint.js";
import type { Sizes } from "../config.js";
import { WorkerProcess } from "../child.js";
import { benchDefinitions, WAKE_CHILD, WAKE_PARENT, wakeChildDefinition } from "../definitions.js";
import { percentiles, wallMs, type Percentiles } from "../stats.js";
import type { BenchStore } from "../stores.js";
import { sleep } from "./common.js";
import { fireSpaced } from "./latency.js";

/** Idle time before the first pair: the workers have finished their first look at the store. */
const SETTLE_MS = 500;
/** The parent's delay; the child is held `parentWakeHoldMs` (longer) from its own start. */
const PARENT_DELAY_S = 0.03;

export interface ParentWakeFigures {
  fromCommit: Percentiles;
  fromFinish: Percentiles;
  /** Parents that waited for their child (the others' first iteration came after its finish). */
  samples: number;
}

export async function stintParentWake(store: BenchStore, sizes: Sizes): Promise<ParentWakeFigures> {
  const count = sizes.parentWakeCount;
  const samples: number[] = [];
  /** wallMs() when the children's worker saw each child's finish stored, by parent id. */
  const committed = new Map<string, number>();
  const fromCommit: number[] = [];
  const inProcess = store.kind === "sqlite";
  // Triggers every pair; on SQLite also runs them (it knows both definitions).
  const stint = await createStint({
    database: store.url,
    definitions: [...benchDefinitions({ onLatency: (ms) => samples.push(ms) }), wakeChildDefinition()],
    useEnv: false,
  });
  const children = inProcess ? null : await createStint({ database: store.url, definitions: [wakeChildDefinition()], useEnv: false, skipMigrations: true });
  const firePairs = () =>
    fireSpaced(count, sizes.parentWakeGapMs, async () => {
      // The parent starts a little later: its wait must find the child stored (or it is
      // due at once, with nothing to wait for).
      const parent = await stint.tasks.trigger({ definition: WAKE_PARENT, delay: PARENT_DELAY_S });
      await stint.tasks.trigger({ definition: WAKE_CHILD, parent: parent.id, input: { holdMs: sizes.parentWakeHoldMs } });
    });
  const childWorker = (inProcess ? stint : children!).createWorker();
  childWorker.events.on("task:iteration", ({ task, applied }) => {
    if (applied && task.definitionId === WAKE_CHILD && task.parentId) committed.set(task.parentId, wallMs());
  });
  try {
    if (inProcess) {
      childWorker.start();
      await sleep(SETTLE_MS);
      await firePairs();
      const deadline = Date.now() + 60_000;
      while (samples.length < count && Date.now() < deadline) await sleep(5);
    } else {
      const parents = await WorkerProcess.spawn("./worker-process.ts", { url: store.url, target: count });
      try {
        childWorker.start();
        parents.send({ type: "start" });
        await parents.next("started");
        await sleep(SETTLE_MS);
        await firePairs();
        await parents.next("reached", 120_000);
        samples.push(...(await parents.stop()).latencies);
      } finally {
        parents.kill();
      }
    }
    const parents = await stint.tasks.listTasks({ where: { definitionId: WAKE_PARENT, taskStatus: "success" }, limit: count });
    for (const parent of parents.items) {
      const startedAt = (parent.output as { startedAt?: number } | undefined)?.startedAt;
      const commit = committed.get(parent.id);
      if (startedAt !== undefined && commit !== undefined) fromCommit.push(startedAt - commit);
    }
  } finally {
    await childWorker.stop();
    await children?.close();
    await stint.close();
  }
  // A parent whose first iteration came after its child had finished (a loaded machine
  // can delay a claim past the child's hold) never waited: no sample. Most must have.
  if (samples.length < count / 2) throw new Error(`parent-wake: only ${samples.length} of ${count} parents waited for their child`);
  return { fromCommit: percentiles(fromCommit), fromFinish: percentiles(samples), samples: samples.length };
}

/**
 * Poison data fuzz: random strings (lone surrogates, NUL, escapes, backslashes, quotes,
 * astral characters), numbers (NaN, ±Infinity, -0, huge, tiny) and nesting go through
 * trigger, and through what tasks produce (`continue` checkpoints, log items, progress,
 * outputs, error messages, thrown errors), on both stores, with a batching worker so a
 * poisoned finish shares its statement with neighbours'. Checked: a trigger is refused
 * (INVALID_ARGUMENT) exactly when its input holds what JSON or a store cannot keep, else
 * stored as JSON keeps it; every task ends; every neighbour succeeds with its own output;
 * nothing stored holds a NUL or a lone surrogate.
 *
 * POISON_FUZZ_CASES sets the cases per store (default 60; each case is one trigger input,
 * one producing task and one neighbour); POISON_FUZZ_SEED replays a run (the seed is printed).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { storeKinds, type TestStore } from "../helpers/stores.js";
import { withOverrides } from "../helpers/adapter-overrides.js";
import { createStint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { isStintError } from "../../src/domain/errors.js";
import { hasUnstorableChar, jsonHasNul, replaceNul, sliceText } from "../../src/domain/nul.js";
import type { TaskFinishManyParams } from "../../src/storage/port/index.js";

const CASES = Number(process.env.POISON_FUZZ_CASES ?? 60);
const SEED = Number(process.env.POISON_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const HIGH = "😀".slice(0, 1);
const LOW = "😀".slice(1);

const piece = fc.oneof(
  fc.constantFrom(HIGH, LOW, "\uDBFF", "\uDC00", "\u0000", "\\", "\\\\", "\\u0000", "\\ud83d", '"', "'", "😀", "\uFFFD", "\uFFFF", "\u2028", "\n", "\u0001", "%", "_", "{", "null"),
  fc.string({ maxLength: 4 }),
  fc.string({ unit: "binary", maxLength: 4 }),
);
const poisonString = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(""));
const poisonNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -Infinity, Number("1e999"), -0, 1e308, -1e308, 5e-324, -5e-324, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2),
);
const { value: poisonValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    poisonString,
    poisonNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(poisonString, tie("value"), { maxKeys: 4 }),
  ),
}));
/** Deep nesting within limits (JSON.stringify itself overflows near a few thousand levels). */
const deepValue = fc.tuple(fc.integer({ min: 1, max: 400 }), poisonValue).map(([depth, leaf]) => {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { d: value };
  return value;
});
const poisonObject = fc.dictionary(poisonString, fc.oneof({ weight: 4, arbitrary: poisonValue }, { weight: 1, arbitrary: deepValue }), { maxKeys: 5 });

/** What one producing task does. */
const production = fc.record({
  logs: fc.array(fc.record({ message: poisonString, data: fc.option(poisonValue, { nil: undefined }) }), { maxLength: 3 }),
  progress: fc.option(fc.record({ done: fc.nat(), message: poisonString }), { nil: undefined }),
  checkpoint: fc.option(poisonObject, { nil: undefined }),
  end: fc.constantFrom("done", "error", "throw"),
  output: poisonObject,
  message: poisonString,
});
type Production = typeof production extends fc.Arbitrary<infer P> ? P : never;

/** The test's own oracle: does a value hold what a store cannot keep as given? */
function unsafe(value: unknown): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (typeof value === "string") return /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
  if (Array.isArray(value)) return value.some(unsafe);
  if (value && typeof value === "object") return Object.entries(value).some(([k, v]) => unsafe(k) || unsafe(v));
  return false;
}

/** What JSON keeps of a value the task produced: unstorable characters replaced, non-finite numbers null. */
const asStored = (value: unknown) => JSON.parse(JSON.stringify(replaceNul(value)));

/** Nothing in a stored value (any JSON) may hold a NUL or a lone surrogate. */
function clean(value: unknown): boolean {
  return !jsonHasNul(JSON.stringify(value) ?? "");
}

/** Every item of a list, page by page. */
async function everyPage<T>(page: (after: string | null) => Promise<{ items: T[]; meta: { cursor: string | null } }>): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  do {
    const result = await page(after);
    items.push(...result.items);
    after = result.meta.cursor;
  } while (after);
  return items;
}

for (const kind of await storeKinds()) {
  describe(`poison data fuzz (${kind.name})`, () => {
    const stores: TestStore[] = [];
    after(() => Promise.all(stores.map((s) => s.cleanup())));

    it("refuses exactly the unstorable triggers, ends every task, and leaves batch neighbours untouched", { timeout: 120_000 }, async () => {
      const started = Date.now();
      const store = await kind.create();
      stores.push(store);
      const batches: string[][] = [];
      const adapter = withOverrides(store.adapter, {
        taskFinishMany: (real) => (params: TaskFinishManyParams) => {
          batches.push(params.finishes.map((p) => p.id));
          return real(params);
        },
      });
      const inputs = fc.sample(poisonObject, { numRuns: CASES, seed: SEED });
      const productions = fc.sample(production, { numRuns: CASES, seed: SEED + 1 });

      const echo = createTaskDefinition<Record<string, unknown>>({
        id: "echo",
        title: "Echo",
        run: ({ input, response }) => response.done({ echoed: input }),
      });
      const producer = createTaskDefinition<{ case: number; step?: number }>({
        id: "producer",
        title: "Producer",
        run: async ({ input, response, store: taskStore, progress }) => {
          const p = productions[input.case]!;
          for (const log of p.logs) await taskStore.addInfoLog(log);
          if (p.progress) progress.set(p.progress);
          if (p.checkpoint && !input.step) return response.continue({ ...p.checkpoint, step: 1 } as never);
          if (p.end === "error") return response.error({ message: p.message });
          if (p.end === "throw") throw new Error(p.message);
          return response.done(p.output);
        },
      });
      const neighbour = createTaskDefinition<{ n: number }>({
        id: "neighbour",
        title: "Neighbour",
        run: ({ input, response }) => response.done({ n: input.n, text: "plain" }),
      });
      const stint = await createStint({ storage: adapter, definitions: [echo, producer, neighbour], useEnv: false });
      const worker = stint.createWorker({ leaseMs: 60_000, concurrency: 16, logFlushIntervalMs: 60_000 });

      // Triggers: refused exactly when the input is unsafe, else stored as JSON keeps it.
      let refused = 0;
      const echoes: { id: string; input: Record<string, unknown> }[] = [];
      for (const input of inputs) {
        const bad = unsafe(input);
        try {
          const task = await stint.tasks.trigger({ definition: echo, input });
          assert.equal(bad, false, `accepted an unsafe input (seed ${SEED})`);
          assert.deepEqual(task.input, JSON.parse(JSON.stringify(input)));
          echoes.push({ id: task.id, input: JSON.parse(JSON.stringify(input)) });
        } catch (error) {
          assert.ok(isStintError(error, "INVALID_ARGUMENT"), `seed ${SEED}: ${String(error)}`);
          assert.equal(bad, true, `refused a safe input (seed ${SEED}): ${error.message}`);
          refused++;
        }
      }
      const produced = await stint.tasks.triggerMany(
        productions.flatMap((_, i) => [
          { definition: producer, input: { case: i } },
          { definition: neighbour, input: { n: i } },
        ]),
      );
      await worker.drain();

      const all = { items: await everyPage((after) => stint.tasks.listTasks({ limit: 1000, after })) };
      const byId = new Map(all.items.map((t) => [t.id, t]));
      const stuck = all.items.filter((t) => t.taskStatus === "pending" || t.taskStatus === "running");
      assert.equal(stuck.length, 0, `stuck tasks (seed ${SEED}): ${stuck.map((t) => t.definitionId).join(", ")}`);
      for (const { id, input } of echoes) {
        assert.equal(byId.get(id)!.taskStatus, "success");
        assert.deepEqual(byId.get(id)!.output, Object.keys(input).length === 0 ? { echoed: {} } : { echoed: input });
      }
      const neighbourIds = new Set<string>();
      productions.forEach((p, i) => {
        const task = byId.get(produced[2 * i]!.id)!;
        const next = byId.get(produced[2 * i + 1]!.id)!;
        neighbourIds.add(next.id);
        assert.equal(next.taskStatus, "success", `neighbour ${i} (seed ${SEED})`);
        assert.deepEqual(next.output, { n: i, text: "plain" });
        const context = `case ${i} (seed ${SEED})`;
        assert.equal(task.taskStatus, p.end === "done" ? "success" : "failed", context);
        if (p.end === "done") {
          assert.deepEqual(task.output, Object.keys(p.output).length === 0 ? undefined : asStored(p.output), context);
        } else {
          // An empty message is shaped as any (error-shape.ts): the Error's name, or "Unknown error.".
          const message = p.message !== "" ? replaceNul(p.message) : p.end === "throw" ? "Error" : "Unknown error.";
          assert.equal((task.output as { error: { message: string } }).error.message, message, context);
        }
        if (p.checkpoint) assert.deepEqual(task.input, asStored({ case: i, ...p.checkpoint, step: 1 }), context);
        if (p.progress) assert.equal(task.progress?.message, replaceNul(sliceText(p.progress.message, 500)), context);
        for (const value of [task.output, task.input, task.progress, task.name]) assert.ok(clean(value), context);
      });
      const logs = { items: await everyPage((after) => stint.tasks.listLogs({ limit: 1000, after })) };
      for (const log of logs.items) {
        for (const item of log.items) assert.ok(!hasUnstorableChar(item.message) && clean(item.data) && clean(item.error), `log of ${log.task}`);
      }
      const mixed = batches.filter((batch) => batch.some((id) => neighbourIds.has(id)) && batch.some((id) => !neighbourIds.has(id))).length;
      assert.ok(mixed > 0, "neighbours shared finish batches with producing tasks");
      await stint.close();
      console.log(
        `poison fuzz (${kind.name}, seed ${SEED}): ${CASES} cases, ${inputs.length} triggers (${refused} refused), ` +
          `${all.items.length} tasks, ${batches.length} finish batches (largest ${Math.max(...batches.map((b) => b.length))}, ` +
          `${mixed} mixing neighbours), stuck ${stuck.length}, ${Date.now() - started} ms`,
      );
    });
  });
}

/**
 * Property-based hostile input over TaskService: whatever arrives (wrong types, huge or
 * odd values, prototype tricks, unknown ids), every call either succeeds or throws a
 * StintError (or the definition's own onBeforeTrigger veto, passed on unchanged), never
 * another error type, and a refused call changes nothing stored.
 * HOSTILE_RUNS sets the runs per property (default 300).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createStint, type Stint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { StintError } from "../../src/domain/errors.js";
import { storeKinds, type TestStore } from "../helpers/stores.js";

const RUNS = Number(process.env.HOSTILE_RUNS ?? 300);

const echo = createTaskDefinition({ id: "echo", title: "Echo", run: async ({ response }) => response.done() });
const validated = createTaskDefinition<{ count: number; label?: string }>({
  id: "validated",
  title: "Validated",
  createInputValidation: ({ validator }) => ({ count: validator.number().int().min(0), label: validator.string().max(20).optional() }),
  run: async ({ response }) => response.done(),
});
const vetoing = createTaskDefinition<{ veto?: unknown }>({
  id: "vetoing",
  title: "Vetoing",
  onBeforeTrigger: async ({ data }) => {
    if ((data.input as { veto?: unknown }).veto) throw new Error("vetoed by the definition");
  },
  run: async ({ response }) => response.done(),
});

/** Values of every shape JavaScript callers can pass, odd ones included. */
const anything = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withObjectString: true,
  maxDepth: 3,
});

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom("", " ", "__proto__", "constructor", "toString", "'; DROP TABLE tasks; --", "\u0000", "a".repeat(100_000), "%", "_", "\\"),
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, 1e308, -1, 30_672_000, 30_672_001, 0.0001),
);
const definitionRef = fc.oneof(
  fc.constantFrom("echo", "validated", "vetoing", "ECHO", "nope", ""),
  fc.constantFrom(echo, validated, vetoing),
  fc.record({ id: fc.oneof(hostileString, anything) }),
  anything,
);
const input = fc.oneof(
  fc.record({ count: fc.oneof(fc.nat(), hostileNumber, anything), label: fc.oneof(hostileString, anything) }, { requiredKeys: [] }),
  fc.record({ veto: fc.oneof(fc.boolean(), anything) }),
  fc.dictionary(hostileString, anything, { maxKeys: 5 }),
  fc.constant({ big: "x".repeat(1024 * 1024 + 10) }),
  anything,
);

interface Known {
  ids: string[];
}

function triggerParams(known: Known) {
  const parent = fc.oneof(
    fc.constantFrom(...(known.ids.length ? known.ids : ["none"])),
    fc.record({ id: fc.oneof(fc.constantFrom(...(known.ids.length ? known.ids : ["none"])), hostileString, anything) }),
    fc.stringMatching(/^[0-9a-f]{24}$/),
    hostileString,
    anything,
  );
  return fc.oneof(
    fc.record(
      {
        definition: definitionRef,
        input,
        name: fc.oneof(hostileString, anything),
        delay: fc.oneof(hostileNumber, anything),
        parent,
      },
      { requiredKeys: ["definition"] },
    ),
    anything,
  );
}

function taskId(known: Known) {
  return fc.oneof(
    fc.constantFrom(...(known.ids.length ? known.ids : ["none"])),
    fc.stringMatching(/^[0-9a-f]{24}$/),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    hostileString,
    anything,
  );
}

const listParams = fc.oneof(
  fc.record(
    {
      where: fc.oneof(
        fc.dictionary(
          fc.oneof(
            fc.constantFrom("taskStatus", "taskStatus_in", "iterations_gt", "createdOn_lt", "name_contains", "id_not_in", "parentId", "definitionId_startsWith", "iterations_between", "createdBy", "unknown_op", "_", "__proto__"),
            hostileString,
          ),
          fc.oneof(anything, hostileString, hostileNumber, fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 3 })),
          { maxKeys: 4 },
        ),
        anything,
      ),
      sort: fc.oneof(fc.array(fc.oneof(fc.constantFrom("createdOn_DESC", "values_createdOn_ASC", "name_ASC", "x_DESC", "createdOn"), hostileString), { maxLength: 3 }), anything),
      limit: fc.oneof(hostileNumber, anything),
      after: fc.oneof(hostileString, fc.base64String(), anything),
      search: fc.oneof(hostileString, anything),
    },
    { requiredKeys: [] },
  ),
  anything,
);

for (const kind of await storeKinds()) {
  describe(`hostile TaskService input (${kind.name})`, () => {
    let store: TestStore;
    let stint: Stint;
    const known: Known = { ids: [] };

    before(async () => {
      store = await kind.create();
      stint = await createStint({ storage: store.adapter, definitions: [echo, validated, vetoing], useEnv: false });
      // No worker: nothing changes the store but the calls under test.
      for (let i = 0; i < 3; i++) known.ids.push((await stint.tasks.trigger({ definition: "echo", input: { i } })).id);
    });
    after(async () => {
      await stint.close();
      await store.cleanup();
    });

    /** Everything a call could change, as one comparable string. */
    async function snapshot(): Promise<string> {
      const tasks = await stint.tasks.listTasks({ limit: 1000, sort: ["createdOn_ASC"] });
      const logs = await stint.tasks.listLogs({ limit: 1000 });
      return JSON.stringify([tasks.meta.totalCount, tasks.items.map((t) => [t.id, t.taskStatus, t.savedOn]), logs.meta.totalCount]);
    }

    /** Runs `call`; a refusal must be a StintError and leave the store as it was. */
    async function refusesCleanly(call: () => Promise<unknown>): Promise<"ok" | "refused"> {
      const before = await snapshot();
      try {
        await call();
        return "ok";
      } catch (error) {
        // onBeforeTrigger's own veto reaches the caller unchanged (Webiny); anything else is Stint's.
        const veto = error instanceof Error && error.message === "vetoed by the definition";
        if (!(error instanceof StintError) && !veto) {
          throw new Error(`not a StintError: ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`);
        }
        assert.equal(await snapshot(), before, `refused with ${veto ? "the veto" : (error as StintError).code} but the store changed`);
        return "refused";
      }
    }

    it("trigger: succeeds (storing exactly one task) or throws a StintError storing nothing", async () => {
      await fc.assert(
        fc.asyncProperty(triggerParams(known), async (params) => {
          const count = (await stint.tasks.listTasks({ limit: 1 })).meta.totalCount;
          const outcome = await refusesCleanly(() => stint.tasks.trigger(params as never));
          const after = (await stint.tasks.listTasks({ limit: 1 })).meta.totalCount;
          assert.equal(after, count + (outcome === "ok" ? 1 : 0));
        }),
        { numRuns: RUNS },
      );
    });

    it("triggerMany: all stored or none, refusals are StintErrors", async () => {
      const valid = fc.record({ definition: fc.constant("echo"), input: fc.record({ n: fc.nat() }) });
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.array(fc.oneof(valid, triggerParams(known)), { maxLength: 6 }), anything), async (list) => {
          const count = (await stint.tasks.listTasks({ limit: 1 })).meta.totalCount;
          const outcome = await refusesCleanly(() => stint.tasks.triggerMany(list as never));
          const after = (await stint.tasks.listTasks({ limit: 1 })).meta.totalCount;
          const expected = outcome === "ok" ? (list as unknown[]).length : 0;
          assert.equal(after, count + expected);
        }),
        { numRuns: RUNS },
      );
    });

    it("getTask / abort / deleteTask with arbitrary ids: a result or a StintError, nothing changed when refused", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("getTask", "abort", "deleteTask"),
          taskId(known),
          fc.oneof(hostileString, anything),
          async (method, id, message) => {
            await refusesCleanly(async () => {
              if (method === "getTask") return stint.tasks.getTask(id as string);
              if (method === "deleteTask") return stint.tasks.deleteTask(id as string);
              return stint.tasks.abort({ id: id as string, message: message as string });
            });
          },
        ),
        { numRuns: RUNS },
      );
      // A non-object abort argument.
      await fc.assert(fc.asyncProperty(anything, async (params) => void (await refusesCleanly(() => stint.tasks.abort(params as never)))), {
        numRuns: Math.ceil(RUNS / 3),
      });
    });

    it("refuses ids, delays and definitions that String() cannot convert with a StintError", async () => {
      const odd = [Object.create(null), { toString: 1 }, { [Symbol.toPrimitive]: () => { throw new Error("no"); } }];
      for (const value of odd) {
        await refusesCleanly(() => stint.tasks.getTask(value));
        await refusesCleanly(() => stint.tasks.deleteTask(value));
        await refusesCleanly(() => stint.tasks.abort({ id: value }));
        await refusesCleanly(() => stint.tasks.trigger({ definition: "echo", delay: value }));
        await refusesCleanly(() => stint.tasks.trigger({ definition: { id: value } as never }));
        await refusesCleanly(() => stint.tasks.trigger({ definition: "echo", parent: { id: value } }));
      }
    });

    it("listTasks / listLogs with arbitrary where, sort, limit, after and search: a page or a StintError", async () => {
      await fc.assert(
        fc.asyncProperty(fc.boolean(), listParams, async (logs, params) => {
          const outcome = await refusesCleanly(() => (logs ? stint.tasks.listLogs(params as never) : stint.tasks.listTasks(params as never)));
          if (outcome === "ok") {
            const page = await (logs ? stint.tasks.listLogs(params as never) : stint.tasks.listTasks(params as never));
            assert.ok(Array.isArray(page.items) && typeof page.meta.totalCount === "number");
          }
        }),
        { numRuns: RUNS },
      );
    });
  });
}

/**
 * Property: nothing a task does strands it. run() returns anything (results of both
 * styles, Webiny's plain results, garbage, non-JSON outputs), throws anything (Errors,
 * strings, null, symbols, hostile proxies), hangs briefly first or not; hooks throw,
 * return garbage or hang briefly. On both stores, every task reaches a terminal status
 * with its hooks settled, while no store write fails (no `worker:error`), and until then
 * every unfinished task is due again at some time (a row `running` with nothing to pick
 * it up is what "stranded" means).
 *
 * STINT_PROPERTY_RUNS sets the runs per store (default 30; docs/reliability.md keeps the
 * figures of a run).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { storeKinds } from "../helpers/stores.js";
import { stintFixture, type StintFixture } from "../helpers/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { TaskDefinition } from "../../src/definition/task-definition.js";
import type { AnyTaskDefinition, TaskController } from "../../src/definition/types.js";
import { isTerminalStatus } from "../../src/domain/task.js";

const RUNS = Number(process.env.STINT_PROPERTY_RUNS ?? 30);
/** Rounds of drain + clock jump before a task counts as stranded. */
const MAX_ROUNDS = 40;
/** A liveness guard, not a timing: a drain that never settles is a task retried for ever. */
const DRAIN_GUARD_MS = 15_000;

type Step =
  | { t: "respDone" | "respError" | "respAborted" | "plainAborted" | "updateThenDone" }
  | { t: "respContinue"; seconds: number }
  | { t: "plainDone"; output: unknown; message: unknown }
  | { t: "plainContinue"; wait: unknown }
  | { t: "plainError"; error: unknown }
  | { t: "garbage"; value: unknown }
  | { t: "nonJson"; kind: "bigint" | "function" | "cycle" | "symbol" | "map" }
  | { t: "throw"; kind: "error" | "string" | "null" | "undefined" | "object" | "symbol" | "proxy" | "number" };
type Behaviour = { step: Step; hangMs: number };
type HookPlan = "ok" | "throwError" | "throwString" | "throwNull" | "throwSymbol" | "garbage" | "reject" | "hang";
interface Plan {
  style: "v5" | "v6" | "retry";
  iterations: Behaviour[];
  hook: HookPlan;
}

const anything = fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withBoxedValues: true });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom<Step>({ t: "respDone" }, { t: "respError" }, { t: "respAborted" }, { t: "plainAborted" }, { t: "updateThenDone" }),
  fc.record({ t: fc.constant("respContinue" as const), seconds: fc.integer({ min: 0, max: 120 }) }),
  fc.record({ t: fc.constant("plainDone" as const), output: fc.oneof(fc.constant(undefined), fc.jsonValue(), anything), message: fc.oneof(fc.constant(undefined), fc.string(), anything) }),
  fc.record({ t: fc.constant("plainContinue" as const), wait: fc.oneof(fc.constant(undefined), fc.integer({ min: -5, max: 90 }), fc.double(), fc.date(), anything) }),
  fc.record({ t: fc.constant("plainError" as const), error: anything }),
  fc.record({ t: fc.constant("garbage" as const), value: anything }),
  fc.record({ t: fc.constant("nonJson" as const), kind: fc.constantFrom("bigint" as const, "function" as const, "cycle" as const, "symbol" as const, "map" as const) }),
  fc.record({
    t: fc.constant("throw" as const),
    kind: fc.constantFrom("error" as const, "string" as const, "null" as const, "undefined" as const, "object" as const, "symbol" as const, "proxy" as const, "number" as const),
  }),
);
const planArb: fc.Arbitrary<Plan> = fc.record({
  style: fc.constantFrom("v5" as const, "v6" as const, "retry" as const),
  iterations: fc.array(fc.record({ step: stepArb, hangMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 })) }), { minLength: 1, maxLength: 4 }),
  hook: fc.constantFrom<HookPlan>("ok", "throwError", "throwString", "throwNull", "throwSymbol", "garbage", "reject", "hang"),
});

/** Plans by id (they hold values a store cannot: the task's input carries only the id). */
const plans = new Map<string, Plan>();
let nextPlan = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function thrown(kind: Extract<Step, { t: "throw" }>["kind"]): unknown {
  switch (kind) {
    case "error":
      return Object.assign(new Error("generated failure"), { code: "GENERATED" });
    case "string":
      return "a thrown string";
    case "null":
      return null;
    case "undefined":
      return undefined;
    case "object":
      return { reason: "no message here" };
    case "symbol":
      return Symbol("thrown");
    case "number":
      return 7;
    case "proxy":
      return new Proxy(
        {},
        {
          get() {
            throw new Error("hostile getter");
          },
        },
      );
  }
}

function nonJson(kind: Extract<Step, { t: "nonJson" }>["kind"]): unknown {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const values = { bigint: 1n, function: () => 1, cycle, symbol: Symbol("s"), map: new Map([[1, 2]]) };
  return { status: "done", output: { value: values[kind] } };
}

async function act(behaviour: Behaviour, controller: TaskController): Promise<unknown> {
  if (behaviour.hangMs > 0) await sleep(behaviour.hangMs);
  const { step } = behaviour;
  switch (step.t) {
    case "respDone":
      return controller.response.done("Generated done.", { ok: true });
    case "respError":
      return controller.response.error(new Error("generated error response"));
    case "respAborted":
      return controller.response.aborted();
    case "plainAborted":
      return { status: "aborted" };
    case "updateThenDone":
      await controller.state.updateOutput({ early: 1 });
      return controller.response.done();
    case "respContinue":
      return controller.response.continue({ touched: true }, { seconds: step.seconds });
    case "plainDone":
      return { status: "done", output: step.output, message: step.message };
    case "plainContinue":
      return { status: "continue", input: { touched: true }, wait: step.wait };
    case "plainError":
      return { status: "error", error: step.error };
    case "garbage":
      return step.value;
    case "nonJson":
      return nonJson(step.kind);
    case "throw":
      throw thrown(step.kind);
  }
}

async function hook(plan: Plan): Promise<unknown> {
  switch (plan.hook) {
    case "ok":
      return undefined;
    case "throwError":
      throw new Error("hook failed");
    case "throwString":
      throw "hook string";
    case "throwNull":
      throw null;
    case "throwSymbol":
      throw Symbol("hook");
    case "garbage":
      return { status: "nonsense", big: 1n };
    case "reject":
      return Promise.reject(undefined);
    case "hang":
      await sleep(3);
      return 42;
  }
}

function behaviourFor(input: { plan: string }, iterations: number): { plan: Plan; behaviour: Behaviour } {
  const plan = plans.get(input.plan)!;
  return { plan, behaviour: plan.iterations[Math.min(iterations - 1, plan.iterations.length - 1)] };
}

const hooks = {
  onDone: ({ task }: { task: { input: unknown } }) => hook(plans.get((task.input as { plan: string }).plan)!),
  onError: ({ task }: { task: { input: unknown } }) => hook(plans.get((task.input as { plan: string }).plan)!),
  onAbort: ({ task }: { task: { input: unknown } }) => hook(plans.get((task.input as { plan: string }).plan)!),
  onMaxIterations: ({ task }: { task: { input: unknown } }) => hook(plans.get((task.input as { plan: string }).plan)!),
};

const v5 = createTaskDefinition<{ plan: string }>({
  id: "propertyV5",
  title: "Property v5",
  maxIterations: 4,
  run: async ({ input, store, response }) => {
    const { behaviour } = behaviourFor(input, store.getTask().iterations);
    // act() needs only response and updateOutput: the v5 params have both.
    return act(behaviour, { response, state: { updateOutput: store.updateOutput } } as never) as never;
  },
  ...(hooks as object), // hooks that return garbage on purpose
});

class V6 implements TaskDefinition.Interface<{ plan: string }> {
  id = "propertyV6";
  title = "Property v6";
  maxIterations = 4;
  run({ input, controller }: TaskDefinition.RunParams<{ plan: string }>) {
    return act(behaviourFor(input, controller.state.getTask().iterations).behaviour, controller as never) as never;
  }
  onDone = hooks.onDone as never;
  onError = hooks.onError as never;
  onAbort = hooks.onAbort as never;
  onMaxIterations = hooks.onMaxIterations as never;
}
const v6 = TaskDefinition.createImplementation({ implementation: V6 });

class Retrying extends V6 {
  override id = "propertyRetry";
  override title = "Property retry";
  retry = { attempts: 2, initialDelaySeconds: 1, jitter: false };
}
const retrying = TaskDefinition.createImplementation({ implementation: Retrying });

const definitionFor: Record<Plan["style"], AnyTaskDefinition> = { v5, v6, retry: retrying };

/** Figures of the last run per store, printed for docs/reliability.md. */
const figures: Record<string, { runs: number; tasks: number; stuck: number; byStatus: Record<string, number> }> = {};

for (const kind of await storeKinds()) {
  describe(`no stranded tasks (${kind.name})`, () => {
    let f: StintFixture;
    const workerErrors: unknown[] = [];
    before(async () => {
      f = await stintFixture(kind, [v5, v6, retrying]);
      f.worker.events.on("worker:error", ({ error, during }) => workerErrors.push(`${during}: ${String((error as Error)?.message ?? error)}`));
    });
    after(async () => {
      await f.close();
      const fig = figures[kind.name];
      if (fig) console.log(`# no-stranded-tasks ${kind.name}: ${fig.runs} runs, ${fig.tasks} tasks, stuck ${fig.stuck}, ${JSON.stringify(fig.byStatus)}`);
    });

    it("brings every task to a terminal status with its hooks settled, whatever run() and the hooks do", async () => {
      const fig = (figures[kind.name] = { runs: 0, tasks: 0, stuck: 0, byStatus: {} as Record<string, number> });
      await fc.assert(
        fc.asyncProperty(fc.array(planArb, { minLength: 1, maxLength: 6 }), async (batch) => {
          fig.runs++;
          const ids: string[] = [];
          for (const plan of batch) {
            const key = `p${nextPlan++}`;
            plans.set(key, plan);
            ids.push((await f.stint.tasks.trigger({ definition: definitionFor[plan.style], input: { plan: key } })).id);
          }
          fig.tasks += ids.length;
          const definitionIds = f.stint.definitions.ids();
          for (let round = 0; ; round++) {
            let guard: NodeJS.Timeout | undefined;
            await Promise.race([
              f.worker.drain(),
              new Promise((_, reject) => {
                guard = setTimeout(() => reject(new Error(`drain never settled: ${workerErrors.slice(0, 3).join("; ")}`)), DRAIN_GUARD_MS);
              }),
            ]).finally(() => clearTimeout(guard));
            const tasks = await Promise.all(ids.map((id) => f.stint.storage.taskGet({ id })));
            const open = tasks.filter((task) => !isTerminalStatus(task!.taskStatus));
            const nextDue = await f.stint.storage.taskNextDueAt({ definitionIds });
            if (open.length === 0 && nextDue === null) {
              for (const task of tasks) fig.byStatus[task!.taskStatus] = (fig.byStatus[task!.taskStatus] ?? 0) + 1;
              break;
            }
            // An unfinished task (or a terminal one owing hooks) must be due again at some time.
            assert.notEqual(nextDue, null, `stranded: ${open.map((t) => `${t!.id} ${t!.taskStatus}`).join(", ")}`);
            if (round >= MAX_ROUNDS) {
              fig.stuck += open.length;
              assert.fail(`not finished after ${MAX_ROUNDS} rounds: ${open.map((t) => `${t!.id} ${t!.taskStatus} it=${t!.iterations}`).join(", ")}`);
            }
            f.clock.set(Math.max(f.clock.now(), nextDue!));
          }
          assert.deepEqual(workerErrors, [], "no store write failed");
        }),
        { numRuns: RUNS },
      );
    });
  });
}

/** `stint trigger <definition> --input '<json>' [--watch]` */
import type { Command } from "commander";
import type { TaskRecord as Task } from "../domain/task-record.js";
import { addJsonOption, addStoreOptions, parseJsonInput } from "./common.js";
import { prepare, withStint, type CommonFlags } from "./context.js";
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, UsageError } from "./errors.js";
import { integer } from "./options.js";
import { printJson, stdio } from "./output.js";
import { checkFlowValues, checkTriggerValues } from "../service/trigger-values.js";
import { watchTask } from "./watch.js";

interface TriggerFlags extends CommonFlags {
  input?: string;
  name?: string;
  delay?: string;
  watch?: boolean;
  interval?: string;
  priority?: string;
  idempotencyKey?: string;
  idempotencyKeyTtl?: string;
  concurrencyKey?: string;
}

export function registerTrigger(program: Command): void {
  const command = program
    .command("trigger")
    .description("start a task: store it as pending for a worker to run; --watch follows it to the end")
    .argument("<definition>", "definition id (see: stint definitions)")
    .option("-i, --input <json>", "task input as a JSON object", "{}")
    .option("-n, --name <name>", "task name (default: the definition's title)")
    .option("--delay <seconds>", "seconds before the first iteration may start (at most 355 days)")
    .option("--priority <n>", "an integer; higher runs first among due tasks (default 0)")
    .option("--idempotency-key <key>", "return the task of this definition holding this key instead of storing another")
    .option("--idempotency-key-ttl <seconds>", "the key counts only for a task created this recently")
    .option("--concurrency-key <key>", "the group the definition's concurrency limit counts this task in (instead of its key(input))")
    .option("-w, --watch", "follow the task: progress bar, iterations, log lines, final status and output; exit 0 on success, 1 on failure or abort")
    .option("--interval <ms>", "how often --watch polls the store", "200");
  addJsonOption(addStoreOptions(command));
  // Runnable as written in this repository (tests/cli/help-examples.test.ts runs them).
  command.addHelpText("after", `
Examples, with this repository's example config (npm start writes .stint/orders.csv):
  stint trigger importCsv --input '{"file":".stint/orders.csv"}' --watch --config examples/stint.config.ts
  stint trigger checksumTree --input '{"directories":["src","examples"]}' --delay 60 --json --config examples/stint.config.ts`);
  command.action(async (definition: string, flags: TriggerFlags) => {
    process.exitCode = await trigger(definition, flags);
  });
}

async function trigger(definitionId: string, flags: TriggerFlags): Promise<number> {
  // Every check that needs no store runs first: a refused trigger opens and stores nothing.
  const input = parseJsonInput(flags.input);
  const delay = flags.delay === undefined ? undefined : Number(flags.delay);
  // Numbers as typed ("1.5", "high" → NaN): the service's check words the refusal.
  const flow = {
    priority: flags.priority === undefined ? undefined : numberOrText(flags.priority),
    idempotencyKey: flags.idempotencyKey,
    idempotencyKeyTtlSeconds: flags.idempotencyKeyTtl === undefined ? undefined : numberOrText(flags.idempotencyKeyTtl),
    concurrencyKey: flags.concurrencyKey,
  };
  const intervalMs = integer("--interval", flags.interval ?? "200", 10, 60_000);
  const context = await prepare(flags, { command: "trigger", definitions: true, store: "create" });
  const definition = context.registry.get(definitionId);
  if (!definition) {
    const known = context.registry.ids();
    throw new UsageError(`unknown task definition "${definitionId}" in ${context.loaded.path}${known.length ? `; known: ${known.join(", ")}` : ""}`);
  }
  // The service's own value checks, before any store is opened: a refused trigger creates none.
  checkFlowValues(definition, flow);
  await checkTriggerValues(definition, { input, name: flags.name ?? definition.title, delay });

  return withStint(context, async (stint) => {
    const task = await stint.tasks.trigger({ definition: definitionId, input, name: flags.name, delay, ...(flow as object) });
    if (!flags.watch) {
      if (flags.json) printJson(task);
      else stdio.out(`Triggered ${task.definitionId} as task ${task.id} (${task.taskStatus}). Follow it: stint logs ${task.id} --follow`);
      return EXIT_OK;
    }
    if (!flags.json) stdio.out(`Task ${task.id} (${task.definitionId}) triggered; watching it (Ctrl-C to abort or detach)`);
    const { task: last, detached } = await watchTask(stint.tasks, task.id, { intervalMs, live: !flags.json });
    if (flags.json) printJson(last);
    else printOutcome(last, detached);
    if (detached) return EXIT_INTERRUPTED;
    return last.taskStatus === "success" ? EXIT_OK : EXIT_FAILURE;
  });
}

/** A flag's number, or its text when it is none (so the refusal can quote it). */
function numberOrText(value: string): number | string {
  const number = Number(value);
  return value.trim() !== "" && Number.isFinite(number) ? number : value;
}

function printOutcome(task: Task, detached: boolean): void {
  if (detached) {
    stdio.out(`Stopped watching; task ${task.id} is still ${task.taskStatus}. Abort it with: stint abort ${task.id}`);
    return;
  }
  const iterations = `${task.iterations} iteration${task.iterations === 1 ? "" : "s"}`;
  const summary: Record<string, string> = { success: "Succeeded", failed: "Failed", aborted: "Aborted" };
  stdio.out(`${summary[task.taskStatus] ?? task.taskStatus} after ${iterations}: task ${task.id} is ${task.taskStatus}`);
  if (task.output) stdio.out(`Output: ${JSON.stringify(task.output, null, 2)}`);
}

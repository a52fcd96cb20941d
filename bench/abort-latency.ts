/**
 * How soon a running iteration sees an abort sent from another process: the measure
 * behind docs/reliability.md "Abort latency". Not part of `npm run bench` (a scratch
 * measurement, run by hand):
 *
 *   node --import tsx bench/abort-latency.ts [--aborts 200] [--database <url>]
 *
 * Default store: a fresh SQLite file. For PostgreSQL pass a URL with a schema of its own
 * (`postgres://postgres@127.0.0.1:5432/test?schema=stint_abort_latency`); it is dropped
 * at the end. This process runs a worker (default lease and
 * heartbeat: 30 s / 10 s, so a renewal cannot be what delivers the abort); a child
 * process opens the same store and aborts each task 0–100 ms (random) after its run()
 * started. The
 * latency of one abort is from the moment the child's `abort()` returned (the abort is
 * committed) to the moment run() saw its signal fire, both read from the same wall clock
 * (performance.timeOrigin + performance.now(), sub-millisecond, shared by the processes).
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createStint } from "../src/stint.js";
import { TaskDefinition } from "../src/definition/task-definition.js";

const now = () => performance.timeOrigin + performance.now();

class Hold implements TaskDefinition.Interface {
  id = "hold";
  title = "Hold until aborted";
  run({ controller }: TaskDefinition.RunParams): Promise<TaskDefinition.Result> {
    started?.(controller.runtime.signal);
    return new Promise((resolve) => controller.runtime.signal.addEventListener("abort", () => resolve(controller.response.done())));
  }
}
const hold = TaskDefinition.createImplementation({ implementation: Hold });
let started: ((signal: AbortSignal) => void) | undefined;

type ToChild = { id: string } | { done: true };
type FromChild = { ready: true } | { id: string; sentAt: number; committedAt: number };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function child(database: string): Promise<void> {
  const stint = await createStint({ database, definitions: [hold], useEnv: false });
  process.on("message", async (message: ToChild) => {
    if ("done" in message) {
      await stint.close();
      process.exit(0);
    }
    const sentAt = now();
    await stint.tasks.abort({ id: message.id });
    process.send!({ id: message.id, sentAt, committedAt: now() } satisfies FromChild);
  });
  process.send!({ ready: true } satisfies FromChild);
}

async function parent(): Promise<void> {
  const aborts = Number(arg("--aborts", "200"));
  const dir = mkdtempSync(join(tmpdir(), "stint-abort-latency-"));
  const database = arg("--database", `sqlite:${join(dir, "stint.db")}`);
  const stint = await createStint({ database, definitions: [hold], useEnv: false });
  const worker = stint.createWorker({ concurrency: 1 });
  worker.start();
  const abortingProcess = fork(fileURLToPath(import.meta.url), ["--child", database], { execArgv: process.execArgv });
  const replies: ((message: FromChild) => void)[] = [];
  abortingProcess.on("message", (message: FromChild) => replies.shift()?.(message));
  const reply = () => new Promise<FromChild>((resolve) => replies.push(resolve));
  await reply(); // ready

  const fromCommit: number[] = [];
  const fromCall: number[] = [];
  for (let i = 0; i < aborts; i++) {
    const running = new Promise<AbortSignal>((resolve) => (started = resolve));
    const { id } = await stint.tasks.trigger({ definition: hold });
    const signal = await running;
    const seen = new Promise<number>((resolve) => signal.addEventListener("abort", () => resolve(now()), { once: true }));
    // At a random moment of the run: sent at once, every abort would come just after the
    // worker became busy and its watch started, always the same phase of the watch's period.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
    const answered = reply();
    abortingProcess.send({ id } satisfies ToChild);
    const [seenAt, sent] = await Promise.all([seen, answered]);
    if (!("sentAt" in sent)) throw new Error("unexpected reply");
    fromCommit.push(Math.max(0, seenAt - sent.committedAt));
    fromCall.push(seenAt - sent.sentAt);
  }
  abortingProcess.send({ done: true } satisfies ToChild);
  await stint.close();
  rmSync(dir, { recursive: true, force: true });
  const schema = database.startsWith("postgres") ? new URL(database).searchParams.get("schema") : null;
  if (schema) {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: database.replace(/[?&]schema=[^&]*/, "") });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
    await client.end();
  }

  const q = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(1);
  };
  const store = database.startsWith("sqlite:") ? "sqlite" : "postgres";
  console.log(`${store}: ${aborts} aborts from another process, latency to run()'s signal (ms)`);
  console.log(`  from the committed abort: p50 ${q(fromCommit, 50)}, p99 ${q(fromCommit, 99)}, max ${q(fromCommit, 100)}`);
  console.log(`  from the abort() call:    p50 ${q(fromCall, 50)}, p99 ${q(fromCall, 99)}, max ${q(fromCall, 100)}`);
}

if (process.argv.includes("--child")) await child(arg("--child", ""));
else await parent();

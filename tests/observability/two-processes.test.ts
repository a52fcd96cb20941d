/**
 * One trace across processes on PostgreSQL: this process triggers inside a request span;
 * two worker processes (each with its own SDK, exporting to a file) run a parent and the
 * children it triggers. The spans link up by trace id and parent span id.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SpanKind } from "@opentelemetry/api";
import { registerTestTracing, type SpanRecord } from "../helpers/otel.js";
import { isPostgresReachable, postgresStore } from "../helpers/stores.js";
import { waitFor } from "../helpers/stint.js";
import { createStint } from "../../src/stint.js";
import { fanOut, tracedLeaf } from "../fixtures/traced-fanout-definitions.js";

const tracing = registerTestTracing();
const script = fileURLToPath(new URL("../fixtures/traced-worker.ts", import.meta.url));

function startWorker(url: string, spansFile: string) {
  const child = spawn(process.execPath, ["--import", "tsx", script, url, spansFile], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  return { child, ready: waitFor(() => output, (o) => o.includes("ready"), 30_000) };
}

function stop(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  return exited;
}

const readSpans = (file: string): SpanRecord[] =>
  existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as SpanRecord) : [];

describe("one trace across two worker processes (postgres)", { skip: !(await isPostgresReachable()) && "PostgreSQL not reachable" }, () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("links the request, the parent's trigger and iteration, and the children run by the other process", async () => {
    const store = await postgresStore.create();
    const dir = mkdtempSync(join(tmpdir(), "stint-otel-"));
    cleanups.push(() => store.cleanup(), () => rmSync(dir, { recursive: true, force: true }));
    const files = [join(dir, "a.jsonl"), join(dir, "b.jsonl")];
    const workers = files.map((file) => startWorker(store.url, file));
    cleanups.push(() => Promise.all(workers.map((w) => stop(w.child))));
    await Promise.all(workers.map((w) => w.ready));

    const stint = await createStint({ storage: store.adapter, definitions: [fanOut, tracedLeaf], useEnv: false });
    cleanups.push(() => stint.close());
    const { id } = await tracing.tracer.startActiveSpan("POST /fan-out", async (span) => {
      try {
        return await stint.tasks.trigger({ definition: fanOut });
      } finally {
        span.end();
      }
    });
    const done = await waitFor(() => stint.tasks.getTask(id), (t) => t?.taskStatus === "success" || t?.taskStatus === "failed", 60_000);
    assert.equal(done!.taskStatus, "success");
    // The children's onDone hooks run after their outcome is stored: wait for their spans.
    await waitFor(() => files.flatMap(readSpans).filter((s) => s.name === "stint.hook").length, (n) => n === 3, 10_000);
    await Promise.all(workers.map((w) => stop(w.child)));

    const local = tracing.spans();
    const remote = files.flatMap(readSpans);
    const all = [...local, ...remote];
    const request = local.find((s) => s.name === "POST /fan-out")!;
    assert.ok(all.every((s) => s.traceId === request.traceId), "every span of every process is in the request's trace");

    const trigger = local.find((s) => s.name === "stint.trigger")!;
    assert.equal(trigger.parentSpanId, request.spanId);
    const parentIteration = remote.find((s) => s.name === "stint.iteration" && s.attributes["stint.task.id"] === id)!;
    assert.equal(parentIteration.parentSpanId, trigger.spanId, "the parent's iteration, in a worker process, is a child of the trigger here");
    assert.equal(parentIteration.kind, SpanKind.CONSUMER);

    const children = await stint.tasks.listChildren(id);
    assert.equal(children.length, 3);
    const childPids = new Set<number>();
    for (const child of children) {
      const childTrigger = remote.find((s) => s.name === "stint.trigger" && s.attributes["stint.task.id"] === child.id)!;
      assert.equal(childTrigger.parentSpanId, parentIteration.spanId, "triggered inside the parent's iteration");
      assert.equal(childTrigger.pid, parentIteration.pid);
      const childIteration = remote.find((s) => s.name === "stint.iteration" && s.attributes["stint.task.id"] === child.id)!;
      assert.equal(childIteration.parentSpanId, childTrigger.spanId, "the child's iteration continues its trigger's span");
      const hook = remote.find((s) => s.name === "stint.hook" && s.attributes["stint.task.id"] === child.id)!;
      assert.equal(hook.parentSpanId, childIteration.spanId);
      childPids.add(childIteration.pid);
    }
    assert.equal(childPids.size, 1);
    assert.notEqual([...childPids][0], parentIteration.pid, "the children ran in the other worker process");
  });
});

/**
 * The benchmark ↔ worker-process protocol (IPC messages), the parent's handle on a
 * worker process, and the RSS sampler the worker processes share.
 *
 * Sequence: child `ready` (store open, nothing claimed) → parent `start` → child
 * `reached` once `target` tasks are stored done → parent `stop` → child `result`, exits.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { wallMs } from "./stats.js";

export type ParentMessage = { type: "start" } | { type: "stop" };
export type ChildMessage =
  | { type: "ready" }
  | { type: "started"; at: number }
  | { type: "reached"; at: number; count: number }
  | { type: "result"; latencies: number[]; peakRss: number; maxRss: number; count: number }
  | { type: "error"; message: string };

export interface ChildResult {
  latencies: number[];
  /** Bytes: the highest `process.memoryUsage().rss` sampled, or `resourceUsage().maxRSS`, whichever is higher. */
  peakRss: number;
  count: number;
}

export class WorkerProcess {
  private readonly waiters = new Map<string, { resolve: (m: ChildMessage) => void; reject: (e: Error) => void }>();
  private readonly seen = new Map<string, ChildMessage>();
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message: ChildMessage) => {
      if (message.type === "error") return this.fail(new Error(`worker process: ${message.message}`));
      this.seen.set(message.type, message);
      const waiter = this.waiters.get(message.type);
      this.waiters.delete(message.type);
      waiter?.resolve(message);
    });
    child.on("exit", (code, signal) => {
      if (!this.seen.has("result")) this.fail(new Error(`worker process exited early (code ${code}, signal ${signal})`));
    });
  }

  /**
   * Forks `script` (named as its .ts file, next to this one or below) and waits for `ready`.
   * `npm run bench` runs the build in .bench-build/ (tsconfig.bench.json): the worker then
   * runs the compiled .js with plain node, as a deployed Stint would (tsx alone adds ~40 MB
   * RSS). Under tsx (tests/bench) this module is .ts and the worker keeps using tsx.
   */
  static async spawn(script: string, config: unknown): Promise<WorkerProcess> {
    const compiled = import.meta.url.endsWith(".js");
    const file = fileURLToPath(new URL(compiled ? script.replace(/\.ts$/, ".js") : script, import.meta.url));
    // BENCH_WORKER_NODE_OPTIONS, e.g. "--cpu-prof --cpu-prof-dir=bench/results/prof", profiles the worker.
    const extra = (process.env.BENCH_WORKER_NODE_OPTIONS ?? "").split(" ").filter(Boolean);
    const child = fork(file, [JSON.stringify(config)], {
      // execArgv is set either way, so the parent's own flags (e.g. --import tsx) are not inherited.
      execArgv: [...(compiled ? [] : ["--import", "tsx"]), ...extra],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const handle = new WorkerProcess(child);
    await handle.next("ready", 60_000);
    return handle;
  }

  /** The worker process's id (for its CPU times in /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: ParentMessage): void {
    this.child.send(message);
  }

  /** Resolves with the child's message of this type (already received or the next one). */
  next<T extends ChildMessage["type"]>(type: T, timeoutMs = 600_000): Promise<Extract<ChildMessage, { type: T }>> {
    if (this.exited) return Promise.reject(this.exited);
    const seen = this.seen.get(type);
    if (seen) return Promise.resolve(seen as Extract<ChildMessage, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker process: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(type, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<ChildMessage, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Asks the child to stop gracefully and returns what it measured. */
  async stop(): Promise<ChildResult> {
    this.send({ type: "stop" });
    const result = await this.next("result", 120_000);
    await new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once("exit", () => resolve())));
    return { latencies: result.latencies, peakRss: Math.max(result.peakRss, result.maxRss), count: result.count };
  }

  /** Linux: the process's peak RSS so far (VmHWM), in bytes; null elsewhere or once it exited. */
  peakRssNow(): number | null {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, "utf8"))?.[1];
      return kb ? Number(kb) * 1024 : null;
    } catch {
      return null;
    }
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
  }
}

/** Child side: samples RSS every `everyMs` while started. */
export class RssSampler {
  peak = 0;
  private timer: NodeJS.Timeout | undefined;

  start(everyMs = 50): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
}

/** Child side: typed send, and the start/stop handlers wired to the parent. */
export function childChannel(handlers: { start(): void | Promise<void>; stop(): Promise<Omit<Extract<ChildMessage, { type: "result" }>, "type">> }) {
  // Once the parent is gone, sending throws; an error report must not become a loop of them.
  const send = (message: ChildMessage) => (process.connected ? process.send?.(message) : undefined);
  const report = (error: unknown) => send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.on("message", (message: ParentMessage) => {
    if (message.type === "start") {
      Promise.resolve(handlers.start())
        .then(() => send({ type: "started", at: wallMs() }))
        .catch(report);
    } else if (message.type === "stop") {
      handlers
        .stop()
        .then((result) => {
          send({ type: "result", ...result });
          process.disconnect?.();
        })
        .catch(report);
    }
  });
  process.on("uncaughtException", report);
  process.on("unhandledRejection", report);
  // The parent is gone (its run ended, or it was killed or interrupted, e.g. by a closed
  // pipe) or has said goodbye after the result: nothing is left to measure for. Without
  // this, an interrupted benchmark left its worker process running, loading the machine
  // under every later measurement.
  process.on("disconnect", () => process.exit(0));
  return { send, report };
}

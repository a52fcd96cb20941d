/**
 * A Stint worker process with default settings, driven by the benchmark over IPC
 * (protocol: ./child.ts). Reports when `target` tasks are stored done, the latencies
 * its latency probes saw, and its peak RSS.
 *
 * argv[2]: JSON `{ "url": "<database url>", "target": <tasks> }`.
 */
import { createStint } from "../src/stint.js";
import { benchDefinitions } from "./definitions.js";
import { childChannel, RssSampler } from "./child.js";
import { wallMs } from "./stats.js";

interface Config {
  url: string;
  target: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as Config;
const latencies: number[] = [];
const stint = await createStint({
  database: config.url,
  definitions: benchDefinitions({ onLatency: (ms) => latencies.push(ms) }),
  useEnv: false,
  skipMigrations: true,
  // Metrics are on by default; STINT_BENCH_METRICS=off measures the drain without them.
  metrics: process.env.STINT_BENCH_METRICS !== "off",
});
const worker = stint.createWorker();
const rss = new RssSampler();
let done = 0;

const channel = childChannel({
  start() {
    rss.start();
    worker.start();
  },
  async stop() {
    await stint.close();
    const peakRss = rss.stop();
    return { latencies, peakRss, maxRss: process.resourceUsage().maxRSS * 1024, count: done };
  },
});

worker.events.on("worker:error", ({ error, during }) => console.error(`[bench worker] ${during}:`, error));
// task:done fires once the outcome is stored, so `target` of them means stored success.
worker.events.on("task:done", () => {
  if (++done === config.target) channel.send({ type: "reached", at: wallMs(), count: done });
});
channel.send({ type: "ready" });

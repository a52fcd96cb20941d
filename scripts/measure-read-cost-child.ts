/**
 * Child of measure-read-cost.ts: serves the GraphQL API of one store with the Stint
 * source at argv[2] (so the same script measures two versions of the code), and reports
 * its own peak memory and event-loop stall when the parent asks.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const [srcRoot, database] = process.argv.slice(2);
const { createStint } = (await import(pathToFileURL(join(srcRoot, "stint.ts")).href)) as typeof import("../src/stint.js");

const stint = await createStint({ database, definitions: [], useEnv: false });
const server = await stint.startServer({ port: 0, env: {} });

let peakHeap = 0;
let peakRss = 0;
const sample = () => {
  const usage = process.memoryUsage();
  peakHeap = Math.max(peakHeap, usage.heapUsed + usage.external + usage.arrayBuffers);
  peakRss = Math.max(peakRss, usage.rss);
};
const sampler = setInterval(sample, 5);
const delay = monitorEventLoopDelay({ resolution: 5 });

process.on("message", async (message: { type: string }) => {
  if (message.type === "start") {
    global.gc?.();
    sample();
    peakHeap = 0;
    peakRss = 0;
    sample();
    delay.reset();
    delay.enable();
    process.send!({ type: "started", rss: process.memoryUsage().rss });
  } else if (message.type === "report") {
    delay.disable();
    sample();
    process.send!({
      type: "report",
      peakRss,
      peakHeap,
      maxRss: process.resourceUsage().maxRSS * 1024,
      loopDelayMaxMs: delay.max / 1e6,
    });
  } else if (message.type === "stop") {
    clearInterval(sampler);
    await stint.close();
    process.exit(0);
  }
});
process.send!({ type: "ready", url: server.url });

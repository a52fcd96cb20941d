/**
 * A graphile-worker runner process (settings: ./settings.ts), driven over the same IPC
 * protocol as the Stint worker process (../child.ts). Reports `reached` once its tasks
 * have run `target` times (completion rows may still be in flight: the parent then
 * waits for the jobs table to empty).
 *
 * argv[2]: JSON `{ "connectionString": "...", "schema": "...", "target": <jobs> }`.
 */
import { run, type Runner } from "graphile-worker";
import { childChannel, RssSampler } from "../child.js";
import { wallMs } from "../stats.js";
import { graphilePreset } from "./settings.js";

interface Config {
  connectionString: string;
  schema: string;
  target: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as Config;
const latencies: number[] = [];
const rss = new RssSampler();
let ran = 0;
let runner: Runner | undefined;

const channel = childChannel({
  async start() {
    rss.start();
    runner = await run({
      noHandleSignals: true,
      preset: graphilePreset(config.connectionString, config.schema),
      taskList: {
        noop: async () => count(),
        latency: async (payload) => {
          latencies.push(wallMs() - (payload as { t: number }).t);
          count();
        },
      },
    });
  },
  async stop() {
    await runner?.stop();
    const peakRss = rss.stop();
    return { latencies, peakRss, maxRss: process.resourceUsage().maxRSS * 1024, count: ran };
  },
});

function count(): void {
  if (++ran === config.target) channel.send({ type: "reached", at: wallMs(), count: ran });
}

channel.send({ type: "ready" });

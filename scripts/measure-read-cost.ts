/**
 * What one `listTasks(limit: 800) { data { id } }` costs the server when every task has
 * a 900 KB input: peak memory of the serving process and the longest `/healthz` wait
 * (and event-loop delay) while it runs, on SQLite and PostgreSQL. A scratch measurement
 * for docs/reliability.md, not a test (it writes ~720 MB per store).
 *
 *   node --import tsx scripts/measure-read-cost.ts [srcRoot=src] [--stores sqlite,postgres] [--tasks 800] [--fields "id"]
 *
 * `srcRoot` is the Stint source to serve with (e.g. an extracted older commit, to compare).
 * The stores are seeded once and kept (/tmp/stint-read-cost.db, schema stint_read_cost);
 * `--drop` removes them.
 */
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openStorage } from "../src/config/database.js";
import { newId } from "../src/domain/ids.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const srcRoot = resolve(args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "src");
const stores = option("stores", "sqlite,postgres").split(",");
const TASKS = Number(option("tasks", "800"));
const FIELDS = option("fields", "id");
const INPUT_BYTES = 900 * 1024;
const SQLITE_FILE = "/tmp/stint-read-cost.db";
const PG_URL = `${process.env.STINT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"}?schema=stint_read_cost`;
const urls: Record<string, string> = { sqlite: `sqlite:${SQLITE_FILE}`, postgres: PG_URL };

if (args.includes("--drop")) {
  rmSync(SQLITE_FILE, { force: true });
  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: PG_URL.replace(/\?.*$/, "") });
  await client.connect();
  await client.query("DROP SCHEMA IF EXISTS stint_read_cost CASCADE");
  await client.end();
  process.exit(0);
}

async function seed(url: string): Promise<void> {
  const storage = await openStorage(url);
  await storage.migrate();
  const have = (await storage.taskList({ filters: [], sort: [{ field: "id", direction: "desc" }], limit: 1, fields: ["id"] })).totalCount;
  for (let n = have; n < TASKS; ) {
    const batch = Array.from({ length: Math.min(20, TASKS - n) }, (_, i) => {
      const now = Date.now() + n + i;
      // Random text: PostgreSQL's TOAST compression must not shrink it away.
      return {
        id: newId(now), name: `big ${n + i}`, definitionId: "big", parentId: null,
        input: { blob: randomBytes((INPUT_BYTES * 3) / 4).toString("base64") },
        maxIterations: 1, runAt: now + 3_600_000, createdOn: now,
        createdBy: { id: "measure", displayName: "measure", type: null }, eventResponse: null,
      };
    });
    await storage.taskCreateMany({ tasks: batch });
    n += batch.length;
  }
  await storage.close();
}

interface Report { peakRss: number; peakHeap: number; maxRss: number; loopDelayMaxMs: number }

async function measure(store: string): Promise<void> {
  const child = fork(fileURLToPath(new URL("./measure-read-cost-child.ts", import.meta.url)), [srcRoot, urls[store]], {
    execArgv: ["--import", "tsx", "--expose-gc"],
  });
  const next = (type: string) => new Promise<any>((ok) => child.on("message", function on(m: any) { if (m.type === type) { child.off("message", on); ok(m); } }));
  const ready = await next("ready");
  const url: string = ready.url;
  const health = new URL("/healthz", url).href;
  // Warm up (schema, statements, JIT) so the figures are the list's own.
  for (let i = 0; i < 3; i += 1) {
    await fetch(health).then((r) => r.arrayBuffer());
    await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ backgroundTasks { listTasks(limit: 1) { data { id } } } }" }),
    }).then((r) => r.arrayBuffer());
  }
  child.send({ type: "start" });
  const started = await next("started");

  // /healthz every 20 ms while the list runs: the longest answer is how long others waited.
  let running = true;
  let worstHealthMs = 0;
  const pinger = (async () => {
    while (running) {
      const t0 = performance.now();
      await fetch(health).then((r) => r.arrayBuffer()).catch(() => undefined);
      worstHealthMs = Math.max(worstHealthMs, performance.now() - t0);
      await new Promise((ok) => setTimeout(ok, 20));
    }
  })();
  const t0 = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `{ backgroundTasks { listTasks(limit: ${TASKS}) { data { ${FIELDS} } error { code message } } } }` }),
  });
  const text = await response.text();
  const requestMs = performance.now() - t0;
  running = false;
  await pinger;
  child.send({ type: "report" });
  const report: Report = await next("report");
  child.send({ type: "stop" });
  await new Promise((ok) => child.on("exit", ok));

  let outcome: string;
  try {
    const env = JSON.parse(text).data.backgroundTasks.listTasks;
    outcome = env.error ? `error ${env.error.code}` : `${env.data.length} rows`;
  } catch {
    outcome = `HTTP ${response.status}`;
  }
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log(
    `${store}: { ${FIELDS} } x${TASKS}: ${outcome}, ${(text.length / 1024).toFixed(0)} KB, request ${requestMs.toFixed(0)} ms; ` +
      `RSS ${mb(started.rss)} -> peak ${mb(Math.max(report.peakRss, report.maxRss))}, heap+external peak ${mb(report.peakHeap)}; ` +
      `/healthz worst ${worstHealthMs.toFixed(0)} ms, event-loop delay max ${report.loopDelayMaxMs.toFixed(0)} ms`,
  );
}

console.log(`code: ${srcRoot}`);
for (const store of stores) {
  if (store === "sqlite" && !existsSync(SQLITE_FILE)) console.log("seeding sqlite…");
  await seed(urls[store]);
  await measure(store);
}

/**
 * Who may read `/metrics`: anyone on loopback when no key is configured; once API keys or
 * a `metrics.key` are, an API key with `r` or the metrics key, and nobody else. The same
 * rules on the API server and on the worker's own metrics server.
 */
import { describe, it, after, before } from "node:test";
import assert from "node:assert/strict";
import { createStint, type Stint } from "../../src/stint.js";
import { startMetricsServer, type MetricsServer } from "../../src/metrics/server.js";

const READ_KEY = "r".repeat(8) + "-read-key-0001";
const WRITE_KEY = "w".repeat(8) + "-write-key-0002";
const METRICS_KEY = "m".repeat(8) + "-scrape-key-003";

async function status(url: string, key?: string): Promise<number> {
  const response = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  await response.text();
  return response.status;
}

describe("/metrics access", () => {
  let stint: Stint;
  before(async () => {
    stint = await createStint({ database: "sqlite::memory:", useEnv: false, metrics: { key: METRICS_KEY } });
  });
  after(async () => {
    await stint?.close();
  });

  describe("on the API server with API keys", () => {
    let url: string;
    before(async () => {
      const server = await stint.startServer({
        port: 0,
        env: {},
        apiKeys: [
          { key: READ_KEY, permissions: "r" },
          { key: WRITE_KEY, permissions: "w" },
        ],
        onAuthFailure: () => {},
      });
      url = new URL("/metrics", server.url).href;
    });

    it("answers 401 without a key, with a wrong key, and with a key that cannot read", async () => {
      assert.equal(await status(url), 401);
      assert.equal(await status(url, "x".repeat(32)), 401);
      assert.equal(await status(url, WRITE_KEY), 401);
      const response = await fetch(url);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="stint metrics"');
      assert.match(await response.text(), /API key with the r permission, or the metrics key/);
    });

    it("accepts an r key and the metrics key", async () => {
      assert.equal(await status(url, READ_KEY), 200);
      assert.equal(await status(url, METRICS_KEY), 200);
    });

    it("does not let the metrics key read the API", async () => {
      const response = await fetch(url.replace("/metrics", "/graphql"), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${METRICS_KEY}` },
        body: JSON.stringify({ query: "{ backgroundTasks { listDefinitions { data { id } error { code } } } }" }),
      });
      const body = (await response.json()) as { data: { backgroundTasks: { listDefinitions: { error: { code: string } | null } } } };
      assert.equal(body.data.backgroundTasks.listDefinitions.error?.code, "SECURITY_NOT_AUTHORIZED");
    });
  });

  describe("on the worker's metrics server", () => {
    const servers: MetricsServer[] = [];
    after(async () => {
      for (const server of servers) await server.close();
    });

    it("serves anyone on loopback when no key is configured", async () => {
      const server = await startMetricsServer({ source: stint.metrics! });
      servers.push(server);
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      assert.equal(await status(server.url), 200);
      assert.equal(await status(server.url.replace("/metrics", "/graphql")), 404);
    });

    it("needs the metrics key or an r key once keys are configured", async () => {
      const server = await startMetricsServer({ source: stint.metrics!, apiKeys: [{ key: READ_KEY, permissions: "r" }, { key: WRITE_KEY, permissions: "w" }], metricsKey: METRICS_KEY });
      servers.push(server);
      assert.equal(await status(server.url), 401);
      assert.equal(await status(server.url, WRITE_KEY), 401);
      assert.equal(await status(server.url, READ_KEY), 200);
      assert.equal(await status(server.url, METRICS_KEY), 200);
    });

    it("with only a metrics key, needs that key", async () => {
      const server = await startMetricsServer({ source: stint.metrics!, metricsKey: METRICS_KEY });
      servers.push(server);
      assert.equal(await status(server.url), 401);
      assert.equal(await status(server.url, READ_KEY), 401);
      assert.equal(await status(server.url, METRICS_KEY), 200);
    });

    it("refuses to listen beyond loopback without a key", async () => {
      await assert.rejects(startMetricsServer({ source: stint.metrics!, host: "0.0.0.0" }), /refusing to serve \/metrics on "0\.0\.0\.0" without a key/);
    });
  });
});

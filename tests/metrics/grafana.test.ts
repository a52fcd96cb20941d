/** docs/grafana-dashboard.json is valid JSON, and its panels query the metrics Stint exposes, every stint_ one. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createStint } from "../../src/stint.js";

describe("the shipped Grafana dashboard", () => {
  it("queries only metric names Stint exposes, and each stint_ metric somewhere", async () => {
    const dashboard = JSON.parse(readFileSync(new URL("../../docs/grafana-dashboard.json", import.meta.url), "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    const used = new Set(exprs.flatMap((expr) => [...expr.matchAll(/\b((?:stint|process|nodejs)_[a-z_]+)/g)].map((m) => m[1])));
    const stint = await createStint({ database: "sqlite::memory:", useEnv: false });
    try {
      const metrics = await stint.metrics!.registry.getMetricsAsJSON();
      const exposed = new Set(metrics.flatMap((metric) => (String(metric.type) === "histogram" ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`] : [metric.name])));
      for (const name of used) assert.ok(exposed.has(name), `${name} is not exposed`);
      for (const metric of metrics.filter((m) => m.name.startsWith("stint_"))) {
        assert.ok([...used].some((name) => name.startsWith(metric.name)), `no panel shows ${metric.name}`);
      }
    } finally {
      await stint.close();
    }
  });
});

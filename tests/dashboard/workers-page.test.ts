/**
 * The dashboard's Workers page in headless Chromium against a real `stint dev` (its worker
 * registers through its heartbeat): the live worker is shown alive with the task it
 * runs; a worker whose beats stopped a minute ago is shown gone. Also writes the README's
 * screenshot (docs/dashboard-workers.png).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, ensureDashboardBuilt, startDashboardStint, type DashboardStint } from "./harness.js";

const hasChromium = existsSync(CHROMIUM);

describe("dashboard Workers page", { skip: hasChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let stint: DashboardStint;
  let browser: Browser;
  const consoleErrors: string[] = [];

  before(async () => {
    ensureDashboardBuilt();
    stint = await startDashboardStint({ csvRows: 10 });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      await stint?.close();
    }
  });

  it("shows the dev worker alive with its running task, and a silent worker gone", async () => {
    const id = await stint.trigger("longRunning", { steps: 100_000, stepMs: 50 }, { name: "Endless sync" });
    // A worker on another machine whose last beat was a minute ago (its lease is 30 s).
    const now = Date.now();
    await stint.stint.storage.taskRenewLeases({
      workerId: "batch-7:4711:ghost",
      leases: [],
      now: now - 60_000,
      leaseMs: 30_000,
      beat: { workerId: "batch-7:4711:ghost", host: "batch-7", pid: 4711, version: "0.1.0", startedAt: now - 3_600_000, concurrency: 8, leaseMs: 30_000, heartbeatMs: 10_000, tasks: [] },
    });

    const context = await browser.newContext({ viewport: { width: 1280, height: 560 } });
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
    try {
      await page.goto(`${stint.origin}/#/workers`);
      await page.getByRole("link", { name: "Workers" }).and(page.locator('[aria-current="page"]')).waitFor();
      const table = page.getByTestId("workers-table");
      const live = table.locator(`tr[data-state="alive"]`).filter({ hasText: hostname() });
      await live.getByText("Endless sync").waitFor({ timeout: 15_000 });
      assert.match(await live.innerText(), new RegExp(`${hostname()} · ${stint.dev.child.pid}`));
      assert.match(await live.innerText(), /1 \/ 4/);
      const ghost = table.locator('tr[data-worker-id="batch-7:4711:ghost"]');
      assert.equal(await ghost.getAttribute("data-state"), "gone");
      assert.equal((await ghost.getByTestId("worker-state").innerText()).trim(), "gone");
      assert.equal(await page.getByTestId("workers-summary").innerText(), "1 alive of 2 registered");
      await live.getByRole("link", { name: "Endless sync" }).click();
      await page.getByTestId("run-detail").waitFor();
      assert.ok(page.url().endsWith(`#/runs/${id}`));
      await page.goto(`${stint.origin}/#/workers`);
      await live.getByText("Endless sync").waitFor();
      await page.screenshot({ path: join(REPO_ROOT, "docs", "dashboard-workers.png") });
    } finally {
      await stint.abort(id).catch(() => undefined);
      await context.close();
    }
    assert.deepEqual(consoleErrors, []);
  });
});

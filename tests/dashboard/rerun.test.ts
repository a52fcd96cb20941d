/**
 * Re-run from the dashboard, in a real headless Chromium against a real `stint dev` child
 * process (harness.ts): a finished run shows its input as triggered beside its checkpoint
 * and a Re-run button; re-running from the checkpoint opens the new run, which links back
 * to the original and runs to success. A running run has no Re-run button. No page may log
 * a console error. Skipped loudly without /usr/bin/chromium.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ensureDashboardBuilt, startDashboardStint, type DashboardStint } from "./harness.js";

const ADMIN_KEY = "dashboard-rerun-key";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`\n*** SKIPPING dashboard re-run test: no Chromium at ${CHROMIUM} ***\n`);

describe("dashboard re-run in headless Chromium", { skip: hasChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let stint: DashboardStint;
  let browser: Browser;
  const consoleErrors: string[] = [];

  before(async () => {
    ensureDashboardBuilt();
    stint = await startDashboardStint({ apiKeys: [{ key: ADMIN_KEY, permissions: "rwd" }] });
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

  it("re-runs a finished run from its checkpoint and opens the new run", async () => {
    const original = await stint.trigger("longRunning", { steps: 12, stepMs: 1 }, { name: "Sync to re-run", key: ADMIN_KEY });
    const running = await stint.trigger("longRunning", { steps: 100_000, stepMs: 20 }, { name: "Still running", key: ADMIN_KEY });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
    try {
      await page.goto(`${stint.origin}/`);
      await page.getByTestId("api-key").fill(ADMIN_KEY);
      await page.getByTestId("api-key-submit").click();
      await page.getByTestId("runs-table").waitFor();

      await page.goto(`${stint.origin}/#/runs/${running}`);
      await page.getByTestId("run-detail").and(page.locator('[data-status="running"]')).waitFor({ timeout: 10_000 });
      assert.equal(await page.getByTestId("rerun-button").count(), 0, "no Re-run button on a running run");

      await page.goto(`${stint.origin}/#/runs/${original}`);
      const detail = page.getByTestId("run-detail");
      await detail.and(page.locator('[data-status="success"]')).waitFor({ timeout: 15_000 });
      // The checkpoint moved on (step 10): both inputs are shown.
      await page.getByTestId("triggered-input").getByText("Input as triggered").waitFor();
      await page.getByTestId("input").getByText("Input (checkpoint)").waitFor();

      await page.getByTestId("rerun-button").click();
      await page.getByTestId("rerun-from-checkpoint").check();
      await page.getByTestId("rerun-confirm").click();
      await page.waitForURL((url) => /#\/runs\/.+/.test(url.hash) && !url.hash.includes(original));
      const link = page.getByTestId("rerun-of-link");
      await link.waitFor();
      assert.equal((await link.textContent())?.trim(), original);
      await page.getByTestId("run-detail").and(page.locator('[data-status="success"]')).waitFor({ timeout: 15_000 });
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
      await stint.abort(running, { key: ADMIN_KEY }).catch(() => undefined);
    }
  });
});

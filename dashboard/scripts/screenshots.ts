/**
 * Takes the README's screenshots against real data: starts a Stint with the test
 * definitions (CSV import, long-running sync), runs a few tasks into every status, and
 * photographs the runs page and one run's page in headless Chromium.
 *
 *   npm run screenshots            # writes docs/dashboard-runs.png, docs/dashboard-detail.png
 *   npm run screenshots -- --extra # also phone-width and definitions shots under /tmp
 */
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ensureDashboardBuilt, REPO_ROOT, startDashboardStint } from "../../tests/dashboard/harness.js";

const extra = process.argv.includes("--extra");

async function waitForStatus(check: () => Promise<string | undefined>, wanted: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await check();
    if (status && wanted.includes(status)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${wanted.join("/")}`);
}

async function main(): Promise<void> {
  ensureDashboardBuilt(true);
  const demo = await startDashboardStint({ csvRows: 60_000 });
  const { tasks } = demo.stint;
  const status = (id: string) => async () => (await tasks.getTask(id))?.taskStatus;
  try {
    const imported = await tasks.trigger({
      definition: "importCsv",
      name: "Import orders 2024-Q4",
      input: { file: demo.csvFile, chunkBytes: 64 * 1024, rowsPerIteration: 8000 },
    });
    await waitForStatus(status(imported.id), ["success"]);
    const missing = await tasks.trigger({ definition: "importCsv", name: "Import orders 2025-Q1", input: { file: join(demo.dir, "q1.csv") } });
    await waitForStatus(status(missing.id), ["failed"]);
    const aborted = await tasks.trigger({ definition: "longRunning", name: "Sync CRM contacts", input: { steps: 5000, stepMs: 40 } });
    await new Promise((r) => setTimeout(r, 1200));
    await tasks.abort({ id: aborted.id, message: "Stopped by an operator: wrong account." });
    await waitForStatus(status(aborted.id), ["aborted"]);
    const small = await tasks.trigger({ definition: "importCsv", name: "Import returns", input: { file: demo.csvFile, chunkBytes: 256 * 1024 } });
    await waitForStatus(status(small.id), ["success"]);
    await tasks.trigger({ definition: "longRunning", name: "Nightly catalogue sync", input: { steps: 40, stepMs: 100 }, delay: 3600 });
    const running = await tasks.trigger({ definition: "longRunning", name: "Sync product inventory", input: { steps: 400, stepMs: 60, mode: "full" } });
    const running2 = await tasks.trigger({ definition: "longRunning", name: "Reindex search", input: { steps: 2000, stepMs: 30 } });
    await new Promise((r) => setTimeout(r, 6000));

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1, colorScheme: "light", reducedMotion: "reduce" });
      const page = await context.newPage();
      page.on("console", (m) => m.type() === "error" && console.error("console:", m.text()));
      await page.goto(`${demo.origin}/`);
      await page.getByTestId("runs-table").locator("tbody tr").nth(6).waitFor();
      await page.locator(`#row-${running.id}`).click({ position: { x: 5, y: 5 }, trial: true });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(REPO_ROOT, "docs", "dashboard-runs.png") });

      await page.goto(`${demo.origin}/#/runs/${imported.id}`);
      await page.getByTestId("timeline").waitFor();
      await page.waitForTimeout(300);
      await page.setViewportSize({ width: 1280, height: 1400 });
      await page.screenshot({ path: join(REPO_ROOT, "docs", "dashboard-detail.png") });

      if (extra) {
        await page.goto(`${demo.origin}/#/runs/${running2.id}`);
        await page.getByTestId("timeline").waitFor();
        await page.screenshot({ path: "/tmp/dashboard-running.png", fullPage: true });
        await page.goto(`${demo.origin}/#/runs/${missing.id}`);
        await page.getByTestId("logs").waitFor();
        await page.screenshot({ path: "/tmp/dashboard-failed.png", fullPage: true });
        await page.goto(`${demo.origin}/#/definitions`);
        await page.locator(".status-counts .count").first().waitFor();
        await page.waitForTimeout(500);
        await page.screenshot({ path: "/tmp/dashboard-definitions.png", fullPage: true });
        await page.goto(`${demo.origin}/`);
        await page.getByTestId("open-trigger").click();
        await page.getByTestId("trigger-definition").selectOption("longRunning");
        await page.screenshot({ path: "/tmp/dashboard-trigger.png" });
        const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true });
        const phonePage = await phone.newPage();
        await phonePage.goto(`${demo.origin}/`);
        await phonePage.getByTestId("runs-table").locator("tbody tr").nth(3).waitFor();
        await phonePage.screenshot({ path: "/tmp/dashboard-phone-runs.png" });
        await phonePage.goto(`${demo.origin}/#/runs/${imported.id}`);
        await phonePage.getByTestId("timeline").waitFor();
        await phonePage.screenshot({ path: "/tmp/dashboard-phone-detail.png", fullPage: true });
      }
    } finally {
      await browser.close();
    }
  } finally {
    await demo.close();
  }
  console.log("wrote docs/dashboard-runs.png and docs/dashboard-detail.png");
}

await main();

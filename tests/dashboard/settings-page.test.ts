/**
 * The dashboard's Settings page in headless Chromium against a real `stint dev`: it shows
 * the stored retention, saves a new one (read back from the store), and shows the
 * server's typed error for a value out of range, storing nothing.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ensureDashboardBuilt, startDashboardStint, type DashboardStint } from "./harness.js";

const hasChromium = existsSync(CHROMIUM);

describe("dashboard Settings page", { skip: hasChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let stint: DashboardStint;
  let browser: Browser;

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

  it("shows the retention, saves a new value, and refuses one out of range", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 700 } })).newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${stint.origin}/#/settings`);
    await page.getByRole("link", { name: "Settings" }).and(page.locator('[aria-current="page"]')).waitFor();
    const stored = page.getByTestId("retention-stored");
    await stored.getByText("Now: 90 days").waitFor();

    const input = page.getByLabel("Retention (days)");
    await input.fill("30");
    await page.getByTestId("save-settings").click();
    await stored.getByText("Now: 30 days").waitFor();
    assert.deepEqual(await stint.stint.tasks.getSettings(), { retentionDays: 30 });

    await input.fill("4000");
    await page.getByTestId("save-settings").click();
    await page.getByText(/Invalid retentionDays/).waitFor();
    assert.deepEqual(await stint.stint.tasks.getSettings(), { retentionDays: 30 });
    assert.equal((await stored.innerText()).trim(), "Now: 30 days");

    await input.fill("0");
    await page.getByTestId("save-settings").click();
    await stored.getByText("Now: kept forever").waitFor();
    assert.deepEqual(await stint.stint.tasks.getSettings(), { retentionDays: 0 });
    assert.deepEqual(pageErrors, []);
  });
});

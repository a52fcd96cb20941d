/**
 * The dashboard end to end, in a real headless Chromium against a real `stint dev` child
 * process (SQLite file, worker, API server serving the build; see harness.ts): a key is
 * asked for, the CSV import is triggered from its schema form and watched to 100 % and
 * `success`, its logs are read; a long-running task is aborted from its page; a read-only
 * key sees no trigger, abort or delete. No page may log a console error. Skipped loudly
 * without /usr/bin/chromium.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ensureDashboardBuilt, startDashboardStint, type DashboardStint } from "./harness.js";

const ADMIN_KEY = "dashboard-admin-key";
const READER_KEY = "dashboard-reader-key";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`\n*** SKIPPING dashboard browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium) ***\n`);
}

describe("dashboard in headless Chromium", { skip: hasChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let stint: DashboardStint;
  let browser: Browser;
  const consoleErrors: string[] = [];

  before(async () => {
    ensureDashboardBuilt();
    stint = await startDashboardStint({
      apiKeys: [
        { key: ADMIN_KEY, permissions: "rwd" },
        { key: READER_KEY, permissions: "r" },
      ],
    });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    // `stint dev` is stopped (and killed if it will not stop) even when a test or the browser failed.
    try {
      await browser?.close();
    } finally {
      await stint?.close();
    }
  });

  async function openWithKey(key: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
    await page.goto(`${stint.origin}/`);
    await page.getByTestId("api-key").fill(key);
    await page.getByTestId("api-key-submit").click();
    await page.getByTestId("runs-table").waitFor();
    return { context, page };
  }

  async function triggerByApi(definition: string, input: Record<string, unknown>, name: string): Promise<string> {
    return stint.trigger(definition, input, { name, key: ADMIN_KEY });
  }

  it("asks for a key, triggers the CSV import from its form, and shows it reach 100 % and success with its logs", async () => {
    const { context, page } = await openWithKey(ADMIN_KEY);
    try {
      await page.getByTestId("open-trigger").click();
      await page.getByTestId("trigger-definition").selectOption("importCsv");
      await page.locator('[data-field="file"]').fill(stint.csvFile);
      await page.locator('[data-field="chunkBytes"]').fill("65536");
      await page.locator('[data-field="rowsPerIteration"]').fill("4000");
      await page.getByTestId("trigger-name").fill("Orders import from the form");
      await page.getByTestId("trigger-submit").click();
      await page.getByTestId("trigger-confirm").getByRole("button", { name: "Yes, trigger" }).click();

      const detail = page.getByTestId("run-detail");
      await page.waitForURL(/#\/runs\/.+/);
      await detail.and(page.locator('[data-status="success"]')).waitFor({ timeout: 20_000 });
      assert.equal(await detail.getByTestId("progress-label").first().textContent(), "100 %");
      assert.ok(Number(await page.getByTestId("iterations").textContent()) >= 2, "the import ran in several iterations");
      assert.ok((await page.getByTestId("timeline").locator("tbody tr").count()) >= 2, "one timeline row per iteration");

      const logs = page.getByTestId("logs");
      await logs.getByText("Task done.").waitFor();
      await logs.getByText("Imported 20000 rows (0 bad)").waitFor();
      // Older iterations are folded; opening one shows its checkpoint.
      await logs.locator('details[data-iteration="1"] > summary').click();
      await logs.locator('details[data-iteration="1"]').getByText("Task continuing.").waitFor();

      // The runs table lists it as succeeded.
      await page.getByRole("link", { name: "Runs", exact: true }).first().click();
      const row = page.locator("tr", { hasText: "Orders import from the form" });
      await row.locator('[data-status="success"]').waitFor();
    } finally {
      await context.close();
    }
  });

  it("shows the API's validation message when input the schema allows is refused", async () => {
    const { context, page } = await openWithKey(ADMIN_KEY);
    try {
      await page.getByTestId("open-trigger").click();
      await page.getByTestId("trigger-definition").selectOption("longRunning");
      await page.getByRole("button", { name: "JSON" }).click();
      // failAt above steps breaks only the definition's refine(), which JSON Schema cannot carry.
      await page.getByTestId("trigger-json").fill('{ "steps": 5, "failAt": 9 }');
      await page.getByTestId("trigger-submit").click();
      await page.getByTestId("trigger-confirm").getByRole("button", { name: "Yes, trigger" }).click();
      const alert = page.getByRole("alert");
      await alert.getByText("Validation failed.").waitFor();
      await alert.getByText("VALIDATION_FAILED_INVALID_FIELDS").waitFor();
      await page.keyboard.press("Escape");
      await page.locator("dialog").waitFor({ state: "detached" });
    } finally {
      await context.close();
    }
  });

  it("aborts a long-running task from its detail page", async () => {
    const id = await triggerByApi("longRunning", { steps: 100_000, stepMs: 50 }, "Endless sync");
    const { context, page } = await openWithKey(ADMIN_KEY);
    try {
      await page.goto(`${stint.origin}/#/runs/${id}`);
      const detail = page.getByTestId("run-detail");
      await detail.and(page.locator('[data-status="running"]')).waitFor({ timeout: 10_000 });
      await page.getByTestId("abort-button").click();
      await page.getByTestId("abort-message").fill("Stopped from the dashboard test");
      await page.getByTestId("abort-confirm").click();
      await detail.and(page.locator('[data-status="aborted"]')).waitFor({ timeout: 10_000 });
      await page.getByTestId("logs").getByText("Stopped from the dashboard test").first().waitFor();
      assert.equal(await page.getByTestId("abort-button").count(), 0, "no abort button on an aborted run");
    } finally {
      await context.close();
    }
  });

  it("shows a failed run's error message with its stack folded under it", async () => {
    const id = await triggerByApi("longRunning", { steps: 10, stepMs: 1, failAt: 2 }, "Sync that fails");
    const { context, page } = await openWithKey(ADMIN_KEY);
    try {
      await page.goto(`${stint.origin}/#/runs/${id}`);
      await page.getByTestId("run-detail").and(page.locator('[data-status="failed"]')).waitFor({ timeout: 10_000 });
      const logs = page.getByTestId("logs");
      await logs.locator(".log-message", { hasText: "Sync failed at record 2" }).first().waitFor();
      const stack = logs.getByTestId("log-stack").first();
      assert.equal(await stack.evaluate((el) => (el as HTMLDetailsElement).open), false, "the stack starts folded");
      await stack.locator("summary").click();
      const text = (await stack.locator("pre").textContent()) ?? "";
      assert.match(text, /^Error: Sync failed at record 2\n\s+at .*long-running\.ts/);
    } finally {
      await context.close();
    }
  });

  it("hides trigger, abort and delete from a read-only key", async () => {
    const id = await triggerByApi("longRunning", { steps: 100_000, stepMs: 50 }, "Sync seen by a reader");
    const { context, page } = await openWithKey(READER_KEY);
    try {
      await page.locator(".key-chip").getByText("key: read").waitFor();
      assert.equal(await page.getByTestId("open-trigger").count(), 0);
      await page.goto(`${stint.origin}/#/runs/${id}`);
      await page.getByTestId("run-detail").and(page.locator('[data-status="running"]')).waitFor({ timeout: 10_000 });
      assert.equal(await page.getByTestId("abort-button").count(), 0);
      assert.equal(await page.getByTestId("delete-button").count(), 0);
      await page.goto(`${stint.origin}/#/definitions`);
      await page.locator('[data-definition="importCsv"]').waitFor();
      assert.equal(await page.locator('[data-testid^="trigger-"]').count(), 0);
    } finally {
      await context.close();
      await stint.abort(id, { key: ADMIN_KEY });
    }
  });

  it("filters by status, definition and name, pages with cursors, and keeps the selected row across refreshes", async () => {
    for (let i = 1; i <= 27; i++) {
      await stint.trigger("longRunning", { steps: 10 }, { name: `Later batch ${String(i).padStart(2, "0")}`, delay: 3600, key: ADMIN_KEY });
    }
    const { context, page } = await openWithKey(ADMIN_KEY);
    try {
      const rows = page.getByTestId("runs-table").locator("tbody tr");
      await page.getByTestId("filter-status").selectOption("pending");
      await page.getByTestId("filter-definition").selectOption("longRunning");
      await page.getByTestId("filter-search").fill("Later batch");
      // The search reaches the URL after a short pause, and a new filter starts again at
      // page one: wait for it, or a late search would undo the paging below.
      await page.waitForFunction(() => decodeURIComponent(location.hash.replace(/\+/g, " ")).includes("q=Later batch"));
      await page.getByText("1–25 of 27").waitFor();
      assert.equal(await rows.count(), 25);
      await page.getByRole("button", { name: "Older →" }).click();
      await page.getByText("26–27 of 27").waitFor();
      assert.equal(await rows.count(), 2);
      await page.getByRole("button", { name: "← Newer" }).click();
      await page.getByText("1–25 of 27").waitFor();

      await page.getByTestId("filter-search").fill("Later batch 07");
      await page.getByText("1–1 of 1").waitFor();
      await page.getByTestId("filter-search").fill("Later batch");
      // The search reaches the URL after a short pause, and a new filter starts again at
      // page one: wait for it, or a late search would undo the paging below.
      await page.waitForFunction(() => decodeURIComponent(location.hash.replace(/\+/g, " ")).includes("q=Later batch"));
      await page.getByText("1–25 of 27").waitFor();

      // Keyboard: arrows select a row, the selection survives the next poll, Enter opens it.
      await rows.first().locator("a").focus();
      await page.keyboard.press("ArrowDown");
      const selected = page.locator('tbody tr[aria-selected="true"]');
      const id = await selected.getAttribute("data-task-id");
      assert.ok(id);
      await page.waitForTimeout(2500);
      assert.equal(await selected.getAttribute("data-task-id"), id);
      await page.keyboard.press("Enter");
      await page.waitForURL(new RegExp(`#/runs/${id}$`), { waitUntil: "commit" });

      // Phone width: nothing overflows sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      for (const path of [`#/runs/${id}`, "#/?status=pending", "#/definitions"]) {
        await page.goto(`${stint.origin}/${path}`);
        await page.locator("main h1").first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${path} overflows by ${overflow}px at 390 px`);
      }
    } finally {
      await context.close();
    }
  });

  it("lists schedules with their next five runs, and lets a w key (only) switch one off and on", async () => {
    const created = await stint.graphql<{ backgroundTasks: { createSchedule: { error: unknown } } }>(
      `mutation { backgroundTasks { createSchedule(data: { id: "nightlyWait", definition: "longRunning", cron: "0 3 * * *", timezone: "Europe/Paris", input: { steps: 10 } }) { error { message } } } }`,
      {},
      ADMIN_KEY,
    );
    assert.equal(created.backgroundTasks.createSchedule.error, null);
    const reader = await openWithKey(READER_KEY);
    try {
      await reader.page.goto(`${stint.origin}/#/schedules`);
      const row = reader.page.locator('[data-schedule="nightlyWait"]');
      await row.waitFor({ timeout: 10_000 }).catch(async (error) => {
        throw new Error(`${(error as Error).message}\npage: ${await reader.page.locator("main, body").first().textContent()}`);
      });
      assert.equal(await row.locator(".next-runs li").count(), 5);
      assert.match((await row.textContent()) ?? "", /0 3 \* \* \*.*Europe\/Paris/);
      assert.equal(await row.getByRole("switch").isDisabled(), true);
    } finally {
      await reader.context.close();
    }
    const { context, page } = await openWithKey(ADMIN_KEY);
    try {
      await page.goto(`${stint.origin}/#/schedules`);
      const row = page.locator('[data-schedule="nightlyWait"]');
      const toggle = row.getByRole("switch");
      await toggle.waitFor();
      await toggle.click();
      await row.getByText("none (disabled)").waitFor();
      assert.equal((await stint.stint.schedules.get("nightlyWait"))?.enabled, false);
      await toggle.click();
      await row.locator(".next-runs li").first().waitFor();
      assert.equal((await stint.stint.schedules.get("nightlyWait"))?.enabled, true);
    } finally {
      await context.close();
    }
  });

  it("logged no console errors on any page", () => {
    assert.deepEqual(consoleErrors, []);
  });
});

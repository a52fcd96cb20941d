/**
 * The runs overview in a real headless Chromium against a real `stint dev` (harness.ts):
 * a delayed run says when it will run (runs table and run page, relative and absolute);
 * the runs page counts runs per status for its other filters and filters by a count's
 * status when clicked; the duration column shows a finished run's time and a running
 * one's growing time; the trigger dialog names an unnamed run after its definition and
 * the time, and refuses input its schema does not allow before the confirm step.
 * Skipped without Chromium.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ensureDashboardBuilt, startDashboardStint, type DashboardStint } from "./harness.js";

const KEY = "overview-admin-key";
const hasChromium = existsSync(CHROMIUM);

describe("runs overview in headless Chromium", { skip: hasChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let stint: DashboardStint;
  let browser: Browser;
  const consoleErrors: string[] = [];

  before(async () => {
    ensureDashboardBuilt();
    stint = await startDashboardStint({ apiKeys: [{ key: KEY, permissions: "rwd" }], csvRows: 10 });
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

  async function open(path = "#/"): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
    await page.goto(`${stint.origin}/`);
    await page.getByTestId("api-key").fill(KEY);
    await page.getByTestId("api-key-submit").click();
    await page.getByTestId("runs-table").waitFor();
    if (path !== "#/") await page.goto(`${stint.origin}/${path}`);
    return { context, page };
  }

  /** The time of day as the page formats it (its locale and time zone). */
  function timeOfDay(page: Page, iso: string): Promise<string> {
    return page.evaluate((value) => new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(new Date(value)), iso);
  }

  async function runAtOf(id: string): Promise<string> {
    const data = await stint.graphql<{ backgroundTasks: { getTask: { data: { runAt: string } } } }>(`query { backgroundTasks { getTask(id: "${id}") { data { runAt } } } }`, {}, KEY);
    return data.backgroundTasks.getTask.data.runAt;
  }

  const row = (page: Page, name: string) => page.getByTestId("runs-table").locator("tbody tr", { hasText: name });

  it("shows when a delayed run will run, in the runs table and on its page", async () => {
    const id = await stint.trigger("longRunning", { steps: 3 }, { name: "Delayed nightly sync", delay: 7200, key: KEY });
    const runAt = await runAtOf(id);
    const { context, page } = await open("#/?q=Delayed%20nightly");
    try {
      const started = row(page, "Delayed nightly sync").locator('td[data-label="Started"]');
      await started.getByTestId("delayed-until").waitFor();
      const text = (await started.textContent()) ?? "";
      assert.match(text, /^runs in 2 h · /);
      assert.ok(text.endsWith(await timeOfDay(page, runAt)), `${text} ends with the run time`);

      await page.goto(`${stint.origin}/#/runs/${id}`);
      const fact = page.locator(".fact", { hasText: "Runs at" }).getByTestId("delayed-until");
      await fact.waitFor();
      const detail = (await fact.textContent()) ?? "";
      assert.match(detail, /^runs in 2 h · /);
      assert.ok(detail.includes(await timeOfDay(page, runAt)), `${detail} has the run time`);
    } finally {
      await context.close();
    }
  });

  it("counts runs per status for the other filters, filters by a clicked count, and shows durations", async () => {
    const pending = [];
    for (const n of [1, 2, 3]) pending.push(await stint.trigger("longRunning", { steps: 3 }, { name: `Counted later ${n}`, delay: 3600, key: KEY }));
    await stint.trigger("longRunning", { steps: 10, stepMs: 1, failAt: 1 }, { name: "Counted failing", key: KEY });
    await stint.trigger("longRunning", { steps: 2, stepMs: 1 }, { name: "Counted quick", key: KEY });
    // Another definition's run matches the search but not the definition filter.
    await stint.trigger("importCsv", { file: stint.csvFile }, { name: "Counted import", key: KEY });
    const { context, page } = await open("#/?q=Counted&definition=longRunning");
    try {
      await row(page, "Counted failing").locator('[data-status="failed"]').waitFor({ timeout: 20_000 });
      await row(page, "Counted quick").locator('[data-status="success"]').waitFor({ timeout: 20_000 });
      const counts = page.getByTestId("status-counts");
      const expected = { pending: "3", running: "0", success: "1", failed: "1", aborted: "0" };
      // The counts are polled every 10 s: wait for the poll that saw both finish.
      await page.waitForFunction(
        (want) => Object.entries(want).every(([status, n]) => document.querySelector(`[data-count="${status}"] .count`)?.textContent === n),
        expected,
        { timeout: 30_000 },
      );
      for (const [status, n] of Object.entries(expected)) assert.equal(await counts.locator(`[data-count="${status}"] .count`).textContent(), n, status);

      // A finished run's duration is finished − started.
      const duration = await row(page, "Counted quick").getByTestId("duration").textContent();
      assert.match(duration ?? "", /^\d+(\.\d)? (ms|s)$/);
      assert.equal(await row(page, "Counted later 1").getByTestId("duration").textContent(), "—");

      // Clicking a count filters by its status (and keeps the other filters); again clears it.
      await counts.locator('[data-count="pending"]').click();
      await page.waitForFunction(() => location.hash.includes("status=pending"));
      assert.match(await page.evaluate(() => location.hash), /q=Counted/);
      await page.getByText("1–3 of 3").waitFor();
      assert.equal(await counts.locator('[data-count="pending"]').getAttribute("aria-current"), "true");
      assert.equal(await page.getByTestId("filter-status").inputValue(), "pending");
      await counts.locator('[data-count="pending"]').click();
      await page.waitForFunction(() => !location.hash.includes("status="));
      await row(page, "Counted quick").waitFor();
    } finally {
      await context.close();
    }
  });

  it("shows a running run's duration growing", async () => {
    const id = await stint.trigger("longRunning", { steps: 100_000, stepMs: 50 }, { name: "Live duration sync", key: KEY });
    const { context, page } = await open("#/?q=Live%20duration");
    try {
      const cell = row(page, "Live duration sync").getByTestId("duration");
      await row(page, "Live duration sync").locator('[data-status="running"]').waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="duration"]')?.textContent ?? ""));
      const first = await cell.textContent();
      await page.waitForFunction((before) => {
        const now = document.querySelector('[data-testid="duration"]')?.textContent;
        return now !== before && /\d/.test(now ?? "");
      }, first, { timeout: 15_000 });
    } finally {
      await context.close();
      await stint.abort(id, { key: KEY });
    }
  });

  it("names an unnamed run after its definition and the time", async () => {
    const { context, page } = await open();
    try {
      await page.getByTestId("open-trigger").click();
      await page.getByTestId("trigger-definition").selectOption("longRunning");
      await page.locator('[data-field="steps"]').fill("3");
      await page.getByTestId("trigger-submit").click();
      const name = (await page.getByTestId("trigger-confirm-name").textContent()) ?? "";
      assert.match(name, /^Long-running sync · \d{2}:\d{2}:\d{2}$/);
      await page.getByTestId("trigger-confirm").getByRole("button", { name: "Yes, trigger" }).click();
      await page.waitForURL(/#\/runs\/.+/);
      await page.locator("#run-title", { hasText: name }).waitFor();
      const id = decodeURIComponent(page.url().split("#/runs/")[1]);
      assert.equal((await stint.stint.tasks.getTask(id))?.name, name);
    } finally {
      await context.close();
    }
  });

  it("refuses input the schema does not allow, beside its field, before the confirm step", async () => {
    const { context, page } = await open();
    try {
      await page.getByTestId("open-trigger").click();
      await page.getByTestId("trigger-definition").selectOption("longRunning");
      const steps = page.locator('[data-field="steps"]');
      await steps.fill("0");
      await page.locator('[data-field="stepMs"]').fill("20000");
      await page.getByTestId("trigger-submit").click();
      await page.locator(".field", { has: steps }).locator(".field-error", { hasText: "Must be at least 1." }).waitFor();
      await page.locator(".field", { has: page.locator('[data-field="stepMs"]') }).locator(".field-error", { hasText: "Must be at most 10000." }).waitFor();
      assert.equal(await steps.getAttribute("aria-invalid"), "true");
      assert.equal(await page.getByTestId("trigger-confirm").count(), 0);

      // The JSON editor is checked the same way, with the path of each problem.
      await page.getByRole("button", { name: "JSON" }).click();
      await page.getByTestId("trigger-json").fill('{ "steps": 5, "mode": "partial", "tags": ["a", 2] }');
      await page.getByTestId("trigger-submit").click();
      const error = page.locator(".field", { has: page.getByTestId("trigger-json") }).locator(".field-error");
      await error.waitFor();
      assert.equal(await error.textContent(), "mode: Must be one of “incremental”, “full”.\ntags[1]: Expected a string.");
      assert.equal(await page.getByTestId("trigger-confirm").count(), 0);

      // Fixed, it reaches the confirm step.
      await page.getByTestId("trigger-json").fill('{ "steps": 5, "mode": "full", "tags": ["a"] }');
      await page.getByTestId("trigger-submit").click();
      await page.getByTestId("trigger-confirm").waitFor();
    } finally {
      await context.close();
    }
  });

  it("logged no console errors on any page", () => {
    assert.deepEqual(consoleErrors, []);
  });
});

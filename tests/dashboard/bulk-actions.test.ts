/**
 * The runs page's multi-select in headless Chromium against a real `stint dev`: two of
 * three delayed runs ticked, Abort asks with the count first (a dry run), then aborts
 * exactly those two; Delete does the same for one. (Re-run's button is there too; its
 * mutation, rerunTasks, is tested where it is built.)
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ensureDashboardBuilt, startDashboardStint, type DashboardStint } from "./harness.js";

const hasChromium = existsSync(CHROMIUM);

describe("dashboard runs page: multi-select bulk actions", { skip: hasChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
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

  it("aborts the ticked runs after showing how many it will abort, then deletes one", async () => {
    const ids: string[] = [];
    for (const name of ["Bulk one", "Bulk two", "Bulk three"]) ids.push(await stint.trigger("longRunning", { steps: 1, stepMs: 1 }, { name, delay: 3600 }));
    const status = async (id: string) => (await stint.stint.tasks.getTask(id))?.taskStatus;

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    try {
      await page.goto(`${stint.origin}/#/`);
      const table = page.getByTestId("runs-table");
      await table.locator(`tr[data-task-id="${ids[2]}"]`).waitFor();
      assert.equal(await page.getByTestId("bulk-bar").count(), 0, "no action bar without a selection");
      await table.locator(`tr[data-task-id="${ids[0]}"]`).getByTestId("select-run").check();
      await table.locator(`tr[data-task-id="${ids[1]}"]`).getByTestId("select-run").check();
      assert.equal(await page.getByTestId("bulk-selected").textContent(), "2 selected");
      assert.equal(page.url(), `${stint.origin}/#/`, "ticking a box does not open the run");

      await page.getByTestId("bulk-abort").click();
      await page.getByTestId("bulk-count").getByText("2 runs of the 2 selected will be aborted.", { exact: false }).waitFor();
      // Counting changed nothing.
      assert.deepEqual([await status(ids[0]), await status(ids[1])], ["pending", "pending"]);
      await page.getByTestId("bulk-confirm").click();
      await page.getByTestId("bulk-bar").waitFor({ state: "detached" });
      assert.deepEqual(await Promise.all(ids.map(status)), ["aborted", "aborted", "pending"]);

      await table.locator(`tr[data-task-id="${ids[0]}"]`).getByTestId("select-run").check();
      await page.getByTestId("bulk-delete").click();
      await page.getByTestId("bulk-count").getByText("1 run of the 1 selected will be deleted.", { exact: false }).waitFor();
      await page.getByTestId("bulk-confirm").click();
      await table.locator(`tr[data-task-id="${ids[0]}"]`).waitFor({ state: "detached" });
      assert.equal(await status(ids[0]), undefined);
      assert.deepEqual(await Promise.all(ids.slice(1).map(status)), ["aborted", "pending"]);
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
    }
  });
});

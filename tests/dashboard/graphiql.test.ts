/**
 * GraphiQL at `/graphql` in a real headless Chromium against a real `stint dev` with API
 * keys: the bundled page loads (no CDN, no CSP violation), asks the server's schema with
 * the key typed into its bar, suggests fields while a query is typed, runs it and shows
 * the answer. Opened from the dashboard it uses the dashboard's key; without a key the
 * same query is refused. Skipped without Chromium.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ensureDashboardBuilt, startDashboardStint, type DashboardStint } from "./harness.js";

const KEY = "graphiql-reader-key";
const hasChromium = existsSync(CHROMIUM);

describe("GraphiQL at /graphql in headless Chromium", { skip: hasChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let stint: DashboardStint;
  let browser: Browser;

  before(async () => {
    ensureDashboardBuilt();
    stint = await startDashboardStint({ apiKeys: [{ key: KEY, permissions: "r" }], csvRows: 10 });
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

  async function open(): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      // The browser's own /favicon.ico probe is no concern here; a refused query logs nothing.
      if (message.type() === "error" && !/favicon\.ico$/.test(message.location().url)) problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`error: ${error.message}`));
    await page.exposeFunction("reportViolation", (directive: string) => problems.push(`csp: ${directive}`));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        (window as unknown as { reportViolation(d: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const response = await page.goto(`${stint.origin}/graphql`);
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()["content-security-policy"] ?? "", /script-src 'self'(;|$)/);
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
    return {
      page,
      problems,
      close: async () => {
        // Every request stayed on the server's origin (no CDN).
        assert.deepEqual(
          requests.filter((url) => !url.startsWith(stint.origin) && !url.startsWith("data:")),
          [],
        );
        await context.close();
      },
    };
  }

  /** Replaces the query editor's text by typing it (the editor closes brackets itself). */
  async function typeQuery(page: Page, text: string): Promise<void> {
    await page.locator(".graphiql-query-editor .CodeMirror").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.type(text);
  }

  async function run(page: Page): Promise<string> {
    await page.locator(".graphiql-execute-button").click();
    const result = page.locator(".result-window .CodeMirror");
    await result.filter({ hasText: /"(data|errors)"/ }).waitFor({ timeout: 15_000 });
    return (await result.innerText()).replace(/\s+/g, " ");
  }

  it("suggests fields as a query is typed, runs it with the key and shows the answer", async () => {
    const { page, problems, close } = await open();
    try {
      await page.getByTestId("api-key").fill(KEY);
      await page.getByTestId("api-key").press("Enter");
      await typeQuery(page, "query { backgroundTasks { listDefi");
      // The suggestion comes from the schema GraphiQL read with the key.
      await page.locator(".CodeMirror-hint", { hasText: "listDefinitions" }).first().waitFor({ timeout: 15_000 });
      await page.keyboard.type("nitions { data { id title } } } }");
      const answer = await run(page);
      assert.match(answer, /"id": "importCsv"/);
      assert.match(answer, /"id": "longRunning"/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it("uses the key the dashboard keeps when opened from its top bar", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${stint.origin}/`);
      await page.getByTestId("api-key").fill(KEY);
      await page.getByTestId("api-key-submit").click();
      await page.getByTestId("runs-table").waitFor();
      await page.getByTestId("graphiql-link").click();
      await page.waitForURL(`${stint.origin}/graphql`);
      await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
      await typeQuery(page, "query { backgroundTasks { listDefinitions { data { id } error { code } } } }");
      const answer = await run(page);
      assert.match(answer, /"id": "importCsv"/);
    } finally {
      await context.close();
    }
  });

  it("sends no key when none is given, so the API refuses the query", async () => {
    const { page, close } = await open();
    try {
      await typeQuery(page, "query { backgroundTasks { listDefinitions { data { id } error { code } } } }");
      const answer = await run(page);
      assert.match(answer, /SECURITY_NOT_AUTHORIZED/);
      assert.doesNotMatch(answer, /importCsv/);
    } finally {
      await close();
    }
  });
});

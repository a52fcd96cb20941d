/**
 * The Content-Security-Policy in a real browser: the built dashboard and GraphiQL
 * run under it without a single violation (their scripts, styles and API requests are
 * all allowed), while a script injected into either page is blocked.
 * Skipped without Chromium at /usr/bin/chromium (or STINT_CHROMIUM).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, DASHBOARD_BUILD, ensureDashboardBuilt } from "../dashboard/harness.js";
import type { GraphQLServer } from "../../src/graphql/server.js";
import { startGraphQLServer } from "../../src/graphql/server.js";
import { emptyService } from "./bare-server.js";

const hasChromium = existsSync(CHROMIUM);

describe("Content-Security-Policy in Chromium", { skip: hasChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let server: GraphQLServer;
  let origin: string;

  before(async () => {
    ensureDashboardBuilt();
    server = await startGraphQLServer({ service: emptyService(), ping: async () => {}, port: 0, env: {}, staticDir: DASHBOARD_BUILD });
    origin = new URL(server.url).origin;
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.close();
    }
  });

  /** Opens a page that records every CSP violation and console error. */
  async function open(path: string): Promise<{ page: Page; violations: string[]; close(): Promise<void> }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      // The browser's own /favicon.ico probe of GraphiQL is no concern here.
      if (message.type() === "error" && !/favicon\.ico$/.test(message.location().url)) violations.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => violations.push(`error: ${error.message}`));
    await page.exposeFunction("reportViolation", (directive: string) => violations.push(`csp: ${directive}`));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        (window as unknown as { reportViolation(d: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const response = await page.goto(`${origin}${path}`);
    assert.match(response?.headers()["content-security-policy"] ?? "", /script-src 'self'/);
    return { page, violations, close: () => context.close() };
  }

  async function assertInjectedScriptBlocked(page: Page, violations: string[]): Promise<void> {
    await page.addScriptTag({ content: "window.injected = true;" }).catch(() => {});
    assert.equal(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected), undefined);
    await page.waitForFunction(() => true);
    assert.ok(violations.some((v) => /script-src/.test(v)), `the injected script was reported: ${violations.join(" | ")}`);
  }

  it("runs the dashboard with no violation, and blocks an injected script", async () => {
    const { page, violations, close } = await open("/");
    try {
      await page.getByTestId("runs-table").waitFor({ timeout: 15_000 });
      assert.deepEqual(violations, []);
      await assertInjectedScriptBlocked(page, violations);
    } finally {
      await close();
    }
  });

  it("runs GraphiQL (schema docs loaded over fetch, a query run) with no violation, and blocks an injected script", async () => {
    const { page, violations, close } = await open("/graphql");
    try {
      await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
      // The docs explorer lists the schema's root types once introspection has answered.
      await page.getByRole("button", { name: /documentation explorer/i }).click();
      await page.locator(".graphiql-doc-explorer", { hasText: "Query" }).waitFor({ timeout: 15_000 });
      await page.locator(".graphiql-execute-button").click();
      await page.locator(".result-window", { hasText: '"data"' }).waitFor({ timeout: 15_000 });
      assert.deepEqual(violations, []);
      await assertInjectedScriptBlocked(page, violations);
    } finally {
      await close();
    }
  });
});

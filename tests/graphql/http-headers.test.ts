/**
 * Headers of the API's answers: GraphQL and other JSON answers are never cached nor
 * sniffed; GraphiQL gets the same Content-Security-Policy as the dashboard, and its
 * bundled files are served from /graphiql/; the JSON media type of a POST is matched
 * case-insensitively.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureDashboardBuilt, GRAPHIQL_BUILD } from "../dashboard/harness.js";
import { rawRequest } from "./helpers.js";
import { withBareServer } from "./bare-server.js";

const QUERY = JSON.stringify({ query: "{ backgroundTasks { listDefinitions { data { id } } } }" });

describe("API answer headers", () => {
  it("sends GraphQL answers with nosniff and no-store, errors and refusals too", async () => {
    await withBareServer({}, async (server, origin) => {
      const ok = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: QUERY });
      const invalid = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ nope }"}' });
      const refused = await fetch(server.url, { method: "POST", headers: { "content-type": "text/plain" }, body: QUERY });
      const notFound = await fetch(`${origin}/nothing`);
      const health = await fetch(`${origin}/healthz`);
      const get = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`, { headers: { accept: "application/json" } });
      for (const [name, response, status] of [["ok", ok, 200], ["invalid", invalid, invalid.status], ["refused", refused, 415], ["404", notFound, 404], ["health", health, 200], ["get", get, 200]] as const) {
        assert.equal(response.status, status, name);
        assert.equal(response.headers.get("x-content-type-options"), "nosniff", name);
        assert.equal(response.headers.get("cache-control"), "no-store", name);
        assert.match(response.headers.get("content-type") ?? "", /json/, name);
      }
    });
  });

  it("accepts the JSON media type in any case, with parameters", async () => {
    await withBareServer({}, async (server) => {
      for (const contentType of ["Application/JSON", "APPLICATION/JSON; charset=UTF-8", "Application/GraphQL+JSON"]) {
        const answer = await rawRequest(server.url, { headers: { "content-type": contentType, accept: "application/json" }, body: QUERY });
        assert.equal(answer.status, 200, contentType);
        assert.deepEqual(JSON.parse(answer.body), { data: { backgroundTasks: { listDefinitions: { data: [] } } } }, contentType);
      }
      for (const contentType of ["Application/X-WWW-Form-Urlencoded", "application/graphql-response+json"]) {
        const refused = await rawRequest(server.url, { headers: { "content-type": contentType }, body: QUERY });
        assert.equal(refused.status, 415, contentType);
        assert.equal(JSON.parse(refused.body).errors[0].extensions.code, "UNSUPPORTED_MEDIA_TYPE", contentType);
      }
    });
  });

  it("sends GraphiQL with the dashboard's CSP and no framing, and its bundled files from /graphiql/", async () => {
    ensureDashboardBuilt();
    await withBareServer({}, async (server, origin) => {
      const page = await fetch(server.url, { headers: { accept: "text/html" } });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.equal(html, readFileSync(join(GRAPHIQL_BUILD, "index.html"), "utf8"));
      // No inline block at all: the policy needs no hash, only 'self'.
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>|<style/);
      const csp = page.headers.get("content-security-policy") ?? "";
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.match(csp, /font-src 'self'(;|$)/);
      assert.match(csp, /connect-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(page.headers.get("x-frame-options"), "DENY");
      assert.equal(page.headers.get("x-content-type-options"), "nosniff");
      assert.equal(page.headers.get("referrer-policy"), "no-referrer");

      // The page's script is answered from the GraphiQL build, though no staticDir is set.
      const script = /<script[^>]+src="\.\/(graphiql\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(script, "the page loads its script from ./graphiql/");
      const asset = await fetch(`${origin}/${script}`);
      assert.equal(asset.status, 200);
      assert.match(asset.headers.get("content-type") ?? "", /text\/javascript/);
      assert.equal(asset.headers.get("content-security-policy"), "default-src 'none'; frame-ancestors 'none'");
      assert.equal(Buffer.byteLength(await asset.text()), statSync(join(GRAPHIQL_BUILD, script)).size);
      // Only the build's asset folder is reachable there, not its index.html or anything else.
      assert.equal((await fetch(`${origin}/graphiql/index.html`)).status, 404);
      assert.equal((await fetch(`${origin}/graphiql/%2e%2e/index.html`)).status, 404);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Bad requests get GraphQL errors with clear codes, never a crash or a stack trace:
 * malformed JSON, unknown fields, wrong types, huge bodies, deep queries, oversized
 * pages, non-JSON posts, foreign Host headers without keys. Plus `/healthz` and the
 * offline GraphiQL page.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { ERROR_FIELDS, rawRequest, startApi, type Api } from "./helpers.js";
import { ensureDashboardBuilt } from "../dashboard/harness.js";

/** Neither a body nor a header of any answer may carry a stack frame. */
function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /\bat .+\(.+:\d+:\d+\)|\.ts:\d+|node:internal|"stack":"/);
}

for (const kind of await storeKinds()) {
  describe(`GraphQL limits and bad input (${kind.name})`, () => {
    let api: Api;
    before(async () => {
      // Before the server starts: a build blocks this process for a while.
      ensureDashboardBuilt();
      api = await startApi(kind, {
        definitions: TEST_DEFINITIONS,
        server: { maxBodyBytes: 64 * 1024, maxDepth: 8, maxListLimit: 100 },
      });
    });
    after(async () => {
      await api?.close();
    });

    async function post(body: string, headers: Record<string, string> = {}) {
      const response = await fetch(api.server.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body,
      });
      const text = await response.text();
      assertNoStack(text);
      return { status: response.status, text, json: JSON.parse(text) as any };
    }

    it("answers malformed JSON with 400 and a GraphQL error", async () => {
      const answer = await post('{"query": "{ backgroundTasks {');
      assert.equal(answer.status, 400);
      assert.equal(answer.json.errors.length, 1);
      assert.match(answer.json.errors[0].message, /JSON/);
    });

    it("answers a body without a query with a GraphQL error", async () => {
      for (const body of ["{}", "[]", "42", '{"query": 42}', '{"query": "{ __typename }", "variables": "x"}']) {
        const answer = await post(body);
        // 200 for the legacy application/json accept header, as GraphQL over HTTP says.
        assert.ok(answer.status === 200 || answer.status === 400, `${body} → ${answer.status}`);
        assert.equal(answer.json.data, undefined);
        assert.equal(answer.json.errors[0].extensions.code, "BAD_REQUEST");
      }
    });

    it("answers an unknown field and a syntax error with GraphQL errors", async () => {
      const unknown = await post(JSON.stringify({ query: "{ backgroundTasks { listTasks { data { id noSuchField } } } }" }));
      assert.match(unknown.json.errors[0].message, /Cannot query field "noSuchField"/);
      assert.equal(unknown.json.data, undefined);
      const syntax = await post(JSON.stringify({ query: "{ backgroundTasks { " }));
      assert.match(syntax.json.errors[0].message, /Syntax Error/);
    });

    it("answers wrong argument and variable types with GraphQL errors", async () => {
      const literal = await post(JSON.stringify({ query: '{ backgroundTasks { listTasks(limit: "ten") { data { id } } } }' }));
      assert.match(literal.json.errors[0].message, /Int cannot represent/);
      const variable = await post(
        JSON.stringify({
          query: "mutation ($delay: Number) { backgroundTasks { triggerTask(definition: someTask, delay: $delay) { data { id } } } }",
          variables: { delay: "soon" },
        }),
      );
      assert.match(variable.json.errors[0].message, /\$delay/);
      const date = await post(JSON.stringify({ query: '{ backgroundTasks { listTasks(where: { createdOn_gt: "yesterday" }) { data { id } } } }' }));
      assert.match(date.json.errors[0].message, /DateTime/);
      const sorter = await post(JSON.stringify({ query: "{ backgroundTasks { listTasks(sort: [bogus_ASC]) { data { id } } } }" }));
      assert.match(sorter.json.errors[0].message, /bogus_ASC/);
    });

    it("answers invalid filter values from the service inside the envelope", async () => {
      const answer = await post(JSON.stringify({ query: `{ backgroundTasks { listTasks(where: { taskStatus: "sleeping" }) { data { id } ${ERROR_FIELDS} } } }` }));
      const { data, error } = answer.json.data.backgroundTasks.listTasks;
      assert.equal(data, null);
      assert.equal(error.code, "INVALID_ARGUMENT");
      assert.match(error.message, /taskStatus/);
      assert.equal(error.stack, null);
    });

    it("refuses a body over the size cap with 413 and a GraphQL error", async () => {
      const huge = JSON.stringify({ query: "{ backgroundTasks { listDefinitions { data { id } } } }", variables: { pad: "x".repeat(200_000) } });
      const answer = await post(huge);
      assert.equal(answer.status, 413);
      assert.equal(answer.json.errors[0].extensions.code, "PAYLOAD_TOO_LARGE");
      assert.match(answer.json.errors[0].message, /65536 bytes/);
      // The server is still there.
      const after = await post(JSON.stringify({ query: "{ backgroundTasks { listDefinitions { data { id } } } }" }));
      assert.equal(after.status, 200);
    });

    it("refuses a chunked body that grows past the cap", async () => {
      let sent = 0;
      const chunks = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 100) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
          else controller.close();
        },
      });
      const response = await fetch(api.server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chunks,
        duplex: "half",
      } as RequestInit);
      assert.equal(response.status, 413);
      assertNoStack(await response.text());
    });

    it("refuses queries nested deeper than the limit, and still serves introspection", async () => {
      const deep = "{ backgroundTasks { listLogs { data { task { logs { task { logs { task { id } } } } } } } } }";
      const answer = await post(JSON.stringify({ query: deep }));
      assert.equal(answer.json.data, undefined);
      assert.equal(answer.json.errors[0].extensions.code, "QUERY_TOO_DEEP");
      const viaFragment = await post(
        JSON.stringify({
          query: `query { backgroundTasks { listLogs { data { ...L } } } }
            fragment L on WebinyBackgroundTaskLog { task { logs { task { logs { task { logs { id } } } } } } }`,
        }),
      );
      assert.equal(viaFragment.json.errors[0].extensions.code, "QUERY_TOO_DEEP");
      const { getIntrospectionQuery } = await import("graphql");
      const introspection = await post(JSON.stringify({ query: getIntrospectionQuery() }));
      assert.equal(introspection.json.errors, undefined);
      assert.ok(introspection.json.data.__schema.types.length > 10);
    });

    it("refuses a list limit over the cap inside the envelope", async () => {
      const answer = await post(JSON.stringify({ query: `{ backgroundTasks { listTasks(limit: 101) { data { id } meta { cursor } ${ERROR_FIELDS} } } }` }));
      assert.deepEqual(answer.json.data.backgroundTasks.listTasks.data, null);
      assert.equal(answer.json.data.backgroundTasks.listTasks.error.code, "INVALID_ARGUMENT");
      assert.match(answer.json.data.backgroundTasks.listTasks.error.message, /at most 100/);
      const logs = await post(JSON.stringify({ query: `{ backgroundTasks { listLogs(limit: 5000) { data { id } ${ERROR_FIELDS} } } }` }));
      assert.equal(logs.json.data.backgroundTasks.listLogs.error.code, "INVALID_ARGUMENT");
      const ok = await post(JSON.stringify({ query: `{ backgroundTasks { listTasks(limit: 100) { data { id } ${ERROR_FIELDS} } } }` }));
      assert.equal(ok.json.data.backgroundTasks.listTasks.error, null);
    });

    it("refuses a nested logs limit over Webiny's 10,000 as a field error", async () => {
      await api.stint.tasks.trigger({ definition: "someTask", delay: 3600 });
      const answer = await post(JSON.stringify({ query: "{ backgroundTasks { listTasks(limit: 1) { data { id logs(limit: 10001) { id } } } } }" }));
      assert.equal(answer.json.errors[0].extensions.code, "INVALID_ARGUMENT");
    });

    it("refuses POST bodies that are not JSON (no cross-site form posts)", async () => {
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded"]) {
        const answer = await post("query=%7B__typename%7D", { "content-type": contentType });
        assert.equal(answer.status, 415);
        assert.equal(answer.json.errors[0].extensions.code, "UNSUPPORTED_MEDIA_TYPE");
      }
    });

    it("serves queries over GET but never mutations", async () => {
      const query = encodeURIComponent("{ backgroundTasks { listDefinitions { data { id } } } }");
      const get = await fetch(`${api.server.url}?query=${query}`, { headers: { accept: "application/json" } });
      assert.equal(get.status, 200);
      assert.equal(((await get.json()) as any).data.backgroundTasks.listDefinitions.data.length, 2);
      const mutation = encodeURIComponent("mutation { backgroundTasks { triggerTask(definition: someTask) { data { id } } } }");
      const refused = await fetch(`${api.server.url}?query=${mutation}`, { headers: { accept: "application/json" } });
      assert.equal(refused.status, 405);
    });

    it("refuses a foreign Host header when no key is configured (DNS rebinding)", async () => {
      const answer = await rawRequest(api.server.url, {
        headers: { "content-type": "application/json", host: "attacker.example:80" },
        body: JSON.stringify({ query: "{ backgroundTasks { listDefinitions { data { id } } } }" }),
      });
      assert.equal(answer.status, 403);
      assert.equal(JSON.parse(answer.body).errors[0].extensions.code, "SECURITY_NOT_AUTHORIZED");
      const loopback = await rawRequest(api.server.url, {
        headers: { "content-type": "application/json", host: `localhost:${api.server.port}` },
        body: JSON.stringify({ query: "{ backgroundTasks { listDefinitions { data { id } } } }" }),
      });
      assert.equal(loopback.status, 200);
    });

    it("answers /healthz with the store up", async () => {
      const response = await fetch(`${api.origin}/healthz`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { ok: true, store: "up" });
    });

    it("serves GraphiQL to browsers, loading nothing from another origin", async () => {
      const response = await fetch(api.server.url, { headers: { accept: "text/html" } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /text\/html/);
      const html = await response.text();
      assert.match(html, /<div id="graphiql">/);
      const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
      assert.ok(urls.length > 0);
      for (const url of urls) assert.match(url, /^\.\/graphiql\//, url);
      assert.doesNotMatch(html, /https?:\/\//);
    });

    it("answers unknown paths with 404 JSON", async () => {
      const response = await fetch(`${api.origin}/nope`);
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as any).errors[0].extensions.code, "NOT_FOUND");
    });
  });
}

/**
 * A fuzzer over the GraphQL endpoint: malformed documents, mutated valid ones, deep
 * nesting, alias and fragment bombs, huge strings and numbers, wrong variable types,
 * unknown ids and malformed HTTP bodies. For every request: an answer within 10 s, never
 * a 5xx, never a stack trace in the body, the server still answers afterwards, and
 * nothing stored unless the answer says a mutation succeeded.
 * GRAPHQL_FUZZ_RUNS sets the runs of each generated family (default 150).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createStint, type ServerHandle, type Stint } from "../../src/stint.js";
import { createTaskDefinition } from "../../src/definition/create-task-definition.js";
import { sqliteStore, type TestStore } from "../helpers/stores.js";

const RUNS = Number(process.env.GRAPHQL_FUZZ_RUNS ?? 150);

const echo = createTaskDefinition<{ value?: number }>({
  id: "echo",
  title: "Echo",
  createInputValidation: ({ validator }) => ({ value: validator.number().optional() }),
  run: async ({ response }) => response.done(),
});

const VALID_DOCUMENTS = [
  `query { backgroundTasks { listTasks(limit: 5) { data { id taskStatus input output } meta { cursor hasMoreItems totalCount } error { message code data stack } } } }`,
  `query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { id name iterations } error { message code data stack } } } }`,
  `query { backgroundTasks { listLogs(where: { task: "x" }, sort: [createdOn_DESC]) { data { id items { message } } error { message code data stack } } } }`,
  `query { backgroundTasks { listDefinitions { data { id title fields } error { message code } } } }`,
  `mutation { backgroundTasks { triggerTask(definition: echo, input: { value: "not a number" }, delay: -5) { data { id } error { message code data stack } } } }`,
  `mutation ($id: ID!) { backgroundTasks { abortTask(id: $id, message: "x") { data { id } error { message code data stack } } } }`,
  `mutation ($id: ID!) { backgroundTasks { deleteTask(id: $id) { data error { message code data stack } } } }`,
];

/** A stack frame, a source path or an internal error name leaking into a body. */
// A stack frame as V8 prints it: "at fn (file:1:2)", "at new Fn (file:1:2)", "at file:1:2".
// Tokens without spaces or parentheses keep the match linear: the first version
// (/\bat [^\n]*\(?[^\n]*:\d+:\d+\)?/) backtracked for ~6 s over a long one-line answer,
// blocking the event loop this file shares with the server, whose keep-alive timer then
// closed the connection the client was about to reuse (the ECONNRESET once seen here).
const STACK_FRAME = /\bat (?:(?:new|async) )?[^\s()]+ \([^\s()]+:\d+:\d+\)|\bat [^\s()]+:\d+:\d+/;
const LEAKS = [STACK_FRAME, /node_modules/, /\/work\//, /\.ts:\d+/, /\bTypeError\b/, /\bReferenceError\b/, /\bSqliteError\b/];

interface Answer {
  status: number;
  text: string;
}

describe("GraphQL endpoint under hostile input", () => {
  let store: TestStore;
  let stint: Stint;
  let server: ServerHandle;
  const seeded: string[] = [];
  const unexpected: unknown[] = [];

  before(async () => {
    store = await sqliteStore.create();
    stint = await createStint({ storage: store.adapter, definitions: [echo], useEnv: false });
    server = await stint.startServer({ port: 0, onUnexpectedError: (error: unknown) => unexpected.push(error) } as never);
    for (let i = 0; i < 2; i++) seeded.push((await stint.tasks.trigger({ definition: "echo", input: { value: i } })).id);
  });
  after(async () => {
    await stint.close();
    await store.cleanup();
  });

  /** Requests whose kept-alive connection was reset by the server (retried on a fresh one). */
  const resets: string[] = [];

  async function send(body: string | Uint8Array, contentType = "application/json", method = "POST", fresh = false): Promise<Answer> {
    const response = await fetch(server.url, {
      method,
      headers: { "content-type": contentType, accept: "application/json", ...(fresh ? { connection: "close" } : {}) },
      body: method === "GET" ? undefined : typeof body === "string" ? body : Buffer.from(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, text: await response.text() };
  }

  async function snapshot(): Promise<string> {
    const tasks = await stint.tasks.listTasks({ limit: 1000, sort: ["createdOn_ASC"] });
    return JSON.stringify(tasks.items.map((t) => [t.id, t.taskStatus, t.savedOn]));
  }

  /** A mutation the answer reports as done (then a change is legitimate). */
  function succeededMutation(text: string): boolean {
    try {
      const body = JSON.parse(text) as { data?: { backgroundTasks?: Record<string, { data?: unknown; error?: unknown }> } };
      return Object.values(body.data?.backgroundTasks ?? {}).some((r) => r && r.data !== null && r.data !== undefined && !r.error);
    } catch {
      return false;
    }
  }

  async function check(label: string, body: string | Uint8Array, contentType?: string, method?: string): Promise<void> {
    const before = await snapshot();
    const preview = typeof body === "string" ? body.slice(0, 300) : `<${body.length} bytes>`;
    const started = Date.now();
    const answer = await send(body, contentType, method).catch(async (error: Error) => {
      const cause = String((error as { cause?: unknown }).cause);
      if (!/ECONNRESET|other side closed/.test(cause)) {
        throw new Error(`${label}: no answer after ${Date.now() - started} ms (${error.message}; ${cause}) for ${preview}`);
      }
      resets.push(`${label} (${cause})`);
      return send(body, contentType, method, true);
    });
    assert.ok(answer.status < 500, `${label}: status ${answer.status} for ${preview}\n${answer.text.slice(0, 500)}`);
    for (const leak of LEAKS) assert.doesNotMatch(answer.text, leak, `${label}: leak in the body for ${preview}`);
    assert.doesNotMatch(answer.text, /"stack":"/, `${label}: a stack in an error for ${preview}`);
    if (!succeededMutation(answer.text)) assert.equal(await snapshot(), before, `${label}: the store changed for ${preview}\n${answer.text.slice(0, 300)}`);
  }

  const json = (query: unknown, variables?: unknown) => JSON.stringify({ query, variables });

  it("answers random text, mutated documents and random variables without a 5xx, a stack or a write", async () => {
    const mutation = fc.record({
      doc: fc.constantFrom(...VALID_DOCUMENTS),
      at: fc.nat(),
      cut: fc.nat({ max: 20 }),
      insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("{", "}", "(", ")", "$", "...", "@skip", ":", '"', "\\", "\u0000", "#")),
    });
    const variables = fc.oneof(
      fc.constant(undefined),
      fc.record({ id: fc.oneof(fc.string(), fc.constantFrom(...seeded), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.object()) }),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: "binary" }), mutation), variables, async (doc, vars) => {
        const query = typeof doc === "string" ? doc : doc.doc.slice(0, doc.at % doc.doc.length) + doc.insert + doc.doc.slice((doc.at % doc.doc.length) + doc.cut);
        await check("fuzzed document", json(query, vars));
      }),
      { numRuns: RUNS },
    );
  });

  it("answers unknown ids, wrong types and out-of-range values with envelopes, not crashes", async () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.constantFrom("", "0".repeat(1000), "1e400", "-1", "NaN", "__proto__", "'; DROP TABLE tasks;--", ...seeded),
      fc.integer(),
      fc.double(),
      fc.constantFrom(1e308, -1e308, 2 ** 31, 2 ** 53 + 1, -0),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.object({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VALID_DOCUMENTS), scalar, fc.oneof(fc.constant("id"), fc.string({ maxLength: 5 })), async (doc, value, name) => {
        await check("wrong variable", json(doc, { [name]: value }));
      }),
      { numRuns: RUNS },
    );
    // Literals in the document itself.
    const literal = fc.oneof(
      fc.constantFrom("1e400", "99999999999999999999999", "-99999999999999999999", "0.5", "true", "null", "[]", "{}", '"x"', "ENUM", "$undeclared"),
      fc.integer().map(String),
      fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
    );
    await fc.assert(
      fc.asyncProperty(literal, literal, literal, async (a, b, c) => {
        await check(
          "literal",
          json(`mutation { backgroundTasks { triggerTask(definition: echo, input: { value: ${a} }, name: ${b}, delay: ${c}) { data { id } error { message code } } } }`),
        );
        await check("literal", json(`query { backgroundTasks { listTasks(limit: ${a}, after: ${b}, search: ${c}) { data { id } error { message code } } } }`));
        await check("literal", json(`query { backgroundTasks { getTask(id: ${a}) { data { id } error { message code } } } }`));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  // Found by this fuzzer: thousands of levels overflowed graphql-js's recursive parser
  // (500); src/graphql/document-limits.ts now refuses them before parsing.
  it("refuses documents nested thousands of levels deep (selections, input objects, lists) with a 4xx", async () => {
    const deep = (n: number) => "query { backgroundTasks { " + "a { ".repeat(n) + "id" + " }".repeat(n) + " } }";
    for (const n of [1000, 2000, 3000, 5000, 20_000]) await check(`selection nested ${n} deep`, json(deep(n)));
    await check("deep input object", json(`query { backgroundTasks { listTasks(where: ${"{ a: ".repeat(3000)}1${" }".repeat(3000)}) { data { id } } } }`));
    await check("deep list", json(`query { backgroundTasks { listTasks(sort: ${"[".repeat(5000)}${"]".repeat(5000)}) { data { id } } } }`));
  });

  // At most 1,000 field selections per document (src/graphql/document-limits.ts), so an
  // alias bomb is refused instead of running 5,000 list queries.
  it("refuses an alias bomb (5,000 aliased listTasks in one request) with a 4xx", { timeout: 60_000 }, async () => {
    const aliases = Array.from({ length: 5000 }, (_, i) => `a${i}: listTasks(limit: 1000) { data { id input } }`).join(" ");
    const started = Date.now();
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: json(`query { backgroundTasks { ${aliases} } }`),
      signal: AbortSignal.timeout(50_000),
    });
    const text = await response.text();
    console.log(`graphql alias bomb: status ${response.status}, ${text.length} bytes in ${Date.now() - started} ms`);
    // A validation error: 200 with `errors` for application/json clients (GraphQL over HTTP).
    assert.ok(response.status < 500, `status ${response.status}`);
    assert.match(text, /QUERY_TOO_LARGE/);
    assert.doesNotMatch(text, /"data":\{/);
    for (const leak of LEAKS) assert.doesNotMatch(text, leak);
  });

  it("survives deep input nesting, alias and fragment bombs, huge strings and numbers", async () => {
    await check("deep JSON variable", json(`query ($w: WebinyBackgroundTaskListWhereInput) { backgroundTasks { listTasks(where: $w) { data { id } } } }`, JSON.parse(`${'{"a":'.repeat(3000)}1${"}".repeat(3000)}`)));
    await check("deep JSON input", json(`mutation ($i: JSON) { backgroundTasks { triggerTask(definition: echo, input: $i) { data { id } error { message code } } } }`, { i: JSON.parse(`${'{"a":'.repeat(3000)}1${"}".repeat(3000)}`) }));
    const triggers = Array.from({ length: 3000 }, (_, i) => `t${i}: triggerTask(definition: echo, input: { value: "bad" }) { error { code } }`).join(" ");
    await check("mutation alias bomb", json(`mutation { backgroundTasks { ${triggers} } }`));
    await check("fragment cycle", json(`query { backgroundTasks { ...A } } fragment A on WebinyBackgroundTaskQuery { ...B } fragment B on WebinyBackgroundTaskQuery { ...A }`));
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on WebinyBackgroundTaskListResponse { data { id } ...F${i + 1} ...F${i + 1} }`).join(" ") +
      " fragment F30 on WebinyBackgroundTaskListResponse { data { id } }";
    await check("fragment fan-out", json(`query { backgroundTasks { listTasks { ...F0 } } } ${fragments}`));
    await check("directive flood", json(`query { backgroundTasks ${"@skip(if: false) ".repeat(20000)} { listDefinitions { data { id } } } }`));
    await check("huge string arg", json(`mutation { backgroundTasks { triggerTask(definition: echo, name: "${"x".repeat(900_000)}") { data { id } error { code } } } }`));
    await check("huge string variable", json(`query ($id: ID!) { backgroundTasks { getTask(id: $id) { data { id } error { code } } } }`, { id: "x".repeat(900_000) }));
    await check("over the body limit", json(`query { __typename }`, { pad: "x".repeat(3 * 1024 * 1024) }));
    await check("huge number", json(`mutation { backgroundTasks { triggerTask(definition: echo, delay: ${"9".repeat(10_000)}) { data { id } error { code } } } }`));
    await check("huge number literal in JSON", `{"query":"query ($l: Int) { backgroundTasks { listTasks(limit: $l) { data { id } } } }","variables":{"l":1e999}}`);
    await check("many operations", json(Array.from({ length: 2000 }, (_, i) => `query Q${i} { __typename }`).join(" ")));
    await check("introspection", json(`query { __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }`));
  });

  it("answers malformed HTTP bodies with a 4xx", async () => {
    const bodies: [string, string | Uint8Array, string?, string?][] = [
      ["not JSON", "{ query: "],
      ["empty body", ""],
      ["JSON null", "null"],
      ["JSON array", "[]"],
      ["batched", JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }])],
      ["number", "12345"],
      ["query not a string", JSON.stringify({ query: 42 })],
      ["query an object", JSON.stringify({ query: { a: 1 } })],
      ["variables a string", JSON.stringify({ query: "{ __typename }", variables: "x" })],
      ["variables an array", JSON.stringify({ query: "{ __typename }", variables: [1] })],
      ["operationName unknown", JSON.stringify({ query: "query A { __typename }", operationName: "B" })],
      ["operationName object", JSON.stringify({ query: "{ __typename }", operationName: {} })],
      ["extensions garbage", JSON.stringify({ query: "{ __typename }", extensions: { persistedQuery: { sha256Hash: 1 } } })],
      ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0x71, 0x22, 0x3a, 0xff, 0xfe, 0x7d])],
      ["text/plain", JSON.stringify({ query: "{ __typename }" }), "text/plain"],
      ["form", "query=%7B__typename%7D", "application/x-www-form-urlencoded"],
      ["multipart garbage", "--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data; boundary=x"],
      ["mutation over GET", "", "application/json", "GET"],
      ["PUT", JSON.stringify({ query: "{ __typename }" }), "application/json", "PUT"],
      ["DELETE", JSON.stringify({ query: "mutation { backgroundTasks { deleteTask(id: \"x\") { data } } }" }), "application/json", "DELETE"],
    ];
    for (const [label, body, contentType, method] of bodies) await check(label, body, contentType, method);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => check("random bytes", bytes)),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  // Once seen: ECONNRESET on a ~900 KB request over a reused connection. The cause was
  // this file's own leak check (see STACK_FRAME), not the server.
  it("never resets a kept-alive connection", () => {
    assert.deepEqual(resets, []);
  });

  it("still answers and reported no unexpected errors after all that", async () => {
    const answer = await send(json(`query { backgroundTasks { listTasks { data { id } meta { totalCount } } } }`));
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.text).data.backgroundTasks.listTasks.meta.totalCount >= seeded.length, true);
    assert.deepEqual(unexpected.map((e) => String(e).slice(0, 300)), [], "errors that were not StintErrors reached the server's unexpected-error handler");
  });
});

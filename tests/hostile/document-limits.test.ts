/**
 * Documents built to make the server work in proportion to what they send: 55,000
 * aliased `__typename` in 1 MB, thousands of repeated fields, alias and fragment bombs,
 * nested introspection. Each is refused with a coded GraphQL error before any resolver
 * runs, and a document over the field, depth or alias caps never reaches graphql-js's
 * standard validation rules (some of which are quadratic in repeated fields).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createYoga, createSchema, type Plugin } from "graphql-yoga";
import { getIntrospectionQuery } from "graphql";
import type { TaskService } from "../../src/service/types.js";
import { startGraphQLServer, type GraphQLServer } from "../../src/graphql/server.js";
import { DOCUMENT_LIMIT_DEFAULTS, documentLimitsPlugins } from "../../src/graphql/document-limits.js";
import { postGraphQL } from "../graphql/helpers.js";

/** A service no refused document may reach: every call is recorded. */
function recordingService(calls: string[]): TaskService {
  const record = (name: string) => async () => {
    calls.push(name);
    return { items: [], meta: { cursor: null, hasMoreItems: false, totalCount: 0 } } as never;
  };
  return {
    trigger: record("trigger"),
    triggerMany: record("triggerMany"),
    abort: record("abort"),
    abortMany: record("abortMany"),
    deleteMany: record("deleteMany"),

    rerun: record("rerun"),
    rerunMany: record("rerunMany"),
    getTask: record("getTask"),
    listTasks: record("listTasks"),
    listLogs: record("listLogs"),
    listDefinitions: () => (calls.push("listDefinitions"), []),
    getDefinition: () => undefined,
    deleteTask: record("deleteTask"),
    listWorkers: record("listWorkers"),
    listChildren: record("listChildren"),
    getSettings: record("getSettings"),
    updateSettings: record("updateSettings"),
  };
}

function aliases(count: number, field: string): string {
  return Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(" ");
}

describe("GraphQL document limits under hostile documents", () => {
  let server: GraphQLServer;
  const calls: string[] = [];
  before(async () => {
    server = await startGraphQLServer({ service: recordingService(calls), ping: async () => {}, port: 0, env: {}, onUnexpectedError: () => {} });
    calls.length = 0; // listDefinitions ran once to build the schema
  });
  after(async () => {
    await server?.close();
  });

  async function refusal(query: string) {
    const before = calls.length;
    const answer = await postGraphQL(server.url, { query });
    assert.equal(answer.body.data, undefined, "nothing was executed");
    assert.equal(calls.length, before, "no resolver reached the service");
    assert.ok(answer.body.errors?.length, "an error is given");
    return answer.body.errors![0] as { message: string; extensions: Record<string, unknown> };
  }

  it("refuses 55,000 aliased __typename in 1 MB while parsing, at the token cap", async () => {
    const query = `{ ${aliases(55_000, "__typename")} }`;
    assert.ok(query.length > 900_000 && query.length < 1024 * 1024, `${query.length} bytes`);
    const error = await refusal(query);
    assert.equal(error.extensions.code, "QUERY_TOO_LARGE");
    assert.equal(error.extensions.maxTokens, DOCUMENT_LIMIT_DEFAULTS.maxTokens);
    assert.match(error.message, /at most 10000 tokens/);
  });

  it("counts __typename and introspection fields against the 1,000-field cap", async () => {
    // 37 aliased lists of 27 fields each, plus one __typename: exactly 1,000 fields.
    const list = `backgroundTasks { listTasks(limit: 1) { data { id name definitionId parentId executionName iterations input output
      taskStatus startedOn finishedOn eventResponse progress createdOn savedOn } meta { cursor hasMoreItems totalCount } error { message code data stack } } }`;
    const thousand = `${aliases(37, list)} __typename`;
    const fine = await postGraphQL(server.url, { query: `{ ${thousand} }` });
    assert.equal(fine.body.errors, undefined);
    assert.equal(Object.keys(fine.body.data).length, 38);
    const over = await refusal(`{ ${thousand} again: __typename }`);
    assert.equal(over.extensions.code, "QUERY_TOO_LARGE");
    assert.equal(over.extensions.maxFields, 1000);
    assert.match(over.message, /at most 1000 are allowed/);
    // Repeated identical fields (no aliases needed) are the quadratic case of the standard rules.
    const repeated = await refusal(`{ ${Array(3000).fill("__typename").join(" ")} }`);
    assert.equal(repeated.extensions.code, "QUERY_TOO_LARGE");
    const introspection = await refusal(`{ ${Array(1001).fill("__schema { queryType { name } }").join(" ")} }`);
    assert.equal(introspection.extensions.code, "QUERY_TOO_LARGE");
  });

  it("counts fields of a fragment each time it is spread", async () => {
    // 80 fields as written, no alias: 60 spreads of a 20-field fragment run ~1,400.
    const fragment = `fragment I on WebinyBackgroundTaskQuery { ${Array(20).fill("__typename").join(" ")} }`;
    const error = await refusal(`{ ${Array(60).fill("backgroundTasks { ...I }").join(" ")} } ${fragment}`);
    assert.equal(error.extensions.code, "QUERY_TOO_LARGE");
    assert.equal(error.extensions.maxFields, 1000);
  });

  it("refuses more than 100 aliases, __typename included", async () => {
    const fine = await postGraphQL(server.url, { query: `{ ${aliases(100, "__typename")} }` });
    assert.equal(fine.body.errors, undefined);
    const error = await refusal(`{ ${aliases(101, "__typename")} }`);
    assert.equal(error.extensions.code, "QUERY_TOO_LARGE");
    assert.equal(error.extensions.maxAliases, 100);
  });

  it("refuses fields nested deeper than 12 levels, and introspection deeper than 15", async () => {
    // backgroundTasks listLogs data, then task/logs five times, then id: 13 levels.
    const path = ["backgroundTasks", "listLogs", "data", ...Array(5).fill(["task", "logs"]).flat(), "task"];
    const deep = `{ ${path.join(" { ")} { id ${"} ".repeat(path.length)}}`;
    const error = await refusal(deep);
    assert.equal(error.extensions.code, "QUERY_TOO_DEEP");
    assert.equal(error.extensions.maxDepth, 12);
    const standard = await postGraphQL(server.url, { query: getIntrospectionQuery() });
    assert.equal(standard.body.errors, undefined, "GraphiQL's introspection query fits");
    // Nested introspection fans out over every type's fields at each level.
    let nested = "name";
    for (let i = 0; i < 6; i++) nested = `fields { type { ofType { ${nested} } } }`;
    const fanOut = await refusal(`{ __schema { types { ${nested} } } }`);
    assert.equal(fanOut.extensions.code, "QUERY_TOO_DEEP");
    assert.equal(fanOut.extensions.maxDepth, 15);
  });

  it("refuses brackets nested past 64 before parsing", async () => {
    const error = await refusal(`{ backgroundTasks { listTasks(where: { id_in: ${"[".repeat(100)}"x"${"]".repeat(100)} }) { data { id } } } }`);
    assert.equal(error.extensions.code, "QUERY_TOO_DEEP");
    assert.equal(error.extensions.maxNesting, 64);
  });

});

describe("document limits run before the standard validation rules", () => {
  it("never hands a document over a cap to graphql-js's validation", async () => {
    const schema = createSchema({ typeDefs: "type Query { a: Int b: Query }", resolvers: { Query: { a: () => 1, b: () => ({}) } } });
    let standardValidations = 0;
    const countStandard: Plugin = {
      onValidate({ validateFn, setValidationFn }) {
        setValidationFn((...args) => {
          standardValidations++;
          return validateFn(...args);
        });
      },
    };
    const yoga = createYoga({
      schema,
      logging: false,
      plugins: [...documentLimitsPlugins({ ...DOCUMENT_LIMIT_DEFAULTS, maxDepth: 12 }), countStandard],
    });
    const post = async (query: string) => {
      const response = await yoga.fetch("http://yoga/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] };
    };
    assert.deepEqual((await post("{ a b { a } }")).data, { a: 1, b: { a: 1 } });
    assert.equal(standardValidations, 1);
    for (const query of [`{ ${Array(1001).fill("a").join(" ")} }`, `{ ${aliases(101, "a")} }`, `{ ${"b { ".repeat(13)} a ${"} ".repeat(13)} }`]) {
      const answer = await post(query);
      assert.match(answer.errors?.[0]?.extensions.code ?? "", /^QUERY_TOO_(LARGE|DEEP)$/);
    }
    assert.equal(standardValidations, 1, "no refused document was validated further");
  });
});

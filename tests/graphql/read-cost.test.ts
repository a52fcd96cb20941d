/**
 * Reads cost what they return: each resolver asks the store for the fields its selection
 * uses (fragments and aliases included), and a request reading more than
 * `maxResponseBytes` gets RESPONSE_TOO_LARGE instead of the server loading it all.
 * The store is real; a proxy only records the read options it receives.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { storeKinds, type StoreKind } from "../helpers/stores.js";
import { withOverrides } from "../helpers/adapter-overrides.js";
import { isStintError } from "../../src/domain/errors.js";
import type { TaskReadOptions } from "../../src/storage/port/types.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { ERROR_FIELDS, startApi, waitFor, type Api } from "./helpers.js";

const INPUT_CHARS = 10_000;
/** Room for two of the tasks' inputs, not five. */
const BUDGET = INPUT_CHARS * 2 + 5_000;

interface Recorded {
  op: string;
  fields: readonly string[] | undefined;
  budgeted: boolean;
}

/** The store of `kind`, recording the read options of every task and log read. */
function recording(kind: StoreKind, reads: Recorded[]): StoreKind {
  const record = (op: string, options: TaskReadOptions | undefined) =>
    reads.push({ op, fields: options?.fields, budgeted: options?.budget !== undefined });
  return {
    name: kind.name,
    async create() {
      const store = await kind.create();
      const adapter = withOverrides(store.adapter, {
        taskGet: (real) => (params) => (record("taskGet", params), real(params)),
        taskGetMany: (real) => (params) => (record("taskGetMany", params), real(params)),
        taskList: (real) => (params) => (record("taskList", params), real(params)),
        logList: (real) => (params) => (record("logList", params), real(params)),
      });
      return { ...store, adapter };
    },
  };
}

const HEAVY = ["input", "output", "eventResponse", "progress"];
const heavyIn = (fields: readonly string[] | undefined) => (fields === undefined ? HEAVY : HEAVY.filter((f) => fields.includes(f)));

for (const kind of await storeKinds()) {
  describe(`GraphQL reads cost what they return (${kind.name})`, () => {
    let api: Api;
    const reads: Recorded[] = [];
    let doneId: string;

    before(async () => {
      api = await startApi(recording(kind, reads), { definitions: TEST_DEFINITIONS, worker: true, server: { maxResponseBytes: BUDGET } });
      // Five pending tasks with 10 KB inputs, and one run to success with a log.
      for (let i = 0; i < 5; i += 1) await api.stint.tasks.trigger({ definition: "someTask", delay: 3600, name: `big ${i}`, input: { pad: "x".repeat(INPUT_CHARS) } as never });
      doneId = (await api.stint.tasks.trigger({ definition: "someTask", input: { value: 4, steps: 1 } })).id;
      await waitFor("the task to finish", async () => ((await api.stint.tasks.getTask(doneId))?.taskStatus === "success" ? true : undefined));
    });
    after(async () => {
      await api?.close();
    });

    async function query(text: string): Promise<{ body: any; reads: Recorded[] }> {
      reads.length = 0;
      const answer = await api.gql(text);
      return { body: answer.body, reads: [...reads] };
    }

    it("listTasks { data { id } } reads no heavy column, under the request's budget", async () => {
      const { body, reads: seen } = await query(`{ backgroundTasks { listTasks(limit: 10) { data { id } ${ERROR_FIELDS} } } }`);
      assert.equal(body.data.backgroundTasks.listTasks.data.length, 6);
      assert.deepEqual(seen.map((r) => [r.op, heavyIn(r.fields), r.budgeted]), [["taskList", [], true]]);
    });

    it("follows named and inline fragments and aliases", async () => {
      const { body, reads: seen } = await query(`
        query { backgroundTasks { listTasks(where: { id: "${doneId}" }) {
          data { ...Ids ... on WebinyBackgroundTask { result: output } } ${ERROR_FIELDS} } } }
        fragment Ids on WebinyBackgroundTask { id given: input }`);
      const [task] = body.data.backgroundTasks.listTasks.data;
      assert.deepEqual(task, { id: doneId, given: { value: 4, steps: 1, step: 1 }, result: { doubled: 8 } });
      assert.deepEqual(heavyIn(seen[0].fields), ["input", "output"]);
    });

    it("getTask reads what its data selects, an aliased data included", async () => {
      const { body, reads: seen } = await query(`{ backgroundTasks { getTask(id: "${doneId}") { d: data { progress } data { id } } } }`);
      assert.deepEqual(body.data.backgroundTasks.getTask, { d: { progress: null }, data: { id: doneId } });
      assert.deepEqual(seen.map((r) => [r.op, heavyIn(r.fields)]), [["taskGet", ["progress"]]]);
    });

    it("a log's task reads what its selection uses; different selections are not mixed up", async () => {
      const { body, reads: seen } = await query(`{ backgroundTasks {
        a: listLogs(where: { task: "${doneId}" }) { data { id task { id } } }
        b: listLogs(where: { task: "${doneId}" }) { data { id items { message } task { output } } } } }`);
      const { a, b } = body.data.backgroundTasks;
      assert.deepEqual(a.data[0].task, { id: doneId });
      assert.deepEqual(b.data[0].task, { output: { doubled: 8 } });
      assert.ok(b.data[0].items.length > 0);
      const logReads = seen.filter((r) => r.op === "logList").map((r) => r.fields?.includes("items"));
      assert.deepEqual(logReads.sort(), [false, true]);
      const taskReads = seen.filter((r) => r.op !== "logList").map((r) => heavyIn(r.fields).join(","));
      assert.deepEqual(taskReads.sort(), ["", "output"]);
      assert.ok(seen.every((r) => r.budgeted));
    });

    it("a task's nested logs read their items only when selected", async () => {
      const { body, reads: seen } = await query(`{ backgroundTasks { getTask(id: "${doneId}") { data { logs { id } } } } }`);
      assert.ok(body.data.backgroundTasks.getTask.data.logs.length > 0);
      const logRead = seen.find((r) => r.op === "logList");
      assert.equal(logRead?.fields?.includes("items"), false);
    });

    it("answers RESPONSE_TOO_LARGE in the envelope for a list over maxResponseBytes", async () => {
      const { body } = await query(`{ backgroundTasks { listTasks(limit: 10) { data { id input } meta { totalCount } ${ERROR_FIELDS} } } }`);
      const envelope = body.data.backgroundTasks.listTasks;
      assert.equal(envelope.data, null);
      assert.equal(envelope.error.code, "RESPONSE_TOO_LARGE");
      assert.match(envelope.error.message, /fewer rows .* or fewer fields/);
      assert.deepEqual(envelope.error.data, { max: BUDGET });
      // The same rows without their inputs fit.
      const light = await query(`{ backgroundTasks { listTasks(limit: 10) { data { id name } ${ERROR_FIELDS} } } }`);
      assert.equal(light.body.data.backgroundTasks.listTasks.data.length, 6);
    });

    it("charges one budget per request, across fields", async () => {
      // Each getTask alone fits; five of them in one request do not.
      const ids = (await api.stint.tasks.listTasks({ where: { name_startsWith: "big" }, fields: ["id"] })).items.map((t) => t.id);
      const one = await query(`{ backgroundTasks { getTask(id: "${ids[0]}") { data { input } ${ERROR_FIELDS} } } }`);
      assert.equal(one.body.data.backgroundTasks.getTask.error, null);
      const all = await query(`{ backgroundTasks { ${ids.map((id, i) => `t${i}: getTask(id: "${id}") { data { input } ${ERROR_FIELDS} }`).join(" ")} } }`);
      const codes = ids.map((_, i) => all.body.data.backgroundTasks[`t${i}`].error?.code ?? null);
      assert.ok(codes.includes("RESPONSE_TOO_LARGE"), JSON.stringify(codes));
      assert.ok(codes.includes(null), JSON.stringify(codes));
    });
  });
}

describe("maxResponseBytes", () => {
  it("defaults to 32 MiB and can be set", async () => {
    const { resolveServerOptions, SERVER_DEFAULTS } = await import("../../src/graphql/options.js");
    const base = { service: {} as never, ping: async () => {} };
    assert.equal(SERVER_DEFAULTS.maxResponseBytes, 32 * 1024 * 1024);
    assert.equal(resolveServerOptions(base, () => []).maxResponseBytes, 32 * 1024 * 1024);
    assert.equal(resolveServerOptions({ ...base, maxResponseBytes: 1000 }, () => []).maxResponseBytes, 1000);
    for (const bad of [0, -1, 1.5, Number.NaN, "1000"]) {
      assert.throws(
        () => resolveServerOptions({ ...base, maxResponseBytes: bad as number }, () => []),
        (error: unknown) => isStintError(error, "INVALID_ARGUMENT") && error.data?.argument === "maxResponseBytes",
      );
    }
  });

  it("is read from the config's server section (createStint({ server }))", async () => {
    const { createStint } = await import("../../src/stint.js");
    const { sqliteStore } = await import("../helpers/stores.js");
    const { postGraphQL } = await import("./helpers.js");
    const store = await sqliteStore.create();
    const stint = await createStint({ storage: store.adapter, definitions: TEST_DEFINITIONS, useEnv: false, server: { maxResponseBytes: 1000 } });
    try {
      await stint.tasks.trigger({ definition: "someTask", delay: 3600, input: { value: 1, pad: "p".repeat(2000) } as never });
      const server = await stint.startServer({ port: 0, env: {} });
      const answer = await postGraphQL(server.url, { query: `{ backgroundTasks { listTasks { data { input } ${ERROR_FIELDS} } } }` });
      assert.equal(answer.body.data.backgroundTasks.listTasks.error.code, "RESPONSE_TOO_LARGE");
    } finally {
      await stint.close();
      await store.cleanup();
    }
  });
});

/**
 * Server behaviour that needs no store: where it may listen, where keys come from,
 * `/healthz` when the store is down, debug stacks and masking, the `Empty` enum, the
 * static folder, and batched task look-ups for log lists.
 */
import { createServer as createNetServer } from "node:net";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StintError, isStintError } from "../../src/domain/errors.js";
import { SYSTEM_IDENTITY } from "../../src/domain/task.js";
import type { TaskRecord } from "../../src/domain/task-record.js";
import type { TaskLogRecord } from "../../src/domain/log-record.js";
import type { TaskService } from "../../src/service/types.js";
import { startGraphQLServer, type GraphQLServerOptions } from "../../src/graphql/server.js";
import { postGraphQL, rawRequest } from "./helpers.js";

const ERROR_FIELDS = "error { message code data stack }";
const LONG_KEY = "k".repeat(20);

function fakeTask(id: string): TaskRecord {
  const now = "2024-05-01T12:00:00.000Z";
  return {
    id, name: id, definitionId: "someTask", executionName: "", iterations: 0, input: {},
    taskStatus: "pending", createdOn: now, savedOn: now, createdBy: SYSTEM_IDENTITY, maxIterations: 50, runAt: now, attempt: 1,
    priority: 0, triggeredInput: {},
  };
}

function fakeLog(taskId: string, iteration: number): TaskLogRecord {
  return { id: `${taskId}-log${iteration}`, task: taskId, iteration, executionName: "w", items: [], createdOn: new Date().toISOString(), createdBy: SYSTEM_IDENTITY };
}

/** A service whose every method fails unless overridden; counts the calls made. */
function fakeService(overrides: Partial<TaskService> = {}): TaskService & { calls: string[] } {
  const calls: string[] = [];
  const fail = (name: string) => async () => {
    calls.push(name);
    throw new Error(`${name} was not expected`);
  };
  const base: TaskService = {
    trigger: fail("trigger"),
    triggerMany: fail("triggerMany"),
    abort: fail("abort"),
    abortMany: fail("abortMany"),
    deleteMany: fail("deleteMany"),

    rerun: fail("rerun"),
    rerunMany: fail("rerunMany"),
    getTask: fail("getTask"),
    listTasks: fail("listTasks"),
    listLogs: fail("listLogs"),
    listDefinitions: () => [],
    getDefinition: () => undefined,
    deleteTask: fail("deleteTask"),
    listWorkers: fail("listWorkers"),
    listChildren: fail("listChildren"),
    getSettings: fail("getSettings"),
    updateSettings: fail("updateSettings"),
  };
  const counted = Object.fromEntries(
    Object.entries(overrides).map(([name, fn]) => [name, (...args: unknown[]) => (calls.push(name), (fn as Function)(...args))]),
  );
  return Object.assign(base, counted, { calls });
}

async function withServer<T>(options: Partial<GraphQLServerOptions>, use: (url: string) => Promise<T>): Promise<T> {
  const server = await startGraphQLServer({
    service: fakeService(),
    ping: async () => {},
    port: 0,
    env: {},
    onUnexpectedError: () => {},
    ...options,
  });
  try {
    return await use(server.url);
  } finally {
    await server.close();
  }
}

describe("GraphQL server", () => {
  it("refuses to listen beyond loopback when no API key is configured", async () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10"]) {
      await assert.rejects(
        startGraphQLServer({ service: fakeService(), ping: async () => {}, host, port: 0, env: {} }),
        (error: unknown) => isStintError(error, "INVALID_ARGUMENT") && /refusing to listen on/.test((error as StintError).message),
      );
    }
  });

  it("listens on every interface once a key is configured, and on ::1 or localhost without one", async () => {
    await withServer({ host: "0.0.0.0", apiKeys: [{ key: "secret-key-0123456789", permissions: "r" }] }, async (url) => {
      assert.match(url, /^http:\/\/0\.0\.0\.0:\d+\/graphql$/);
    });
    await withServer({ host: "localhost" }, async (url) => assert.match(url, /^http:\/\/localhost:\d+\/graphql$/));
  });

  it("takes an IPv6 literal bare or in brackets, and prints it in brackets", async (t) => {
    if (!(await hasIpv6Loopback())) return t.skip("no IPv6 loopback on this machine");
    for (const host of ["::1", "[::1]"]) {
      await withServer({ host }, async (url) => assert.match(url, /^http:\/\/\[::1\]:\d+\/graphql$/));
    }
  });

  it("reads keys from STINT_API_KEYS as key:permissions pairs", async () => {
    const service = fakeService({ getTask: async () => null, deleteTask: async () => true });
    await withServer({ service, env: { STINT_API_KEYS: "reader-key-0123456789:r, admin:key-0123456789:rwd" } }, async (url) => {
      const read = await postGraphQL(url, { query: `{ backgroundTasks { getTask(id: "x") { data { id } ${ERROR_FIELDS} } } }` }, "reader-key-0123456789");
      assert.deepEqual(read.body.data.backgroundTasks.getTask, { data: null, error: null });
      const mutation = { query: `mutation { backgroundTasks { deleteTask(id: "x") { data ${ERROR_FIELDS} } } }` };
      const denied = await postGraphQL(url, mutation, "reader-key-0123456789");
      assert.equal(denied.body.data.backgroundTasks.deleteTask.error.code, "SECURITY_NOT_AUTHORIZED");
      const allowed = await postGraphQL(url, mutation, "admin:key-0123456789");
      assert.deepEqual(allowed.body.data.backgroundTasks.deleteTask, { data: true, error: null });
    });
    assert.deepEqual(service.calls, ["getTask", "deleteTask"]);
  });

  it("refuses malformed key configuration at start", async () => {
    for (const apiKeys of [[{ key: LONG_KEY, permissions: "rx" }], [{ key: LONG_KEY, permissions: "" }], [{ key: " ", permissions: "r" }]]) {
      await assert.rejects(startGraphQLServer({ service: fakeService(), ping: async () => {}, port: 0, env: {}, apiKeys }), /Invalid apiKeys\[0\]/);
    }
    await assert.rejects(
      startGraphQLServer({ service: fakeService(), ping: async () => {}, port: 0, env: { STINT_API_KEYS: "no-permissions" } }),
      /STINT_API_KEYS/,
    );
  });

  it("answers /healthz with 503 and the reason when the store is down", async () => {
    await withServer({ ping: async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) }, async (url) => {
      const response = await fetch(new URL("/healthz", url));
      assert.equal(response.status, 503);
      assert.deepEqual(await response.json(), { ok: false, store: "down", error: "connect ECONNREFUSED 127.0.0.1:5432" });
    });
  });

  it("adds stacks only in debug mode and masks unexpected errors otherwise", async () => {
    const service = fakeService({
      abort: async () => {
        throw new StintError("Cannot abort a task that is not pending or running!", "TASK_ABORT_ERROR", { id: "x", status: "success" });
      },
      listTasks: async () => {
        throw new TypeError("secret internals at db.ts:42");
      },
    });
    const abort = { query: `mutation { backgroundTasks { abortTask(id: "x") { data { id } ${ERROR_FIELDS} } } }` };
    const list = { query: `{ backgroundTasks { listTasks { data { id } ${ERROR_FIELDS} } } }` };
    const unexpected: unknown[] = [];
    await withServer({ service, onUnexpectedError: (error) => unexpected.push(error) }, async (url) => {
      const aborted = await postGraphQL(url, abort);
      assert.equal(aborted.body.data.backgroundTasks.abortTask.error.stack, null);
      const listed = await postGraphQL(url, list);
      assert.deepEqual(listed.body.data.backgroundTasks.listTasks.error, {
        message: "Internal server error.",
        code: "INTERNAL_ERROR",
        data: null,
        stack: null,
      });
    });
    assert.equal(unexpected.length, 1);
    await withServer({ service, debug: true }, async (url) => {
      const aborted = await postGraphQL(url, abort);
      assert.match(aborted.body.data.backgroundTasks.abortTask.error.stack, /StintError: Cannot abort/);
      const listed = await postGraphQL(url, list);
      assert.equal(listed.body.data.backgroundTasks.listTasks.error.message, "secret internals at db.ts:42");
      assert.match(listed.body.data.backgroundTasks.listTasks.error.stack, /TypeError/);
    });
  });

  it("offers the single enum value Empty when no definition is public", async () => {
    const service = fakeService({
      listDefinitions: () => [{ id: "hiddenTask", title: "Hidden", description: null, maxIterations: 50, isPrivate: true, inputSchema: null, concurrencyLimit: null }],
    });
    await withServer({ service }, async (url) => {
      const answer = await postGraphQL(url, { query: `{ __type(name: "WebinyBackgroundTaskDefinitionEnum") { enumValues { name } } }` });
      assert.deepEqual(answer.body.data.__type.enumValues, [{ name: "Empty" }]);
    });
  });

  it("fetches the tasks of a page of logs in one batched call", async () => {
    const logs = ["a", "b", "c", "a", "b"].map((taskId, index) => fakeLog(taskId, index + 1));
    const listTasksArgs: unknown[] = [];
    const service = fakeService({
      listLogs: async () => ({ items: logs, meta: { cursor: null, hasMoreItems: false, totalCount: logs.length } }),
      listTasks: async (params) => {
        listTasksArgs.push(params);
        const ids = (params?.where?.id_in ?? []) as string[];
        return { items: ids.map(fakeTask), meta: { cursor: null, hasMoreItems: false, totalCount: ids.length } };
      },
    });
    await withServer({ service }, async (url) => {
      const answer = await postGraphQL(url, { query: `{ backgroundTasks { listLogs { data { iteration task { id } } ${ERROR_FIELDS} } } }` });
      assert.deepEqual(
        answer.body.data.backgroundTasks.listLogs.data.map((log: { task: { id: string } }) => log.task.id),
        ["a", "b", "c", "a", "b"],
      );
    });
    assert.deepEqual(service.calls, ["listLogs", "listTasks"]);
    // Only the fields `task { id }` selects (no heavy one: fields []), under the request's budget.
    const [{ budget, ...args }] = listTasksArgs as { budget?: { charge: unknown } }[];
    assert.deepEqual(listTasksArgs.length, 1);
    assert.deepEqual(args, { where: { id_in: ["a", "b", "c"] }, limit: 3, fields: [] });
    assert.equal(typeof budget?.charge, "function");
  });

  it("serves a static folder at / without leaving it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stint-static-"));
    writeFileSync(join(dir, "index.html"), "<h1>dashboard</h1>");
    writeFileSync(join(dir, "app.js"), "console.log(1)");
    try {
      await withServer({ staticDir: dir }, async (url) => {
        const origin = new URL(url).origin;
        const index = await fetch(`${origin}/`);
        assert.equal(await index.text(), "<h1>dashboard</h1>");
        const script = await fetch(`${origin}/app.js`);
        assert.match(script.headers.get("content-type") ?? "", /javascript/);
        for (const path of ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd"]) {
          const escape = await rawRequest(`${origin}${path}`, { method: "GET" });
          assert.equal(escape.status, 404, path);
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Whether this machine can listen on ::1 (containers may have IPv6 off). */
function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once("error", () => resolve(false));
    probe.listen(0, "::1", () => probe.close(() => resolve(true)));
  });
}

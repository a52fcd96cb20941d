/**
 * The served schema is committed as `schema.snapshot.graphql`: any change to it shows
 * up in review. Regenerate deliberately with STINT_UPDATE_SNAPSHOTS=1.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from "graphql";
import { sqliteStore } from "../helpers/stores.js";
import { TEST_DEFINITIONS } from "./definitions.js";
import { startApi, type Api } from "./helpers.js";

const SNAPSHOT = fileURLToPath(new URL("./schema.snapshot.graphql", import.meta.url));

async function servedSdl(api: Api): Promise<string> {
  const answer = await api.gql<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true }));
  assert.equal(answer.body.errors, undefined);
  return `${printSchema(buildClientSchema(answer.body.data!))}\n`;
}

describe("GraphQL schema", () => {
  let api: Api;
  before(async () => {
    api = await startApi(sqliteStore, { definitions: TEST_DEFINITIONS });
  });
  after(async () => {
    await api?.close();
  });

  it("serves exactly the committed SDL snapshot", async () => {
    const sdl = await servedSdl(api);
    if (process.env.STINT_UPDATE_SNAPSHOTS === "1") writeFileSync(SNAPSHOT, sdl);
    assert.equal(sdl, readFileSync(SNAPSHOT, "utf8"), "the served schema changed: review it, then rerun with STINT_UPDATE_SNAPSHOTS=1");
  });

  it("has Webiny's root fields, envelopes and the Stint progress field", async () => {
    const sdl = await servedSdl(api);
    for (const line of [
      "getTask(id: ID!): WebinyBackgroundTaskResponse!",
      "listTasks(where: WebinyBackgroundTaskListWhereInput, sort: [WebinyBackgroundTaskListSorter!], limit: Int, after: String, search: String): WebinyBackgroundTaskListResponse!",
      "listDefinitions: WebinyBackgroundTaskListDefinitionsResponse!",
      "listLogs(where: WebinyBackgroundTaskLogListWhereInput, sort: [WebinyBackgroundTaskLogListSorter!], limit: Int, after: String, search: String): WebinyBackgroundTaskLogListResponse!",
      "triggerTask(definition: WebinyBackgroundTaskDefinitionEnum!, input: JSON, name: String, delay: Number, priority: Number, idempotencyKey: String, idempotencyKeyTtlSeconds: Number, concurrencyKey: String): WebinyBackgroundTaskTriggerResponse!",
      "abortTask(id: ID!, message: String, children: Boolean = true): WebinyBackgroundTaskResponse!",
      "abortTasks(where: WebinyBackgroundTaskListWhereInput!, limit: Int, dryRun: Boolean, message: String, children: Boolean = true): WebinyBackgroundTaskBulkResponse!",
      "deleteTask(id: ID!, children: Boolean = false): WebinyBackgroundTaskDeleteResponse!",
      "deleteTasks(where: WebinyBackgroundTaskListWhereInput!, limit: Int, dryRun: Boolean, children: Boolean = false): WebinyBackgroundTaskBulkResponse!",
      // Nullable (ends the line without "!"): a nested logs error must null only the
      // logs, never a mutation's task, whose id the client needs (tests/graphql/write-results.test.ts).
      "logs(where: WebinyBackgroundTaskLogListWhereInput, limit: Number, sort: [WebinyBackgroundTaskLogListSorter!]): [WebinyBackgroundTaskLog!]\n",
      "task: WebinyBackgroundTask!",
      "progress: JSON",
    ]) {
      assert.ok(sdl.includes(line), `missing: ${line}`);
    }
  });

  it("offers every Lists filter and both sorter spellings", async () => {
    const sdl = await servedSdl(api);
    const input = (name: string) => sdl.slice(sdl.indexOf(`input ${name} {`), sdl.indexOf("}", sdl.indexOf(`input ${name} {`)));
    const tasks = input("WebinyBackgroundTaskListWhereInput");
    for (const field of ["id", "name", "definitionId", "parentId", "executionName", "taskStatus", "createdBy"]) {
      for (const op of ["", "_not", "_in", "_not_in", "_contains", "_not_contains", "_startsWith", "_not_startsWith"]) {
        assert.match(tasks, new RegExp(`\\n  ${field}${op}: `), `${field}${op}`);
      }
    }
    for (const op of ["", "_not", "_in", "_not_in", "_lt", "_lte", "_gt", "_gte", "_between", "_not_between"]) {
      assert.match(tasks, new RegExp(`\\n  iterations${op}: `));
    }
    for (const field of ["startedOn", "finishedOn", "createdOn", "savedOn"]) {
      for (const op of ["", "_not", "_in", "_not_in", "_lt", "_lte", "_gt", "_gte", "_between", "_not_between"]) {
        assert.match(tasks, new RegExp(`\\n  ${field}${op}: `));
      }
    }
    const logs = input("WebinyBackgroundTaskLogListWhereInput");
    for (const key of ["task", "task_in", "iteration_between", "executionName_contains", "createdOn_gte"]) {
      assert.match(logs, new RegExp(`\\n  ${key}: `));
    }
    for (const value of ["createdOn_DESC", "values_createdOn_DESC", "iterations_ASC", "values_taskStatus_ASC"]) {
      assert.match(sdl, new RegExp(`\\n  ${value}\\n`));
    }
  });

  it("types the where inputs as Webiny's filter renderer does (id: ID, _in: [String] with null items, ranges [X!])", async () => {
    const sdl = await servedSdl(api);
    const input = (name: string) => sdl.slice(sdl.indexOf(`input ${name} {`), sdl.indexOf("}", sdl.indexOf(`input ${name} {`)));
    const tasks = input("WebinyBackgroundTaskListWhereInput");
    for (const line of [
      "id: ID", "id_not: ID", "id_in: [ID!]", "id_not_in: [ID!]", "createdBy: ID", "createdBy_in: [ID!]",
      "name: String", "name_in: [String]", "name_not_in: [String]", "taskStatus_in: [String]",
      "iterations: Number", "iterations_in: [Number]", "iterations_between: [Number!]",
      "createdOn: DateTime", "createdOn_in: [DateTime]", "createdOn_between: [DateTime!]", "createdOn_not_between: [DateTime!]",
      "finishedOn_between: [DateTime!]",
    ]) {
      assert.match(tasks, new RegExp(`\\n  ${line.replace(/[[\]]/g, "\\$&")}\\n`), line);
    }
    const logs = input("WebinyBackgroundTaskLogListWhereInput");
    assert.match(logs, /\n  id: ID\n/);
    assert.match(logs, /\n  task_in: \[String\]\n/);
    assert.match(logs, /\n  items: WebinyTaskLog_ItemsWhereInput\n/);
    const items = input("WebinyTaskLog_ItemsWhereInput");
    for (const line of ["message_contains: String", "type: String", "type_in: [String]", "createdOn_between: [DateTime!]"]) {
      assert.match(items, new RegExp(`\\n  ${line.replace(/[[\]]/g, "\\$&")}\\n`), line);
    }
    assert.match(sdl, /ignore the case of the ASCII letters A-Z only/);
  });

  it("builds the definition enum from public definitions only", async () => {
    const answer = await api.gql(`{ __type(name: "WebinyBackgroundTaskDefinitionEnum") { enumValues { name } } }`);
    assert.deepEqual(answer.body.data.__type.enumValues.map((value: { name: string }) => value.name), ["someTask", "waitTask"]);
  });
});

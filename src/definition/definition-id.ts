/**
 * Which definition ids are accepted. Webiny's rule: the id must equal lodash's
 * `camelCase` of itself ("myTask", "task2" and "v2Task" pass; "myID", "my_task", "MyTask"
 * and "task1a" do not, since camelCase gives "myId", "myTask", "myTask" and "task1A").
 * Stint adds one rule of its own: ASCII letters and digits, starting with a lower-case
 * letter, so that every id can be a value of the GraphQL enum `WebinyBackgroundTaskDefinitionEnum`
 * (lodash also accepts "1Task", "" and non-Latin letters, which GraphQL cannot spell).
 */
import { camelCase } from "./camel-case.js";

const GRAPHQL_SAFE = /^[a-z][a-zA-Z0-9]*$/;

export function isValidDefinitionId(id: unknown): id is string {
  return typeof id === "string" && GRAPHQL_SAFE.test(id) && camelCase(id) === id;
}

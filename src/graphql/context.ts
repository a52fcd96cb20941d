/**
 * What every resolver gets for one request: the service, the caller's permissions and
 * the request-scoped caches. Built fresh per request, so nothing leaks between callers.
 */
import type { TaskService } from "../service/types.js";
import type { ScheduleService } from "../schedules/types.js";
import type { Identity } from "../domain/task.js";
import type { Permission } from "./auth.js";
import type { TaskLoader } from "./task-loader.js";
import type { ReadBudget } from "../storage/port/types.js";

export interface GraphQLContext {
  service: TaskService;
  /** Schedules (absent on a server started without them). */
  schedules: ScheduleService | undefined;
  /** What the caller's API key allows (everything when no key is configured). */
  permissions: ReadonlySet<Permission>;
  /** The caller's identity (its API key), stored as `createdBy` of what it triggers. */
  identity: Identity | undefined;
  /** Adds `stack` to envelope errors and keeps unexpected error messages unmasked. */
  debug: boolean;
  /** The largest `limit` a list accepts. */
  maxListLimit: number;
  /** The request's byte budget (maxResponseBytes), charged by every store read it makes. */
  budget: ReadBudget;
  /** Batches and caches `WebinyBackgroundTaskLog.task` look-ups within the request. */
  tasks: TaskLoader;
  /** Memoises `WebinyBackgroundTask.logs` within the request (same task, same args). */
  nestedLogs: Map<string, Promise<unknown>>;
  /** Called with errors that are not StintErrors (bugs, crashes) before they are masked. */
  onUnexpectedError(error: unknown): void;
}

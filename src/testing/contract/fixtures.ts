/**
 * Fixtures for the storage contract suite. Everything is made through the port (never by
 * SQL), so the same fixtures hold for every adapter. The adapters' own tests use them too.
 */
import { newId } from "../../domain/ids.js";
import type { Identity, Task } from "../../domain/task.js";
import type { StorageAdapter } from "../../storage/port/index.js";
import type { ClaimedTask, ConcurrencyLimit, Sort, TaskCreateParams, TaskListField, LogListField } from "../../storage/port/types.js";
import type { ContractStore, ContractSuite } from "./suite.js";

/** A fixed "now" far from the epoch, so ms offsets read clearly in assertions. */
export const T0 = 1_700_000_000_000;
export const LEASE_MS = 30_000;
export const DEF = "sendEmail";
export const USER: Identity = { id: "user-1", displayName: "User One", type: "admin" };

export const NEWEST_FIRST: Sort<TaskListField>[] = [
  { field: "createdOn", direction: "desc" },
  { field: "id", direction: "desc" },
];
export const LOGS_OLDEST_FIRST: Sort<LogListField>[] = [
  { field: "createdOn", direction: "asc" },
  { field: "id", direction: "asc" },
];

/** A fresh store per test, cleaned up after it; read `.adapter` inside the test. */
export function useStore(suite: ContractSuite): {
  readonly adapter: StorageAdapter;
  /** More connections to the same store (`ContractStore.connect`), closed after the case; `adapter` when the store gives none. */
  connections(count: number): Promise<StorageAdapter[]>;
} {
  const opened: StorageAdapter[] = [];
  let store: ContractStore | undefined;
  suite.beforeEach(async () => {
    store = await suite.createStore();
  });
  suite.afterEach(async () => {
    for (const connection of opened.splice(0)) await connection.close();
    const done = store;
    store = undefined;
    if (done?.cleanup) await done.cleanup();
    else await done?.adapter.close();
  });
  return {
    get adapter() {
      if (!store) throw new Error("useStore: no store outside a test");
      return store.adapter;
    },
    async connections(count) {
      if (!store) throw new Error("useStore: no store outside a test");
      const { adapter, connect } = store;
      if (!connect) return Array.from({ length: count }, () => adapter);
      const made: StorageAdapter[] = [];
      for (let i = 0; i < count; i += 1) made.push(await connect.call(store));
      opened.push(...made);
      return made;
    },
  };
}

export function taskParams(overrides: Partial<TaskCreateParams> = {}): TaskCreateParams {
  const createdOn = overrides.createdOn ?? T0;
  return {
    id: newId(createdOn),
    name: "A task",
    definitionId: DEF,
    parentId: null,
    input: { to: "someone@example.com" },
    maxIterations: 50,
    runAt: createdOn,
    createdOn,
    createdBy: USER,
    eventResponse: null,
    ...overrides,
  };
}

export async function createTask(adapter: StorageAdapter, overrides: Partial<TaskCreateParams> = {}): Promise<Task> {
  const [task] = await adapter.taskCreateMany({ tasks: [taskParams(overrides)] });
  return task;
}

/** Claims with sensible defaults; `now` defaults to T0. */
export function claim(
  adapter: StorageAdapter,
  options: { workerId?: string; limit?: number; now?: number; leaseMs?: number; definitionIds?: string[]; limits?: ConcurrencyLimit[] } = {},
): Promise<ClaimedTask[]> {
  return adapter.taskClaim({
    workerId: options.workerId ?? "worker-a",
    limit: options.limit ?? 10,
    now: options.now ?? T0,
    leaseMs: options.leaseMs ?? LEASE_MS,
    definitionIds: options.definitionIds ?? [DEF],
    ...(options.limits ? { limits: options.limits } : {}),
  });
}

/** Claims exactly the one due task, failing loudly otherwise. */
export async function claimOne(adapter: StorageAdapter, options: Parameters<typeof claim>[1] = {}): Promise<ClaimedTask> {
  const claimed = await claim(adapter, { limit: 1, ...options });
  if (claimed.length !== 1) throw new Error(`expected one claimed task, got ${claimed.length}`);
  return claimed[0];
}

export function ids(items: readonly { id: string }[]): string[] {
  return items.map((item) => item.id);
}

export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

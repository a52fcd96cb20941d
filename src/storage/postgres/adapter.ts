/**
 * The PostgreSQL StorageAdapter: wires the pool, the operations (one file per concern)
 * and the LISTEN connection together. Behaviour of each operation: docs/storage.md.
 */
import type { StorageAdapter } from "../port/storage.js";
import { claimOps } from "./claim.js";
import { createDb } from "./db.js";
import { finishOps } from "./finish.js";
import { logOps } from "./logs.js";
import { migrate } from "./migrate.js";
import { createListener, encodeEvent, notifySql } from "./notify.js";
import { resolveOptions, type PostgresStorageOptions } from "./options.js";
import { taskOps } from "./tasks.js";

export function createPostgresStorage(options: PostgresStorageOptions): StorageAdapter {
  const resolved = resolveOptions(options);
  const db = createDb(resolved);
  const tasks = taskOps(db);
  const claims = claimOps(db);
  const finishes = finishOps(db);
  const logs = logOps(db);
  const listener = createListener({
    connectionString: resolved.connectionString,
    names: db.names,
    onError: resolved.onError,
  });

  return {
    name: "postgres",
    capabilities: { supportsNotify: true, supportsSkipLocked: true, multiProcess: true },

    migrate: () => migrate(db),
    async ping() {
      await db.query("SELECT 1");
    },
    async close() {
      await listener.close();
      await db.close();
    },

    taskCreateMany: (params) => tasks.createMany(params),
    taskGet: (id) => tasks.get(id),
    taskGetMany: (ids) => tasks.getMany(ids),
    taskList: (params) => tasks.list(params),
    taskDelete: (id) => tasks.delete(id),

    taskClaim: (params) => claims.claim(params),
    taskRenewLeases: (params) => claims.renew(params),
    taskReleaseLeases: (params) => claims.release(params),
    taskFinishMany: (params) => finishes.finishMany(params),
    taskHooksDone: (params) => claims.hooksDone(params.items),
    taskUpdate: (params) => tasks.update(params),
    taskAbort: (params) => finishes.abort(params),
    taskNextDueAt: (definitionIds) => tasks.nextDueAt(definitionIds),

    logAppend: (params) => logs.append(params),
    logList: (params) => logs.list(params),

    async publish(event) {
      await db.query(notifySql(db.names), [encodeEvent(event)]);
    },
    subscribe: (fn) => listener.subscribe(fn),
  };
}

/**
 * The PostgreSQL StorageAdapter: wires the pool, the operations (one file per concern)
 * and the LISTEN connection together. Behaviour of each operation: docs/storage.md.
 */
import type { StorageAdapter } from "../port/storage.js";
import { bulkOps } from "./bulk.js";
import { claimOps } from "./claim.js";
import { createDb } from "./connection.js";
import { createOrGetOps } from "./create-or-get.js";
import { finishOps } from "./finish.js";
import { handoffOps } from "./handoff.js";
import { logOps } from "./logs.js";
import { migrate, storedVersion } from "./migrate.js";
import { createListener, encodeEvent, notifySql } from "./notify.js";
import { resolveOptions, type PostgresStorageOptions } from "./options.js";
import { retentionOps } from "./retention.js";
import { scheduleOps } from "./schedules.js";
import { taskOps } from "./tasks.js";
import { workerOps } from "./workers.js";

export function createPostgresStorage(options: PostgresStorageOptions): StorageAdapter {
  const resolved = resolveOptions(options);
  const db = createDb(resolved);
  const handoff = handoffOps(db);
  const tasks = taskOps(db, handoff);
  const claims = claimOps(db);
  const createOrGet = createOrGetOps(db);
  const finishes = finishOps(db);
  const bulk = bulkOps(db);
  const logs = logOps(db);
  const workers = workerOps(db);
  const schedules = scheduleOps(db);
  const retention = retentionOps(db);
  /** Workers of this process whose claims offered a handoff slot. */
  const offering = new Set<string>();
  const listener = createListener({
    connectionString: resolved.connectionString,
    names: db.names,
    onError: resolved.onError,
    readHanded: (workerId, id) => handoff.readHanded(workerId, id),
    // Handoffs sent while the LISTEN connection is down never arrive: stop them now (best
    // effort); the next claim returns what was handed meanwhile and offers again once
    // listening.
    onDisconnect: () => {
      for (const workerId of offering) void handoff.close(workerId).catch(() => {});
    },
  });

  return {
    name: "postgres",
    capabilities: { supportsNotify: true, supportsHandoff: true },

    migrate: () => migrate(db),
    storedVersion: () => storedVersion(db),
    async ping() {
      await db.query("SELECT 1");
    },
    async close() {
      await listener.close();
      await db.close();
    },

    taskCreateMany: (params) => tasks.createMany(params.tasks),
    taskCreateOrGet: (params) => createOrGet.createOrGet(params.tasks),
    taskFindByIdempotencyKey: (params) => createOrGet.findByKey(params),
    taskGet: ({ id, ...options }) => tasks.get(id, options),
    taskGetMany: ({ ids, ...options }) => tasks.getMany(ids, options),
    taskList: (params) => tasks.list(params),
    taskDelete: (params) => tasks.delete(params.id),
    taskDeleteMany: (params) => bulk.deleteMany(params),
    taskSubtree: (params) => bulk.subtree(params),

    taskClaim(params) {
      // A slot only while handoffs can reach this process.
      const offer = params.handoff !== undefined && listener.listening();
      if (offer) offering.add(params.workerId);
      else offering.delete(params.workerId);
      return claims.claim(offer ? params : { ...params, handoff: undefined });
    },
    taskRenewLeases: (params) => claims.renew(params),
    taskReleaseLeases: (params) => claims.release(params),
    taskFinishMany: (params) => finishes.finishMany(params.finishes),
    taskHooksDone: (params) => claims.hooksDone(params.items),
    taskUpdate: (params) => finishes.update(params),
    taskAbort: (params) => finishes.abort(params),
    taskAbortMany: (params) => bulk.abortMany(params),
    taskNextDueAt: (params) => tasks.nextDueAt(params.definitionIds),
    taskWithdrawHandoff({ workerId }) {
      offering.delete(workerId);
      return handoff.withdraw(workerId);
    },

    taskStats: (params) => workers.taskStats(params),

    workerList: (params) => workers.list(params),
    workerUnregister: (params) => workers.unregister(params),

    logAppend: (params) => logs.append(params),
    logList: (params) => logs.list(params),

    ...schedules,
    ...retention,

    async publish(event) {
      await db.query(notifySql(db.names), [encodeEvent(event)]);
    },
    subscribe: (fn) => listener.subscribe(fn),
  };
}

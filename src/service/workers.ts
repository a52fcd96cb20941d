/**
 * `listWorkers`: the worker registry with each worker's state and the tasks it holds.
 * One registry read plus one read of the held tasks (cheap fields only) for all workers.
 */
import type { Clock } from "../domain/clock.js";
import { workerState, type WorkerInfo } from "../domain/worker.js";
import type { StorageAdapter } from "../storage/port/index.js";

export async function listWorkers(storage: StorageAdapter, clock: Clock): Promise<WorkerInfo[]> {
  const now = clock.now();
  const records = await storage.workerList({ now });
  const ids = [...new Set(records.flatMap((record) => record.tasks))];
  // No heavy field: inputs and outputs are not needed to say what runs where.
  const tasks = ids.length > 0 ? await storage.taskGetMany({ ids, fields: [] }) : [];
  const byId = new Map(tasks.map((task) => [task.id, task]));
  return records.map((record) => ({
    id: record.workerId,
    host: record.host,
    pid: record.pid,
    version: record.version,
    startedOn: new Date(record.startedAt).toISOString(),
    concurrency: record.concurrency,
    leaseMs: record.leaseMs,
    heartbeatMs: record.heartbeatMs,
    lastHeartbeatOn: new Date(record.lastBeatAt).toISOString(),
    state: workerState(record, now),
    tasks: record.tasks.flatMap((id) => {
      const task = byId.get(id);
      // Finished since the beat, or taken over by another worker: no longer this one's.
      if (!task || task.executionName !== record.workerId || (task.taskStatus !== "running" && task.taskStatus !== "pending")) return [];
      return [{ id: task.id, name: task.name, definitionId: task.definitionId, iteration: task.iterations, attempt: task.attempt }];
    }),
  }));
}

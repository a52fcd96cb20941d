/**
 * Request-scoped task look-ups for `WebinyBackgroundTaskLog.task`: ids asked for in the
 * same tick are fetched together (one `getTask` for one id, else one `listTasks` with
 * `id_in` per batch) and every answer is cached for the rest of the request, so a list
 * of 50 logs costs one service call, not 50. Each look-up names the fields its selection
 * uses: only those heavy fields are read, and look-ups wanting different heavy fields are
 * batched and cached apart (a task read without its input must not answer one that
 * selects it). Every read is charged to the request's byte budget.
 */
import type { TaskRecord as Task } from "../domain/task-record.js";
import type { TaskService } from "../service/types.js";
import { heavyFieldsOf, type ReadBudget } from "../storage/port/types.js";

const MAX_BATCH = 100;

export interface TaskLoader {
  /** `fields`: the task fields the caller uses; default every field. */
  load(id: string, fields?: readonly string[]): Promise<Task | null>;
}

interface Pending {
  id: string;
  resolve(task: Task | null): void;
  reject(error: unknown): void;
}

export function createTaskLoader(service: TaskService, budget?: ReadBudget): TaskLoader {
  const cache = new Map<string, Promise<Task | null>>();
  /** Queued look-ups per projection (the heavy fields they read). */
  let queues = new Map<string, { fields: string[] | undefined; entries: Pending[] }>();

  async function fetchBatch(ids: string[], fields: string[] | undefined): Promise<Map<string, Task>> {
    const options = { ...(fields ? { fields } : {}), ...(budget ? { budget } : {}) };
    if (ids.length === 1) {
      const task = await service.getTask(ids[0], options);
      return new Map(task ? [[task.id, task]] : []);
    }
    const { items } = await service.listTasks({ where: { id_in: ids }, limit: ids.length, ...options });
    return new Map(items.map((task) => [task.id, task]));
  }

  function flush(): void {
    const pending = queues;
    queues = new Map();
    for (const { fields, entries } of pending.values()) {
      for (let start = 0; start < entries.length; start += MAX_BATCH) {
        const batch = entries.slice(start, start + MAX_BATCH);
        fetchBatch(batch.map((entry) => entry.id), fields).then(
          (found) => batch.forEach((entry) => entry.resolve(found.get(entry.id) ?? null)),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        );
      }
    }
  }

  return {
    load(id, fields) {
      // Keyed by the heavy fields only: the cheap ones are always read.
      const heavy = fields === undefined ? undefined : [...heavyFieldsOf(fields)].sort();
      const projection = heavy === undefined ? "*" : heavy.join(",");
      const key = `${projection}\u0000${id}`;
      let promise = cache.get(key);
      if (!promise) {
        promise = new Promise<Task | null>((resolve, reject) => {
          if (queues.size === 0) queueMicrotask(flush);
          let queue = queues.get(projection);
          if (!queue) {
            queue = { fields: heavy, entries: [] };
            queues.set(projection, queue);
          }
          queue.entries.push({ id, resolve, reject });
        });
        cache.set(key, promise);
      }
      return promise;
    },
  };
}

/**
 * Request-scoped task look-ups for `WebinyBackgroundTaskLog.task`: ids asked for in the
 * same tick are fetched together (one `getTask` for one id, else one `listTasks` with
 * `id_in` per batch) and every answer is cached for the rest of the request, so a list
 * of 50 logs costs one service call, not 50.
 */
import type { TaskRecord as Task } from "../domain/task-record.js";
import type { TaskService } from "../service/types.js";

const MAX_BATCH = 100;

export interface TaskLoader {
  load(id: string): Promise<Task | null>;
}

export function createTaskLoader(service: TaskService): TaskLoader {
  const cache = new Map<string, Promise<Task | null>>();
  let queue: { id: string; resolve(task: Task | null): void; reject(error: unknown): void }[] = [];

  async function fetchBatch(ids: string[]): Promise<Map<string, Task>> {
    if (ids.length === 1) {
      const task = await service.getTask(ids[0]);
      return new Map(task ? [[task.id, task]] : []);
    }
    const { items } = await service.listTasks({ where: { id_in: ids }, limit: ids.length });
    return new Map(items.map((task) => [task.id, task]));
  }

  function flush(): void {
    const pending = queue;
    queue = [];
    for (let start = 0; start < pending.length; start += MAX_BATCH) {
      const batch = pending.slice(start, start + MAX_BATCH);
      fetchBatch(batch.map((entry) => entry.id)).then(
        (found) => batch.forEach((entry) => entry.resolve(found.get(entry.id) ?? null)),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      );
    }
  }

  return {
    load(id) {
      let promise = cache.get(id);
      if (!promise) {
        promise = new Promise<Task | null>((resolve, reject) => {
          if (queue.length === 0) queueMicrotask(flush);
          queue.push({ id, resolve, reject });
        });
        cache.set(id, promise);
      }
      return promise;
    },
  };
}

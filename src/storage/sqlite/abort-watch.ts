/**
 * Aborts from other processes, seen by a SQLite worker within ABORT_WATCH_MS instead of
 * at its next lease renewal (heartbeatMs, seconds). SQLite has no notifications, but
 * `PRAGMA data_version` on this connection changes whenever another connection commits:
 * reading it is a look at the WAL index in shared memory, no query and no lock. Only when
 * it changed are the held tasks looked up, one indexed statement for all of them. The
 * timer runs only while the worker holds tasks (AbortWatch.active).
 */
import type { AbortWatch, AbortWatchOptions } from "../port/storage.js";
import type { Db } from "./connection.js";

/** How often the version is read while tasks are held: the bound on how late an abort is seen. */
export const ABORT_WATCH_MS = 50;

// Held tasks, [id, leaseToken] each, that are aborted under a newer token than the
// holder's: an abort moves the token on (a hook claim the holder took after the abort
// carries the abort's token, and is not reported).
const SELECT_ABORTED = `
  SELECT t.id FROM json_each(?) AS h CROSS JOIN stint_tasks AS t ON t.id = h.value ->> 0
  WHERE t.status = 'aborted' AND t.lease_token <> h.value ->> 1`;

/** The statement of the abort watch (snapshot: tests/storage/sqlite/statements.test.ts). */
export const ABORT_WATCH_STATEMENTS = { SELECT_ABORTED };

export function watchAborts(db: Db, options: AbortWatchOptions, intervalMs = ABORT_WATCH_MS): AbortWatch {
  let timer: NodeJS.Timeout | undefined;
  let version = 0;

  const check = () => {
    if (!db.raw.open) return;
    let current: number;
    try {
      current = db.stmt("PRAGMA data_version", "pluck").get() as number;
    } catch {
      return; // the store blinked: the lease renewal reports what this misses
    }
    if (current === version) return;
    version = current;
    const held: [string, number][] = [];
    for (const lease of options.held()) held.push([lease.id, lease.leaseToken]);
    if (held.length === 0) return;
    let aborted: string[];
    try {
      aborted = db.stmt(SELECT_ABORTED, "pluck").all(JSON.stringify(held)) as string[];
    } catch {
      version = 0; // look again at the next tick
      return;
    }
    for (const id of aborted) options.onAborted(id);
  };

  return {
    active(on) {
      if (on && !timer && db.raw.open) {
        // The first tick looks whatever the version: an abort may have committed between
        // the claim that made the worker active and this call. One lookup per busy spell,
        // and none for an iteration that ends within the first tick.
        version = -1;
        timer = setInterval(check, intervalMs);
        timer.unref();
      } else if (!on && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

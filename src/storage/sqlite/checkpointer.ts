/**
 * WAL checkpoints on a thread of their own. By default SQLite checkpoints inside the
 * commit that grows the WAL past 1,000 pages: that commit then copies the pages into the
 * database file and fsyncs it, for milliseconds, on the event loop. In the latency
 * benchmark those commits were the p99 (3.2–3.8 ms with them, 0.6–0.9 ms without). Here a
 * worker thread with its own connection runs a PASSIVE checkpoint (it never blocks
 * writers or readers) every `intervalMs`, and the main connection's automatic checkpoint
 * only steps in as a backstop when the WAL outgrows `BACKSTOP_PAGES`.
 *
 * The thread's code is a plain CommonJS string (no TypeScript loader needed in the
 * thread, from source or built) that loads the same better-sqlite3 as this process.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";

/** The main connection's automatic checkpoint, kept as a backstop (pages of 4 KiB). */
export const BACKSTOP_PAGES = 10_000;
const DEFAULT_INTERVAL_MS = 200;
const STOP_TIMEOUT_MS = 2_000;

const THREAD_CODE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true, timeout: 0 });
function checkpoint() {
  // PASSIVE: copies what it can without waiting; SQLITE_BUSY just means "next time".
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the thread after a last checkpoint; resolves when it has exited. */
  stop(): Promise<void>;
}

export function startCheckpointer(filename: string, intervalMs = DEFAULT_INTERVAL_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  // Absolute now: the thread opens the file a moment later, whatever the cwd is by then.
  const file = filename.startsWith("file:") ? filename : resolve(filename);
  const thread = new Worker(THREAD_CODE, { eval: true, workerData: { driver, filename: file, intervalMs } });
  // Never what keeps a process alive; a process that exits without close() loses nothing
  // (a checkpoint is only a copy of what the WAL already holds).
  thread.unref();
  // A thread that cannot run (e.g. out of memory) only means checkpoints fall back to the
  // main connection's backstop: nothing to report to the caller.
  thread.on("error", () => {});
  const exited = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        thread.postMessage("stop");
        const timer = setTimeout(() => void thread.terminate(), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/**
 * `npx stint worker` and `npm run` scripts start the command as `sh -c "stint worker"`.
 * npm forwards SIGTERM/SIGINT to that shell, but Debian's /bin/sh (dash) does not pass
 * the signal on to its child: the shell dies, npm exits, and the worker was left running,
 * orphaned, with no one to stop it. So a command started by npm (npm sets
 * `npm_lifecycle_event` for both) watches its parent, and treats the parent's exit as
 * SIGTERM. Outside npm nothing is watched: `nohup stint worker &` must outlive its shell.
 *
 * The check is one getppid() per interval on an unref'd timer: nothing on the hot path,
 * and it never keeps the process alive.
 */
const INTERVAL_MS = 250;

/** Calls `onExit` once when the parent process is gone; returns a function that stops watching. */
export function watchNpmParent(onExit: () => void, env: NodeJS.ProcessEnv = process.env): () => void {
  const parent = process.ppid;
  // ppid 1 or 0: already reparented (or PID 1 in a container); there is no parent to lose.
  if (env.npm_lifecycle_event === undefined || parent <= 1) return () => {};
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * CPU time from /proc (Linux), so the drain can report what one task costs each side: the
 * worker process, and the PostgreSQL server when it runs on this machine. A rate alone
 * does not say which side a gap is on (docs/benchmarks-history.md, "Drain CPU and WAL per task").
 *
 * The server's figure is every `postgres` process's user + system time, plus the times
 * its exited backends left to their parent (`cutime`/`cstime`): machine-wide, so other
 * clients of the same server count too. Null where /proc or the server is not visible.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process times in USER_HZ ticks, 100 per second on every architecture it supports. */
const MS_PER_TICK = 10;

interface ProcTimes {
  comm: string;
  /** utime + stime, ms */
  own: number;
  /** cutime + cstime (reaped children), ms */
  children: number;
}

function readTimes(pid: number | string): ProcTimes | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces; the fields follow the last ")".
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return { comm, own: (utime + stime) * MS_PER_TICK, children: (cutime + cstime) * MS_PER_TICK };
  } catch {
    return null;
  }
}

/** A process's user + system CPU so far, ms; null once it is gone or without /proc. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  return readTimes(pid)?.own ?? null;
}

/** Every local PostgreSQL server process's CPU so far, ms; null when none is visible. */
export function postgresCpuMs(): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  let total = 0;
  let seen = false;
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const times = readTimes(entry);
    if (times?.comm !== "postgres") continue;
    seen = true;
    total += times.own + times.children;
  }
  return seen ? total : null;
}

/** Reads both at one moment; `perTask` turns two readings into µs per task. */
export interface CpuReading {
  worker: number | null;
  server: number | null;
}

export function readCpu(workerPid: number | undefined): CpuReading {
  return { worker: processCpuMs(workerPid), server: postgresCpuMs() };
}

export function perTask(before: CpuReading, after: CpuReading, tasks: number): { workerCpuUs: number | null; serverCpuUs: number | null } {
  const per = (a: number | null, b: number | null) => (a === null || b === null || tasks <= 0 ? null : ((b - a) * 1000) / tasks);
  return { workerCpuUs: per(before.worker, after.worker), serverCpuUs: per(before.server, after.server) };
}

/** Dates, durations and numbers as people read them. */
const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});
const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "—" : dateTime.format(date);
}

/** Time of day for today's dates, date and time otherwise. */
export function formatShort(value: string | null | undefined, now = Date.now()): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "—";
  return new Date(now).toDateString() === date.toDateString() ? time.format(date) : dateTime.format(date);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatAge(value: string | null | undefined, now = Date.now()): string {
  if (!value) return "—";
  const ms = now - new Date(value).getTime();
  if (!Number.isFinite(ms)) return "—";
  if (ms < 5000) return "just now";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

export function between(start: string | null | undefined, end: string | null | undefined, now = Date.now()): number | undefined {
  if (!start) return undefined;
  const from = new Date(start).getTime();
  const to = end ? new Date(end).getTime() : now;
  return Number.isFinite(from) && Number.isFinite(to) ? to - from : undefined;
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
export function formatNumber(value: number | null | undefined): string {
  return typeof value === "number" && Number.isFinite(value) ? integer.format(value) : "—";
}

/** Time of day with milliseconds, for iterations that take less than a second. */
export function formatTimeMs(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return "—";
  return `${time.format(date)}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}

/** A time still to come, as "in 5 min"; "now" once it has passed. */
export function formatIn(value: string | null | undefined, now = Date.now()): string {
  if (!value) return "—";
  const ms = new Date(value).getTime() - now;
  if (!Number.isFinite(ms)) return "—";
  if (ms < 1000) return "now";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} d`;
}

/** When a pending task will run, if that is still to come (its delay, or a continue's wait); undefined otherwise. */
export function delayedUntil(task: { taskStatus: string; runAt?: string | null }, now = Date.now()): string | undefined {
  if (task.taskStatus !== "pending" || !task.runAt) return undefined;
  const at = new Date(task.runAt).getTime();
  return Number.isFinite(at) && at > now ? task.runAt : undefined;
}

/**
 * The runs table's duration: finished − started for a finished run, the time so far
 * for a running one (live as `now` ticks), nothing for one that never started.
 */
export function formatRunDuration(task: { taskStatus: string; startedOn: string | null; finishedOn: string | null }, now = Date.now()): string {
  if (!task.startedOn) return "—";
  if (task.finishedOn) return formatDuration(between(task.startedOn, task.finishedOn) ?? Number.NaN);
  return task.taskStatus === "running" ? formatDuration(between(task.startedOn, null, now) ?? Number.NaN) : "—";
}

/**
 * The name the trigger dialog gives a run left unnamed: its definition's title and the
 * time of day, so runs of one definition tell apart in the list ("Import CSV · 14:03:22").
 */
export function defaultRunName(title: string, at: Date): string {
  return `${title} · ${time.format(at)}`;
}
